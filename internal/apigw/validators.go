package apigw

import (
	"context"

	"github.com/iamgate/iamgate/internal/awserr"
)

// RequestValidator says what API Gateway checks of a method's request
// before the integration runs
// (https://docs.aws.amazon.com/apigateway/latest/api/API_RequestValidator.html).
type RequestValidator struct {
	ID                        string `json:"id"`
	Name                      string `json:"name,omitempty"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

func errValidatorNotFound() error {
	return awserr.New(awserr.BadRequestException, "Invalid Request Validator identifier specified")
}

func (p *apiParts) validator(id string) *RequestValidator {
	for i := range p.Validators {
		if p.Validators[i].ID == id {
			return &p.Validators[i]
		}
	}
	return nil
}

// Validator returns the deployed validator with id.
func (s *Snapshot) Validator(id string) (RequestValidator, bool) {
	for _, v := range s.Validators {
		if v.ID == id {
			return v, true
		}
	}
	return RequestValidator{}, false
}

// CreateRequestValidator adds a validator to an API.
func (s *Service) CreateRequestValidator(ctx context.Context, apiID string, v RequestValidator) (RequestValidator, error) {
	v.ID = NewID(6)
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		for _, x := range rec.Validators {
			if v.Name != "" && x.Name == v.Name {
				return awserr.New(awserr.ConflictException, "Validator with name '%s' already exists", v.Name)
			}
		}
		rec.Validators = append(rec.Validators, v)
		return nil
	})
	return v, err
}

// GetRequestValidator returns one of an API's current validators.
func (s *Service) GetRequestValidator(ctx context.Context, apiID, id string) (RequestValidator, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return RequestValidator{}, err
	}
	v := rec.validator(id)
	if v == nil {
		return RequestValidator{}, awserr.New(awserr.NotFoundException, "Invalid Request Validator identifier specified")
	}
	return *v, nil
}

// GetRequestValidators returns an API's current validators.
func (s *Service) GetRequestValidators(ctx context.Context, apiID string) ([]RequestValidator, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Validators, nil
}

// UpdateRequestValidator applies fn to a validator's name and checks.
func (s *Service) UpdateRequestValidator(ctx context.Context, apiID, id string, fn func(*RequestValidator)) (RequestValidator, error) {
	var out RequestValidator
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		v := rec.validator(id)
		if v == nil {
			return awserr.New(awserr.NotFoundException, "Invalid Request Validator identifier specified")
		}
		fn(v)
		v.ID = id
		out = *v
		return nil
	})
	return out, err
}

// DeleteRequestValidator deletes a validator no method uses.
func (s *Service) DeleteRequestValidator(ctx context.Context, apiID, id string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		if rec.validator(id) == nil {
			return awserr.New(awserr.NotFoundException, "Invalid Request Validator identifier specified")
		}
		for _, r := range rec.Resources {
			for _, m := range r.Methods {
				if m.RequestValidatorID == id {
					return awserr.New(awserr.ConflictException, "Unable to delete request validator. It is associated with method(s).")
				}
			}
		}
		keep := rec.Validators[:0]
		for _, v := range rec.Validators {
			if v.ID != id {
				keep = append(keep, v)
			}
		}
		rec.Validators = keep
		return nil
	})
}
