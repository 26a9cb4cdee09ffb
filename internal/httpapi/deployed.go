package httpapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/store"
)

// Snapshot is what the data plane serves for one (API, stage): the API's
// routes, integrations and authorizers as the stage's deployment holds them.
// It is shared: callers must not modify it.
type Snapshot struct {
	API          API
	Stage        Stage
	Deployment   Deployment
	Routes       []Route
	Integrations []Integration
	Authorizers  []Authorizer

	router *router
}

// Match selects the route for method and the decoded, normalized path
// parts (see the ranking in match.go). params holds the path variables.
func (s *Snapshot) Match(method string, parts []string) (route *Route, params map[string]string, ok bool) {
	s.router.build(s.Routes)
	return s.router.match(method, parts)
}

// Integration is the integration a route targets.
func (s *Snapshot) Integration(r *Route) (*Integration, bool) {
	id, ok := strings.CutPrefix(r.Target, "integrations/")
	if !ok {
		return nil, false
	}
	for i := range s.Integrations {
		if s.Integrations[i].IntegrationID == id {
			return &s.Integrations[i], true
		}
	}
	return nil, false
}

// Authorizer is the authorizer a route names.
func (s *Snapshot) Authorizer(r *Route) (*Authorizer, bool) {
	for i := range s.Authorizers {
		if s.Authorizers[i].AuthorizerID == r.AuthorizerID {
			return &s.Authorizers[i], true
		}
	}
	return nil, false
}

// maxServed bounds the cache: unknown API ids are cached too, and a client
// chooses them.
const maxServed = 4096

// changed drops every cached entry after a write commits.
func (s *Service) changed() { s.served.Invalidate() }

// Serve selects what a request for apiID serves, as API Gateway selects the
// stage (http-api-develop-routes.html, "Routing API requests"): the stage
// named by the first path segment when one exists, else $default (then the
// whole path is the route path). consumed reports whether first named the
// stage. The error wraps store.ErrNotFound when apiID is no HTTP API or
// neither stage is deployed.
func (s *Service) Serve(ctx context.Context, apiID, first string) (snap *Snapshot, consumed bool, err error) {
	stages, err := s.servedStages(ctx, apiID)
	if err != nil {
		return nil, false, err
	}
	if stages == nil {
		return nil, false, fmt.Errorf("httpapi: %s is no HTTP API: %w", apiID, store.ErrNotFound)
	}
	if first != "" && first != DefaultStage {
		if snap, ok := stages[first]; ok {
			return snap, true, nil
		}
	}
	if snap, ok := stages[DefaultStage]; ok {
		return snap, false, nil
	}
	return nil, false, fmt.Errorf("httpapi: no deployed stage of %s serves /%s: %w", apiID, first, store.ErrNotFound)
}

// Deployed returns what a named stage serves; the error wraps
// store.ErrNotFound when nothing is deployed there.
func (s *Service) Deployed(ctx context.Context, apiID, stage string) (*Snapshot, error) {
	stages, err := s.servedStages(ctx, apiID)
	if err != nil {
		return nil, err
	}
	if snap, ok := stages[stage]; ok {
		return snap, nil
	}
	return nil, fmt.Errorf("httpapi: stage %s of %s is not deployed: %w", stage, apiID, store.ErrNotFound)
}

// IsHTTPAPI reports whether id names an HTTP API.
func (s *Service) IsHTTPAPI(ctx context.Context, id string) (bool, error) {
	stages, err := s.servedStages(ctx, id)
	return stages != nil, err
}

func (s *Service) servedStages(ctx context.Context, apiID string) (map[string]*Snapshot, error) {
	return s.served.Get(ctx, apiID, func(ctx context.Context) (map[string]*Snapshot, error) {
		return s.loadStages(ctx, apiID)
	}, nil)
}

// loadStages reads an API's stages and their deployments: nil when apiID
// is no HTTP API, an empty map when nothing is deployed.
func (s *Service) loadStages(ctx context.Context, apiID string) (map[string]*Snapshot, error) {
	if _, err := s.st.Get(ctx, kindAPI, apiID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("httpapi: get api %s: %w", apiID, err)
	}
	stages, err := s.listStages(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	out := map[string]*Snapshot{}
	for _, st := range stages {
		if st.DeploymentID == "" {
			continue
		}
		d, err := s.deployment(ctx, apiID, st.DeploymentID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[st.StageName] = &Snapshot{API: d.API, Stage: st, Deployment: d.Deployment, Routes: d.Routes,
			Integrations: d.Integrations, Authorizers: d.Authorizers, router: d.router}
	}
	return out, nil
}
