package apigw

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Record kinds of API keys and usage plans.
const (
	kindAPIKey       = "apigw/apikey"       // key: key id
	kindAPIKeyValue  = "apigw/apikey-value" // key: hex SHA-256 of the value; value: key id
	kindUsagePlan    = "apigw/usageplan"    // key: plan id
	kindUsagePlanKey = "apigw/usageplankey" // key: plan id + "/" + key id
)

// APIKey is an API key (https://docs.aws.amazon.com/apigateway/latest/api/API_ApiKey.html).
type APIKey struct {
	ID              string            `json:"id"`
	Value           string            `json:"value,omitempty"`
	Name            string            `json:"name,omitempty"`
	CustomerID      string            `json:"customerId,omitempty"`
	Description     string            `json:"description,omitempty"`
	Enabled         bool              `json:"enabled"`
	CreatedDate     time.Time         `json:"createdDate"`
	LastUpdatedDate time.Time         `json:"lastUpdatedDate"`
	StageKeys       []string          `json:"stageKeys,omitempty"` // "{restApiId}/{stageName}"
	Tags            map[string]string `json:"tags,omitempty"`
}

// UsagePlan is a usage plan (https://docs.aws.amazon.com/apigateway/latest/api/API_UsagePlan.html).
// Throttle and quota are kept as given and not enforced.
type UsagePlan struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	APIStages   []APIStage        `json:"apiStages,omitempty"`
	Throttle    map[string]any    `json:"throttle,omitempty"`
	Quota       map[string]any    `json:"quota,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// APIStage is one stage a usage plan covers.
type APIStage struct {
	APIID string `json:"apiId"`
	Stage string `json:"stage"`
}

// UsagePlanKey is a key of a usage plan.
type UsagePlanKey struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

// API key value bounds and wording, as CreateApiKey answers
// (hashicorp/terraform-provider-aws pull request 30894, tested against AWS).
const (
	minKeyValue = 20
	maxKeyValue = 128
	// generatedKeyValue is the length of the values API Gateway generates.
	generatedKeyValue = 40
)

func errKeyNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid API Key identifier specified")
}

func errPlanNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid Usage Plan ID specified")
}

// CreateAPIKeyInput are CreateApiKey's (or AWS::ApiGateway::ApiKey's) inputs.
type CreateAPIKeyInput struct {
	Name, Description, CustomerID string
	Enabled                       bool
	// Value is the key; empty generates one, as API Gateway does.
	Value     string
	StageKeys []APIStage
	Tags      map[string]string
}

// CreateAPIKey creates an API key.
func (s *Service) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (APIKey, error) {
	value := in.Value
	switch {
	case value == "":
		value = newKeyValue()
	case len(value) < minKeyValue:
		return APIKey{}, awserr.New(awserr.BadRequestException, "API Key value should be at least %d characters", minKeyValue)
	case len(value) > maxKeyValue:
		return APIKey{}, awserr.New(awserr.BadRequestException, "API Key value exceeds maximum size of %d characters", maxKeyValue)
	}
	now := s.now()
	k := APIKey{ID: NewID(10), Value: value, Name: in.Name, CustomerID: in.CustomerID, Description: in.Description,
		Enabled: in.Enabled, CreatedDate: now, LastUpdatedDate: now, Tags: in.Tags}
	for _, sk := range in.StageKeys {
		k.StageKeys = append(k.StageKeys, sk.APIID+"/"+sk.Stage)
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := s.checkStages(ctx, tx, in.StageKeys); err != nil {
			return err
		}
		if err := tx.Create(ctx, kindAPIKeyValue, valueDigest(value), []byte(k.ID)); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return awserr.New(awserr.ConflictException, "API Key already exists")
			}
			return fmt.Errorf("apigw: create api key: %w", err)
		}
		return record.Create(ctx, tx, kindAPIKey, k.ID, &k)
	})
	if err != nil {
		return APIKey{}, err
	}
	return k, nil
}

// newKeyValue returns 40 random letters and digits, the shape of the
// values API Gateway generates.
func newKeyValue() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, generatedKeyValue)
	for i := range b {
		b[i] = alphabet[randIndex(len(alphabet))]
	}
	return string(b)
}

// randIndex is a uniform random index below n (n <= 256), by rejection.
func randIndex(n int) int {
	limit := 256 - 256%n
	var x [1]byte
	for {
		_, _ = rand.Read(x[:])
		if int(x[0]) < limit {
			return int(x[0]) % n
		}
	}
}

// valueDigest keys the value index: the value itself never is a store key.
func valueDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// GetAPIKey returns a key; its value only when includeValue.
func (s *Service) GetAPIKey(ctx context.Context, id string, includeValue bool) (APIKey, error) {
	k, err := s.getKey(ctx, s.st, id)
	if err != nil {
		return APIKey{}, err
	}
	if !includeValue {
		k.Value = ""
	}
	return *k, nil
}

// GetAPIKeys returns every key ordered by id; values only when includeValues.
func (s *Service) GetAPIKeys(ctx context.Context, includeValues bool) ([]APIKey, error) {
	items, err := s.st.List(ctx, kindAPIKey, "")
	if err != nil {
		return nil, fmt.Errorf("apigw: list api keys: %w", err)
	}
	out := make([]APIKey, 0, len(items))
	for _, it := range items {
		var k APIKey
		if err := json.Unmarshal(it.Value, &k); err != nil {
			return nil, fmt.Errorf("apigw: decode api key %s: %w", it.Key, err)
		}
		if !includeValues {
			k.Value = ""
		}
		out = append(out, k)
	}
	return out, nil
}

// UpdateAPIKey applies fn to a key's name, description and enabled flag.
func (s *Service) UpdateAPIKey(ctx context.Context, id string, fn func(*APIKey)) (APIKey, error) {
	var out APIKey
	err := s.st.Update(ctx, func(tx store.Tx) error {
		k, err := s.getKey(ctx, tx, id)
		if err != nil {
			return err
		}
		keep := *k
		fn(k)
		k.ID, k.Value, k.CreatedDate, k.StageKeys = keep.ID, keep.Value, keep.CreatedDate, keep.StageKeys
		k.LastUpdatedDate = s.now()
		out = *k
		return record.Put(ctx, tx, kindAPIKey, id, k)
	})
	return out, err
}

// DeleteAPIKey deletes a key and its usage plan memberships.
func (s *Service) DeleteAPIKey(ctx context.Context, id string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		k, err := s.getKey(ctx, tx, id)
		if err != nil {
			return err
		}
		plans, err := tx.List(ctx, kindUsagePlan, "")
		if err != nil {
			return err
		}
		for _, p := range plans {
			if err := tx.Delete(ctx, kindUsagePlanKey, p.Key+"/"+id); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if err := tx.Delete(ctx, kindAPIKeyValue, valueDigest(k.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.Delete(ctx, kindAPIKey, id)
	})
}

func (s *Service) getKey(ctx context.Context, r store.Reader, id string) (*APIKey, error) {
	b, err := r.Get(ctx, kindAPIKey, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errKeyNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("apigw: get api key %s: %w", id, err)
	}
	var k APIKey
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("apigw: decode api key %s: %w", id, err)
	}
	return &k, nil
}

// CreateUsagePlan creates a usage plan over existing stages.
func (s *Service) CreateUsagePlan(ctx context.Context, in UsagePlan) (UsagePlan, error) {
	if in.Name == "" {
		return UsagePlan{}, awserr.New(awserr.BadRequestException, "Usage Plan name must be non-empty")
	}
	in.ID = NewID(6)
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if err := s.checkStages(ctx, tx, in.APIStages); err != nil {
			return err
		}
		return record.Create(ctx, tx, kindUsagePlan, in.ID, &in)
	})
	if err != nil {
		return UsagePlan{}, err
	}
	return in, nil
}

// checkStages reports the first stage that does not exist, the API first
// as API Gateway does, reading through r (the caller's transaction).
func (s *Service) checkStages(ctx context.Context, r store.Reader, stages []APIStage) error {
	for _, as := range stages {
		if _, err := s.getAPI(ctx, r, as.APIID); err != nil {
			return err
		}
		_, err := s.getStage(ctx, r, as.APIID, as.Stage)
		if errors.Is(err, store.ErrNotFound) {
			return errStageNotFound()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// UpdateUsagePlan replaces a plan's settings, keeping its id and keys.
func (s *Service) UpdateUsagePlan(ctx context.Context, id string, fn func(*UsagePlan)) (UsagePlan, error) {
	var out UsagePlan
	err := s.st.Update(ctx, func(tx store.Tx) error {
		p, err := s.getPlan(ctx, tx, id)
		if err != nil {
			return err
		}
		fn(p)
		p.ID = id
		if err := s.checkStages(ctx, tx, p.APIStages); err != nil {
			return err
		}
		out = *p
		return record.Put(ctx, tx, kindUsagePlan, id, p)
	})
	return out, err
}

// GetUsagePlans returns every plan ordered by id.
func (s *Service) GetUsagePlans(ctx context.Context) ([]UsagePlan, error) {
	items, err := s.st.List(ctx, kindUsagePlan, "")
	if err != nil {
		return nil, fmt.Errorf("apigw: list usage plans: %w", err)
	}
	out := make([]UsagePlan, 0, len(items))
	for _, it := range items {
		var p UsagePlan
		if err := json.Unmarshal(it.Value, &p); err != nil {
			return nil, fmt.Errorf("apigw: decode usage plan %s: %w", it.Key, err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// DeleteUsagePlan deletes a plan and its key memberships.
func (s *Service) DeleteUsagePlan(ctx context.Context, id string) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getPlan(ctx, tx, id); err != nil {
			return err
		}
		keys, err := tx.List(ctx, kindUsagePlanKey, id+"/")
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(ctx, kindUsagePlanKey, k.Key); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindUsagePlan, id)
	})
}

func (s *Service) getPlan(ctx context.Context, r store.Reader, id string) (*UsagePlan, error) {
	b, err := r.Get(ctx, kindUsagePlan, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errPlanNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("apigw: get usage plan %s: %w", id, err)
	}
	var p UsagePlan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("apigw: decode usage plan %s: %w", id, err)
	}
	return &p, nil
}

// CreateUsagePlanKey adds an API key to a plan (keyType API_KEY).
func (s *Service) CreateUsagePlanKey(ctx context.Context, planID, keyID, keyType string) (UsagePlanKey, error) {
	if keyType != "API_KEY" {
		return UsagePlanKey{}, awserr.New(awserr.BadRequestException, "Invalid key type specified")
	}
	var out UsagePlanKey
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getPlan(ctx, tx, planID); err != nil {
			return err
		}
		k, err := s.getKey(ctx, tx, keyID)
		if err != nil {
			return err
		}
		out = UsagePlanKey{ID: k.ID, Type: keyType, Name: k.Name}
		return tx.Put(ctx, kindUsagePlanKey, planID+"/"+keyID, []byte(keyType))
	})
	return out, err
}

// DeleteUsagePlanKey removes a key from a plan.
func (s *Service) DeleteUsagePlanKey(ctx context.Context, planID, keyID string) error {
	err := s.st.Delete(ctx, kindUsagePlanKey, planID+"/"+keyID)
	if errors.Is(err, store.ErrNotFound) {
		return errKeyNotFound()
	}
	return err
}

// ValidAPIKey tells whether value is the value of an enabled API key that
// belongs to a usage plan covering apiID's stage, which is what API Gateway
// requires of a method with apiKeyRequired
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
// The stored value is compared in constant time. keyID names the key when
// ok.
func (s *Service) ValidAPIKey(ctx context.Context, apiID, stage, value string) (keyID string, ok bool, err error) {
	if value == "" {
		return "", false, nil
	}
	idBytes, err := s.st.Get(ctx, kindAPIKeyValue, valueDigest(value))
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("apigw: api key lookup: %w", err)
	}
	k, err := s.getKey(ctx, s.st, string(idBytes))
	if awserr.Is(err, awserr.NotFoundException) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	if subtle.ConstantTimeCompare([]byte(k.Value), []byte(value)) != 1 || !k.Enabled {
		return "", false, nil
	}
	plans, err := s.st.List(ctx, kindUsagePlan, "")
	if err != nil {
		return "", false, fmt.Errorf("apigw: list usage plans: %w", err)
	}
	for _, it := range plans {
		var p UsagePlan
		if err := json.Unmarshal(it.Value, &p); err != nil {
			return "", false, fmt.Errorf("apigw: decode usage plan %s: %w", it.Key, err)
		}
		if !coversStage(p, apiID, stage) {
			continue
		}
		_, err := s.st.Get(ctx, kindUsagePlanKey, p.ID+"/"+k.ID)
		if err == nil {
			return k.ID, true, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", false, fmt.Errorf("apigw: usage plan key: %w", err)
		}
	}
	return "", false, nil
}

func coversStage(p UsagePlan, apiID, stage string) bool {
	for _, as := range p.APIStages {
		if as.APIID == apiID && as.Stage == stage {
			return true
		}
	}
	return false
}
