package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/snapcache"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Record kinds in the store.
const (
	kindAPI        = "httpapi/api"        // key: api id
	kindDeployment = "httpapi/deployment" // key: api id + "/" + deployment id
	kindStage      = "httpapi/stage"      // key: api id + "/" + stage name
)

// Options configures a Service.
type Options struct {
	AccountID string
	Region    string
	Now       func() time.Time
	// DeployedTTL is how long Serve answers from memory; 0 means one
	// second, negative reads the store every time.
	DeployedTTL time.Duration
}

// Service manages HTTP APIs, their stages and deployments in a store.
type Service struct {
	st   store.Store
	opts Options

	// deployments by api id + "/" + deployment id; they never change.
	deployments snapcache.Immutable[*deploymentRecord]

	served *snapcache.TTL[map[string]*Snapshot] // each API's deployed stages, by api id
}

// New returns a Service over st.
func New(st store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	ttl := o.DeployedTTL
	switch {
	case ttl == 0:
		ttl = time.Second
	case ttl < 0:
		ttl = 0
	}
	return &Service{st: st, opts: o, served: snapcache.NewTTL[map[string]*Snapshot](ttl, maxServed, o.Now)}
}

// apiRecord is a stored API with its current (undeployed) routes,
// integrations and authorizers.
type apiRecord struct {
	API          API           `json:"api"`
	Routes       []Route       `json:"routes"`
	Integrations []Integration `json:"integrations"`
	Authorizers  []Authorizer  `json:"authorizers"`
}

// CreateAPIInput are CreateApi's (or AWS::ApiGatewayV2::Api's) inputs.
// Target and RouteKey are quick create: a route (default $default) with an
// integration to Target, and an auto-deployed $default stage.
type CreateAPIInput struct {
	Name                      string
	Description               string
	ProtocolType              string
	Body                      any
	Target                    string
	RouteKey                  string
	CredentialsARN            string
	Cors                      *Cors
	DisableExecuteAPIEndpoint bool
	Tags                      map[string]string
	Version                   string
}

// CreateAPI creates an API, importing Body or quick-creating Target.
func (s *Service) CreateAPI(ctx context.Context, in CreateAPIInput) (API, error) {
	rec := &apiRecord{}
	if in.Body != nil {
		def, err := ParseDefinition(in.Body)
		if err != nil {
			return API{}, err
		}
		rec.apply(def)
	} else if in.ProtocolType == "" {
		return API{}, awserr.New(awserr.BadRequestException, "ProtocolType is required")
	}
	if in.ProtocolType != "" && in.ProtocolType != "HTTP" {
		return API{}, awserr.New(awserr.BadRequestException,
			"Unsupported protocol type %s: iamgate emulates HTTP APIs only (WebSocket APIs are not emulated)", in.ProtocolType)
	}
	api := &rec.API
	api.Name = cmp.Or(in.Name, api.Name)
	api.Description = cmp.Or(in.Description, api.Description)
	api.Version = cmp.Or(in.Version, api.Version)
	if in.Cors != nil {
		api.CorsConfiguration = in.Cors
	}
	api.ProtocolType, api.RouteSelectionExpression = "HTTP", "$request.method $request.path"
	api.APIKeySelectionExpression = "$request.header.x-api-key"
	api.DisableExecuteAPIEndpoint = api.DisableExecuteAPIEndpoint || in.DisableExecuteAPIEndpoint
	api.Tags, api.CreatedDate = in.Tags, s.now()
	if api.Name == "" {
		return API{}, awserr.New(awserr.BadRequestException, "Name is required")
	}
	quick := in.Target != ""
	if quick {
		if err := rec.quickCreate(in); err != nil {
			return API{}, err
		}
	} else if in.RouteKey != "" {
		return API{}, awserr.New(awserr.BadRequestException, "RouteKey can only be set with Target (quick create)")
	}
	for range 5 { // a fresh random id collides with odds ~1e-15; retry anyway
		api.APIID = apigw.NewID(10)
		api.APIEndpoint = "https://" + api.APIID + ".execute-api." + s.opts.Region + ".amazonaws.com"
		err := s.st.Update(ctx, func(tx store.Tx) error {
			if err := record.Create(ctx, tx, kindAPI, api.APIID, rec); err != nil {
				return err
			}
			if !quick {
				return nil
			}
			now := s.now()
			st := &Stage{APIID: api.APIID, StageName: DefaultStage, AutoDeploy: true, CreatedDate: now, LastUpdatedDate: now}
			if err := record.Create(ctx, tx, kindStage, stageKey(api.APIID, DefaultStage), st); err != nil {
				return err
			}
			return s.autoDeploy(ctx, tx, rec)
		})
		s.changed()
		if !errors.Is(err, store.ErrConflict) {
			if err != nil {
				return API{}, fmt.Errorf("httpapi: create api: %w", err)
			}
			return rec.API, nil
		}
	}
	return API{}, fmt.Errorf("httpapi: create api: no free id")
}

