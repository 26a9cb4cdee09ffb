package apigw

import (
	"context"
	"slices"

	"github.com/iamgate/iamgate/internal/awserr"
)

func errAuthorizerNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid Authorizer identifier specified")
}

// CreateAuthorizer adds an authorizer to an API (CreateAuthorizer,
// AWS::ApiGateway::Authorizer). Like every API change it is served once
// the API is deployed again.
func (s *Service) CreateAuthorizer(ctx context.Context, apiID string, a Authorizer) (Authorizer, error) {
	a.ID, a.Imported = "", false
	if err := a.validate(); err != nil {
		return Authorizer{}, err
	}
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		for _, prev := range rec.Authorizers {
			if prev.Name == a.Name {
				return awserr.New(awserr.ConflictException, "Authorizer name already exists: %s", a.Name)
			}
		}
		a.ID = NewID(6)
		rec.Authorizers = append(rec.Authorizers, a)
		return nil
	})
	if err != nil {
		return Authorizer{}, err
	}
	return a, nil
}

// GetAuthorizer returns one authorizer of an API.
func (s *Service) GetAuthorizer(ctx context.Context, apiID, id string) (Authorizer, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return Authorizer{}, err
	}
	for _, a := range rec.Authorizers {
		if a.ID == id {
			return a, nil
		}
	}
	return Authorizer{}, errAuthorizerNotFound()
}

// GetAuthorizers returns an API's authorizers.
func (s *Service) GetAuthorizers(ctx context.Context, apiID string) ([]Authorizer, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Authorizers, nil
}

// UpdateAuthorizer applies fn to an authorizer; the id cannot change and
// the result must be valid.
func (s *Service) UpdateAuthorizer(ctx context.Context, apiID, id string, fn func(*Authorizer) error) (Authorizer, error) {
	var out Authorizer
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Authorizers, func(a Authorizer) bool { return a.ID == id })
		if i < 0 {
			return errAuthorizerNotFound()
		}
		next := rec.Authorizers[i]
		if err := fn(&next); err != nil {
			return err
		}
		next.ID = id
		if err := next.validate(); err != nil {
			return err
		}
		rec.Authorizers[i], out = next, next
		return nil
	})
	return out, err
}

// DeleteAuthorizer removes an authorizer no method uses.
func (s *Service) DeleteAuthorizer(ctx context.Context, apiID, id string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		i := slices.IndexFunc(rec.Authorizers, func(a Authorizer) bool { return a.ID == id })
		if i < 0 {
			return errAuthorizerNotFound()
		}
		for _, r := range rec.Resources {
			for _, m := range r.Methods {
				if m.AuthorizerID == id {
					return awserr.New(awserr.ConflictException, "Cannot delete authorizer '%s', is referenced in method: %s %s", rec.Authorizers[i].Name, m.HTTPMethod, r.Path)
				}
			}
		}
		rec.Authorizers = slices.Delete(rec.Authorizers, i, i+1)
		return nil
	})
}
