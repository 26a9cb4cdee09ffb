package apigw

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/snapcache"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Record kinds in the store.
const (
	kindAPI        = "apigw/restapi"    // key: api id
	kindDeployment = "apigw/deployment" // key: api id + "/" + deployment id
	kindStage      = "apigw/stage"      // key: api id + "/" + stage name
)

// Options configures a Service.
type Options struct {
	AccountID string
	Region    string
	Now       func() time.Time
	// DeployedTTL is how long Deployed serves a stage from memory; 0 means
	// DefaultDeployedTTL, negative reads the store every time.
	DeployedTTL time.Duration
}

// Service manages REST APIs, deployments and stages in a store.
type Service struct {
	st   store.Store
	opts Options

	// deployments by api id + "/" + deployment id; they never change.
	deployments snapcache.Immutable[*deploymentRecord]

	deployed *snapcache.TTL[*Snapshot] // by api id + "/" + stage
	// buckets throttle API keys by their usage plans (usage.go).
	buckets Limiter
	// domains caches custom domain mappings (domain.go).
	domains *snapcache.TTL[map[string]map[string]BasePathMapping]
}

// New returns a Service over st.
func New(st store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	ttl := o.DeployedTTL
	switch {
	case ttl == 0:
		ttl = DefaultDeployedTTL
	case ttl < 0:
		ttl = 0
	}
	return &Service{st: st, opts: o, deployed: snapcache.NewTTL[*Snapshot](ttl, maxDeployed, o.Now),
		domains: snapcache.NewTTL[map[string]map[string]BasePathMapping](ttl, 1, o.Now)}
}

// apiRecord is a stored REST API with its current (undeployed) resources.
type apiRecord struct {
	API         RestAPI      `json:"api"`
	Resources   []Resource   `json:"resources"`
	Authorizers []Authorizer `json:"authorizers,omitempty"`
	apiParts
}

// apiParts are the parts of an API beside its resource tree that a
// deployment snapshots with it.
type apiParts struct {
	Models           []Model                    `json:"models,omitempty"`
	Validators       []RequestValidator         `json:"requestValidators,omitempty"`
	GatewayResponses map[string]GatewayResponse `json:"gatewayResponses,omitempty"`
}

// CreateRestAPIInput are CreateRestApi's (or AWS::ApiGateway::RestApi's)
// inputs. Fields set here win over the same settings in Body, as
// CloudFormation documents for the RestApi properties.
type CreateRestAPIInput struct {
	Name             string
	Description      string
	Body             any
	Policy           string
	EndpointTypes    []string
	BinaryMediaTypes []string
	APIKeySource     string
	Tags             map[string]string
}

// CreateRestAPI creates an API, importing Body when given.
func (s *Service) CreateRestAPI(ctx context.Context, in CreateRestAPIInput) (RestAPI, error) {
	def := &Definition{Resources: newImportTree().resources()}
	if in.Body != nil {
		d, err := ParseDefinition(in.Body)
		if err != nil {
			return RestAPI{}, err
		}
		def = d
	}
	api := RestAPI{
		Name:             cmp.Or(in.Name, def.Title),
		Description:      cmp.Or(in.Description, def.Description),
		CreatedDate:      s.now(),
		Policy:           cmp.Or(in.Policy, def.Policy),
		EndpointTypes:    firstNonEmptyList(in.EndpointTypes, def.EndpointTypes, []string{"EDGE"}),
		BinaryMediaTypes: firstNonEmptyList(in.BinaryMediaTypes, def.BinaryMediaTypes, nil),
		APIKeySource:     cmp.Or(in.APIKeySource, def.APIKeySource, "HEADER"),
		Tags:             in.Tags,
		Version:          def.Version,
		Warnings:         def.Warnings,
	}
	if api.Name == "" {
		return RestAPI{}, awserr.New(awserr.BadRequestException, "Invalid REST API name specified")
	}
	rec := &apiRecord{API: api, apiParts: importParts(def, def.Resources)}
	rec.Resources = assignIDs(nil, def.Resources)
	var byName map[string]string
	rec.Authorizers, byName = assignAuthorizerIDs(nil, def.Authorizers)
	linkAuthorizers(rec.Resources, byName)
	rec.API.RootResourceID = rootID(rec.Resources)
	for range 5 { // a fresh random id collides with odds ~1e-15; retry anyway
		rec.API.ID = NewID(10)
		err := record.Create(ctx, s.st, kindAPI, rec.API.ID, rec)
		s.changed() // an unknown id may have been remembered as such
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				return RestAPI{}, fmt.Errorf("apigw: create api: %w", err)
			}
			return rec.API, nil
		}
	}
	return RestAPI{}, fmt.Errorf("apigw: create api: no free id")
}