// quickCreate adds the route and integration of CreateApi's Target.
func (rec *apiRecord) quickCreate(in CreateAPIInput) error {
	key := cmp.Or(in.RouteKey, DefaultRoute)
	if _, err := parseRouteKey(key); err != nil {
		return awserr.New(awserr.BadRequestException, "%s", err.Error())
	}
	integ := Integration{IntegrationURI: in.Target, CredentialsARN: in.CredentialsARN, ConnectionType: "INTERNET",
		IntegrationType: IntegrationAWSProxy, PayloadFormatVersion: PayloadV2}
	if strings.HasPrefix(in.Target, "http://") || strings.HasPrefix(in.Target, "https://") {
		integ.IntegrationType, integ.PayloadFormatVersion, integ.IntegrationMethod = IntegrationHTTPProxy, PayloadV1, MethodAny
	}
	if err := integ.validate(); err != nil {
		return awserr.New(awserr.BadRequestException, "%s", err.Error())
	}
	integ.IntegrationID = apigw.NewID(7)
	rec.Integrations = append(rec.Integrations, integ)
	rec.Routes = append(rec.Routes, Route{RouteID: apigw.NewID(7), RouteKey: key, AuthorizationType: AuthNone,
		Target: "integrations/" + integ.IntegrationID})
	return nil
}

// apply replaces the record's routes, integrations and authorizers by an
// imported definition's, assigning ids, and takes its API settings.
func (rec *apiRecord) apply(def *Definition) {
	integIDs := make([]string, len(def.Integrations))
	rec.Integrations = nil
	for i, in := range def.Integrations {
		in.IntegrationID = apigw.NewID(7)
		integIDs[i] = in.IntegrationID
		rec.Integrations = append(rec.Integrations, in)
	}
	authIDs := make([]string, len(def.Authorizers))
	rec.Authorizers = nil
	for i, a := range def.Authorizers {
		a.AuthorizerID = apigw.NewID(7)
		authIDs[i] = a.AuthorizerID
		rec.Authorizers = append(rec.Authorizers, a)
	}
	rec.Routes = nil
	for _, r := range def.Routes {
		r.RouteID = apigw.NewID(7)
		if idx, ok := indexOf(strings.TrimPrefix(r.Target, "integrations/"), len(integIDs)); ok && r.Target != "" {
			r.Target = "integrations/" + integIDs[idx]
		}
		if idx, ok := indexOf(r.AuthorizerID, len(authIDs)); ok {
			r.AuthorizerID = authIDs[idx]
		}
		rec.Routes = append(rec.Routes, r)
	}
	rec.API.Name = cmp.Or(def.Title, rec.API.Name)
	rec.API.Description = cmp.Or(def.Description, rec.API.Description)
	rec.API.Version = def.Version
	rec.API.CorsConfiguration = def.Cors
	rec.API.DisableExecuteAPIEndpoint = def.DisableExecuteAPIEndpoint
	rec.API.Warnings = def.Warnings
}

func indexOf(s string, n int) (int, bool) {
	var i int
	if _, err := fmt.Sscanf(s, "%d", &i); err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// ReimportAPI replaces an API's routes, integrations and authorizers by
// body's (ReimportApi, or a CloudFormation update of Body); auto-deploy
// stages get the result at once.
func (s *Service) ReimportAPI(ctx context.Context, id string, body any) (API, error) {
	def, err := ParseDefinition(body)
	if err != nil {
		return API{}, err
	}
	var out API
	err = s.updateAPI(ctx, id, func(rec *apiRecord) error {
		rec.apply(def)
		out = rec.API
		return nil
	})
	return out, err
}

// UpdateAPI applies fn to an API's settings. The id, endpoint and creation
// date cannot change.
func (s *Service) UpdateAPI(ctx context.Context, id string, fn func(*API) error) (API, error) {
	var out API
	err := s.updateAPI(ctx, id, func(rec *apiRecord) error {
		keep := rec.API
		if err := fn(&rec.API); err != nil {
			return err
		}
		rec.API.APIID, rec.API.APIEndpoint, rec.API.CreatedDate = keep.APIID, keep.APIEndpoint, keep.CreatedDate
		rec.API.ProtocolType = keep.ProtocolType
		out = rec.API
		return nil
	})
	return out, err
}

// GetAPI returns an API.
func (s *Service) GetAPI(ctx context.Context, id string) (API, error) {
	rec, err := s.getAPI(ctx, s.st, id)
	if err != nil {
		return API{}, err
	}
	return rec.API, nil
}

// GetAPIs returns every API, ordered by id.
func (s *Service) GetAPIs(ctx context.Context) ([]API, error) {
	out, err := record.ListAs(ctx, s.st, kindAPI, "", func(rec *apiRecord) API { return rec.API })
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	return out, nil
}

// DeleteAPI deletes an API with its stages and deployments.
func (s *Service) DeleteAPI(ctx context.Context, id string) error {
	defer s.changed()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.getAPI(ctx, tx, id); err != nil {
			return err
		}
		s.evict(id + "/")
		if err := record.DeleteTree(ctx, tx, kindAPI, id, kindStage, kindDeployment); err != nil {
			return fmt.Errorf("httpapi: delete api: %w", err)
		}
		return nil
	})
}

func (s *Service) getAPI(ctx context.Context, r store.Reader, id string) (*apiRecord, error) {
	rec, err := record.Get[apiRecord](ctx, r, kindAPI, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errAPINotFound(s.opts.AccountID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	return rec, nil
}

// updateAPI changes an API record and deploys the result to its
// auto-deploy stages, in one transaction.
func (s *Service) updateAPI(ctx context.Context, id string, fn func(*apiRecord) error) error {
	defer s.changed()
	return s.st.Update(ctx, func(tx store.Tx) error {
		rec, err := s.getAPI(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
		if err := record.Put(ctx, tx, kindAPI, id, rec); err != nil {
			return err
		}
		return s.autoDeploy(ctx, tx, rec)
	})
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

func stageKey(apiID, name string) string { return apiID + "/" + name }
