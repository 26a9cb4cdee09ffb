package httpapi

import (
	"context"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// validateRoute applies CreateRoute's rules to r within rec.
func (rec *apiRecord) validateRoute(r *Route) error {
	if _, err := parseRouteKey(r.RouteKey); err != nil {
		return awserr.New(awserr.BadRequestException, "%s", err.Error())
	}
	if r.AuthorizationType == "" {
		r.AuthorizationType = AuthNone
	}
	switch r.AuthorizationType {
	case AuthNone, AuthIAM:
		if r.AuthorizerID != "" {
			return awserr.New(awserr.BadRequestException, "AuthorizerId can only be set with authorization type CUSTOM or JWT")
		}
	case AuthCustom, AuthJWT:
		a := rec.authorizer(r.AuthorizerID)
		if a == nil {
			return awserr.New(awserr.BadRequestException, "Invalid authorizer identifier specified %s", r.AuthorizerID)
		}
		if (a.AuthorizerType == AuthorizerJWT) != (r.AuthorizationType == AuthJWT) {
			return awserr.New(awserr.BadRequestException, "Authorization type %s does not match authorizer type %s", r.AuthorizationType, a.AuthorizerType)
		}
	default:
		return awserr.New(awserr.BadRequestException, "Invalid authorization type %s: must be one of NONE, AWS_IAM, CUSTOM, JWT", r.AuthorizationType)
	}
	if t := r.Target; t != "" {
		id, ok := strings.CutPrefix(t, "integrations/")
		if !ok || rec.integration(id) == nil {
			return awserr.New(awserr.BadRequestException, "Invalid target: %s", t)
		}
	}
	for _, o := range rec.Routes {
		if o.RouteKey == r.RouteKey && o.RouteID != r.RouteID {
			return errRouteExists(r.RouteKey)
		}
	}
	return nil
}

func (rec *apiRecord) authorizer(id string) *Authorizer {
	for i := range rec.Authorizers {
		if rec.Authorizers[i].AuthorizerID == id {
			return &rec.Authorizers[i]
		}
	}
	return nil
}

func (rec *apiRecord) integration(id string) *Integration {
	for i := range rec.Integrations {
		if rec.Integrations[i].IntegrationID == id {
			return &rec.Integrations[i]
		}
	}
	return nil
}

// CreateRoute adds a route.
func (s *Service) CreateRoute(ctx context.Context, apiID string, r Route) (Route, error) {
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		r.RouteID = apigw.NewID(7)
		if err := rec.validateRoute(&r); err != nil {
			return err
		}
		rec.Routes = append(rec.Routes, r)
		slices.SortFunc(rec.Routes, func(a, b Route) int { return strings.Compare(a.RouteKey, b.RouteKey) })
		return nil
	})
	return r, err
}

// UpdateRoute applies fn to a route.
func (s *Service) UpdateRoute(ctx context.Context, apiID, routeID string, fn func(*Route) error) (Route, error) {
	var out Route
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Routes, func(r Route) bool { return r.RouteID == routeID })
		if i < 0 {
			return errNotFound("Route", routeID)
		}
		r := rec.Routes[i]
		if err := fn(&r); err != nil {
			return err
		}
		r.RouteID = routeID
		if err := rec.validateRoute(&r); err != nil {
			return err
		}
		rec.Routes[i], out = r, r
		return nil
	})
	return out, err
}

// DeleteRoute deletes a route.
func (s *Service) DeleteRoute(ctx context.Context, apiID, routeID string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Routes, func(r Route) bool { return r.RouteID == routeID })
		if i < 0 {
			return errNotFound("Route", routeID)
		}
		rec.Routes = slices.Delete(rec.Routes, i, i+1)
		return nil
	})
}

// GetRoutes returns an API's current routes, ordered by route key.
func (s *Service) GetRoutes(ctx context.Context, apiID string) ([]Route, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Routes, nil
}

// CreateIntegration adds an integration.
func (s *Service) CreateIntegration(ctx context.Context, apiID string, in Integration) (Integration, error) {
	if err := in.validate(); err != nil {
		return Integration{}, awserr.New(awserr.BadRequestException, "%s", err.Error())
	}
	if in.ConnectionType == "" {
		in.ConnectionType = "INTERNET"
	}
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		in.IntegrationID = apigw.NewID(7)
		rec.Integrations = append(rec.Integrations, in)
		return nil
	})
	return in, err
}