// PutRestAPI imports body into an existing API: "overwrite" replaces its
// resources and methods, "merge" adds the definition's methods and keeps the
// rest. Resource ids of unchanged paths are kept.
func (s *Service) PutRestAPI(ctx context.Context, id string, body any, mode string) (RestAPI, error) {
	if mode == "" {
		mode = "merge" // PutRestApi's default
	}
	if mode != "overwrite" && mode != "merge" {
		return RestAPI{}, awserr.New(awserr.BadRequestException, "Invalid mode specified: %s", mode)
	}
	def, err := ParseDefinition(body)
	if err != nil {
		return RestAPI{}, err
	}
	var out RestAPI
	err = s.updateAPI(ctx, id, func(rec *apiRecord) error {
		resources := def.Resources
		if mode == "merge" {
			rec.apiParts = mergeParts(rec.apiParts, def, def.Resources)
			resources = mergeResources(rec.Resources, def.Resources)
		} else {
			rec.apiParts = importParts(def, def.Resources)
		}
		authorizers, byName := assignAuthorizerIDs(rec.Authorizers, mergeAuthorizers(rec.Authorizers, def.Authorizers, mode))
		linkAuthorizers(def.Resources, byName)
		rec.Resources = assignIDs(rec.Resources, resources)
		rec.Authorizers = authorizers
		applyDefinition(&rec.API, def, mode)
		out = rec.API
		return nil
	})
	return out, err
}

func applyDefinition(api *RestAPI, def *Definition, mode string) {
	if def.Policy != "" || mode == "overwrite" {
		api.Policy = def.Policy
	}
	if def.Description != "" {
		api.Description = def.Description
	}
	if len(def.BinaryMediaTypes) > 0 || mode == "overwrite" {
		api.BinaryMediaTypes = def.BinaryMediaTypes
	}
	if len(def.EndpointTypes) > 0 {
		api.EndpointTypes = def.EndpointTypes
	}
	if def.APIKeySource != "" {
		api.APIKeySource = def.APIKeySource
	}
	api.Version = def.Version
	api.Warnings = def.Warnings
}

// UpdateRestAPI applies fn (the caller's patch operations) to an API. The
// id, creation date and root resource cannot change.
func (s *Service) UpdateRestAPI(ctx context.Context, id string, fn func(*RestAPI) error) (RestAPI, error) {
	var out RestAPI
	err := s.updateAPI(ctx, id, func(rec *apiRecord) error {
		keep := rec.API
		if err := fn(&rec.API); err != nil {
			return err
		}
		rec.API.ID, rec.API.CreatedDate, rec.API.RootResourceID = keep.ID, keep.CreatedDate, keep.RootResourceID
		out = rec.API
		return nil
	})
	return out, err
}

// GetRestAPI returns an API.
func (s *Service) GetRestAPI(ctx context.Context, id string) (RestAPI, error) {
	rec, err := s.getAPI(ctx, s.st, id)
	if err != nil {
		return RestAPI{}, err
	}
	return rec.API, nil
}

// ListRestAPIs returns every API, ordered by id.
func (s *Service) ListRestAPIs(ctx context.Context) ([]RestAPI, error) {
	out, err := record.ListAs(ctx, s.st, kindAPI, "", func(rec *apiRecord) RestAPI { return rec.API })
	if err != nil {
		return nil, fmt.Errorf("apigw: %w", err)
	}
	return out, nil
}

// DeleteRestAPI deletes an API with its stages and deployments.
func (s *Service) DeleteRestAPI(ctx context.Context, id string) error {
	defer s.changed()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getAPI(ctx, tx, id); err != nil {
			return err
		}
		s.evict(id + "/")
		if err := record.DeleteTree(ctx, tx, kindAPI, id, kindStage, kindDeployment); err != nil {
			return fmt.Errorf("apigw: delete api: %w", err)
		}
		return nil
	})
}

// GetResources returns an API's current resources, ordered by path.
func (s *Service) GetResources(ctx context.Context, apiID string) ([]Resource, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Resources, nil
}

func (s *Service) getAPI(ctx context.Context, r store.Reader, id string) (*apiRecord, error) {
	rec, err := record.Get[apiRecord](ctx, r, kindAPI, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errAPINotFound(s.opts.AccountID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("apigw: %w", err)
	}
	return rec, nil
}

func (s *Service) updateAPI(ctx context.Context, id string, fn func(*apiRecord) error) error {
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
		return record.Put(ctx, tx, kindAPI, id, rec)
	})
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// NewID returns n random characters of [a-z0-9], API Gateway's id
// alphabet, for REST and HTTP APIs (internal/httpapi) alike.
func NewID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func firstNonEmptyList(vs ...[]string) []string {
	for _, v := range vs {
		if len(v) > 0 {
			return v
		}
	}
	return nil
}
