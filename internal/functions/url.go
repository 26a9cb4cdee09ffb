package functions

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Function URLs (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html):
// one per function or alias, at https://{urlId}.lambda-url.{region}.on.aws/,
// the url id 32 lower-case letters and digits.

const (
	kindURL   = "lambda/url"   // key: name or name ":" alias
	kindURLID = "lambda/urlid" // key: url id → the kindURL key
)

// URLConfig is a function URL.
type URLConfig struct {
	ID         string    `json:"id"`
	Function   string    `json:"function"`
	Qualifier  string    `json:"qualifier,omitempty"`
	ARN        string    `json:"arn"` // the function or alias ARN
	AuthType   string    `json:"authType"`
	Cors       *URLCors  `json:"cors,omitempty"`
	InvokeMode string    `json:"invokeMode"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
}

// URLCors is a function URL's Cors setting, as the API spells it.
type URLCors struct {
	AllowCredentials bool     `json:"AllowCredentials,omitempty"`
	AllowHeaders     []string `json:"AllowHeaders,omitempty"`
	AllowMethods     []string `json:"AllowMethods,omitempty"`
	AllowOrigins     []string `json:"AllowOrigins,omitempty"`
	ExposeHeaders    []string `json:"ExposeHeaders,omitempty"`
	MaxAge           int      `json:"MaxAge,omitempty"`
}

// URL is the function URL's address on AWS.
func (u URLConfig) URL(region string) string {
	return "https://" + u.ID + ".lambda-url." + region + ".on.aws/"
}

// URLInput is what CreateFunctionUrlConfig and UpdateFunctionUrlConfig set;
// an empty AuthType or InvokeMode keeps (or defaults) the current one.
type URLInput struct {
	AuthType   string
	Cors       *URLCors
	InvokeMode string
}

func validateURLInput(in URLInput, create bool) error {
	switch in.AuthType {
	case "AWS_IAM", "NONE":
	case "":
		if create {
			return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'authType' failed to satisfy constraint: Member must not be null")
		}
	default:
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]", in.AuthType)
	}
	switch in.InvokeMode {
	case "", "BUFFERED", "RESPONSE_STREAM":
	default:
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]", in.InvokeMode)
	}
	return nil
}

func urlKey(name, q string) string {
	if q == "" {
		return name
	}
	return name + ":" + q
}

// newURLID returns 32 random lower-case letters and digits.
func newURLID() string {
	const set = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = set[int(b[i])%len(set)]
	}
	return string(b)
}

// checkURLQualifier: a URL belongs to the function or one of its aliases,
// never to a version.
func (s *Service) checkURLQualifier(ctx context.Context, name, q string) (string, error) {
	if _, err := s.Get(ctx, name); err != nil {
		return "", err
	}
	switch {
	case q == "":
		return s.ARN(name), nil
	case q == Latest || IsVersion(q):
		return "", awserr.New(InvalidParameter, "%s is not a valid qualifier for a function URL: use an alias or none.", q)
	}
	if _, err := s.GetAlias(ctx, name, q); err != nil {
		return "", awserr.New(ResourceNotFound, "The resource you requested does not exist.")
	}
	return s.ARN(name) + ":" + q, nil
}

// CreateURL gives a function (or alias) its URL.
func (s *Service) CreateURL(ctx context.Context, name, q string, in URLInput) (URLConfig, error) {
	if err := validateURLInput(in, true); err != nil {
		return URLConfig{}, err
	}
	arn, err := s.checkURLQualifier(ctx, name, q)
	if err != nil {
		return URLConfig{}, err
	}
	now := s.now().UTC()
	u := URLConfig{ID: newURLID(), Function: name, Qualifier: q, ARN: arn, AuthType: in.AuthType, Cors: in.Cors,
		InvokeMode: in.InvokeMode, Created: now, Modified: now}
	if u.InvokeMode == "" {
		u.InvokeMode = "BUFFERED"
	}
	b, _ := json.Marshal(u)
	err = s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Create(ctx, kindURL, urlKey(name, q), b); err != nil {
			return err
		}
		return tx.Create(ctx, kindURLID, u.ID, []byte(urlKey(name, q)))
	})
	if errors.Is(err, store.ErrConflict) {
		return URLConfig{}, awserr.New(ResourceConflict, "Failed to create function url config for [functionArn = %s]. Error message:  FunctionUrlConfig exists for this Lambda function", arn)
	}
	return u, err
}

// GetURL returns a function's (or alias's) URL.
func (s *Service) GetURL(ctx context.Context, name, q string) (URLConfig, error) {
	if err := ValidateName(name); err != nil {
		return URLConfig{}, err
	}
	b, err := s.st.Get(ctx, kindURL, urlKey(name, q))
	if errors.Is(err, store.ErrNotFound) {
		return URLConfig{}, awserr.New(ResourceNotFound, "The resource you requested does not exist.")
	}
	if err != nil {
		return URLConfig{}, err
	}
	var u URLConfig
	return u, json.Unmarshal(b, &u)
}

// URLByID finds a URL by the id its host name carries.
func (s *Service) URLByID(ctx context.Context, id string) (URLConfig, error) {
	key, err := s.st.Get(ctx, kindURLID, id)
	if err != nil {
		return URLConfig{}, err
	}
	name, q := Split(string(key))
	return s.GetURL(ctx, name, q)
}

// UpdateURL changes a URL's settings.
func (s *Service) UpdateURL(ctx context.Context, name, q string, in URLInput) (URLConfig, error) {
	if err := validateURLInput(in, false); err != nil {
		return URLConfig{}, err
	}
	u, err := s.GetURL(ctx, name, q)
	if err != nil {
		return URLConfig{}, err
	}
	if in.AuthType != "" {
		u.AuthType = in.AuthType
	}
	if in.Cors != nil {
		u.Cors = in.Cors
	}
	if in.InvokeMode != "" {
		u.InvokeMode = in.InvokeMode
	}
	u.Modified = s.now().UTC()
	b, _ := json.Marshal(u)
	return u, s.st.Put(ctx, kindURL, urlKey(name, q), b)
}

// DeleteURL removes a URL.
func (s *Service) DeleteURL(ctx context.Context, name, q string) error {
	u, err := s.GetURL(ctx, name, q)
	if err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(ctx, kindURL, urlKey(name, q)); err != nil {
			return err
		}
		return tx.Delete(ctx, kindURLID, u.ID)
	})
}

// ListURLs lists the URLs of a function and its aliases.
func (s *Service) ListURLs(ctx context.Context, name string) ([]URLConfig, error) {
	if _, err := s.Get(ctx, name); err != nil {
		return nil, err
	}
	var out []URLConfig
	if u, err := s.GetURL(ctx, name, ""); err == nil {
		out = append(out, u)
	}
	items, err := s.st.List(ctx, kindURL, name+":")
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		var u URLConfig
		if json.Unmarshal(it.Value, &u) == nil {
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Qualifier < out[j].Qualifier })
	return out, nil
}

// deleteURLs drops every URL of a function (DeleteFunction).
func deleteURLs(ctx context.Context, tx store.Tx, name string) error {
	var keys []string
	if _, err := tx.Get(ctx, kindURL, name); err == nil {
		keys = append(keys, name)
	}
	items, err := tx.List(ctx, kindURL, name+":")
	if err != nil {
		return err
	}
	for _, it := range items {
		keys = append(keys, it.Key)
	}
	for _, k := range keys {
		b, err := tx.Get(ctx, kindURL, k)
		if err != nil {
			return err
		}
		var u URLConfig
		if json.Unmarshal(b, &u) == nil && u.ID != "" {
			_ = tx.Delete(ctx, kindURLID, u.ID)
		}
		if err := tx.Delete(ctx, kindURL, k); err != nil {
			return err
		}
	}
	return nil
}