// UpdateIntegration applies fn to an integration.
func (s *Service) UpdateIntegration(ctx context.Context, apiID, id string, fn func(*Integration) error) (Integration, error) {
	var out Integration
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		in := rec.integration(id)
		if in == nil {
			return errNotFound("Integration", id)
		}
		next := *in
		if err := fn(&next); err != nil {
			return err
		}
		next.IntegrationID = id
		if err := next.validate(); err != nil {
			return awserr.New(awserr.BadRequestException, "%s", err.Error())
		}
		*in, out = next, next
		return nil
	})
	return out, err
}

// DeleteIntegration deletes an integration no route targets.
func (s *Service) DeleteIntegration(ctx context.Context, apiID, id string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Integrations, func(in Integration) bool { return in.IntegrationID == id })
		if i < 0 {
			return errNotFound("Integration", id)
		}
		for _, r := range rec.Routes {
			if r.Target == "integrations/"+id {
				return awserr.New(awserr.ConflictException, "Integration %s is the target of route %s", id, r.RouteKey)
			}
		}
		rec.Integrations = slices.Delete(rec.Integrations, i, i+1)
		return nil
	})
}

// GetIntegrations returns an API's current integrations.
func (s *Service) GetIntegrations(ctx context.Context, apiID string) ([]Integration, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Integrations, nil
}

// validate applies CreateAuthorizer's rules.
func (a *Authorizer) validate() error {
	if a.Name == "" {
		return awserr.New(awserr.BadRequestException, "Authorizer name is required")
	}
	switch a.AuthorizerType {
	case AuthorizerJWT:
		if a.JWTConfiguration == nil || a.JWTConfiguration.Issuer == "" {
			return awserr.New(awserr.BadRequestException, "JwtConfiguration.Issuer is required for a JWT authorizer")
		}
		if len(a.IdentitySource) == 0 {
			a.IdentitySource = []string{"$request.header.Authorization"}
		}
	case AuthorizerRequest:
		if a.AuthorizerURI == "" {
			return awserr.New(awserr.BadRequestException, "AuthorizerUri is a required field in an Authorizer")
		}
		if a.AuthorizerPayloadFormatVersion == "" {
			return awserr.New(awserr.BadRequestException, "AuthorizerPayloadFormatVersion is required for a REQUEST authorizer")
		}
	default:
		return awserr.New(awserr.BadRequestException, "Invalid authorizer type %s: must be REQUEST or JWT", a.AuthorizerType)
	}
	return nil
}

// CreateAuthorizer adds an authorizer (its configuration: the gateway runs it).
func (s *Service) CreateAuthorizer(ctx context.Context, apiID string, a Authorizer) (Authorizer, error) {
	if err := a.validate(); err != nil {
		return Authorizer{}, err
	}
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		a.AuthorizerID = apigw.NewID(7)
		rec.Authorizers = append(rec.Authorizers, a)
		return nil
	})
	return a, err
}

// UpdateAuthorizer applies fn to an authorizer.
func (s *Service) UpdateAuthorizer(ctx context.Context, apiID, id string, fn func(*Authorizer) error) (Authorizer, error) {
	var out Authorizer
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		a := rec.authorizer(id)
		if a == nil {
			return errNotFound("Authorizer", id)
		}
		next := *a
		if err := fn(&next); err != nil {
			return err
		}
		next.AuthorizerID = id
		if err := next.validate(); err != nil {
			return err
		}
		*a, out = next, next
		return nil
	})
	return out, err
}

// DeleteAuthorizer deletes an authorizer no route uses.
func (s *Service) DeleteAuthorizer(ctx context.Context, apiID, id string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Authorizers, func(a Authorizer) bool { return a.AuthorizerID == id })
		if i < 0 {
			return errNotFound("Authorizer", id)
		}
		for _, r := range rec.Routes {
			if r.AuthorizerID == id {
				return awserr.New(awserr.ConflictException, "Authorizer %s is used by route %s", id, r.RouteKey)
			}
		}
		rec.Authorizers = slices.Delete(rec.Authorizers, i, i+1)
		return nil
	})
}

// GetAuthorizers returns an API's authorizers.
func (s *Service) GetAuthorizers(ctx context.Context, apiID string) ([]Authorizer, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Authorizers, nil
}
