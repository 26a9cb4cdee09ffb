package apigw

import (
	"context"
	"encoding/json"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Model is a data model of an API: a JSON Schema (draft 4) that request
// validation checks bodies against
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html).
type Model struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema,omitempty"`
	ContentType string `json:"contentType"`
}

// The models every new REST API has, as API Gateway creates them.
var defaultModels = []Model{
	{Name: "Empty", Description: "This is a default empty schema model", ContentType: "application/json",
		Schema: `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Empty Schema","type":"object"}`},
	{Name: "Error", Description: "This is a default error schema model", ContentType: "application/json",
		Schema: `{"$schema":"http://json-schema.org/draft-04/schema#","title":"Error Schema","type":"object","properties":{"message":{"type":"string"}}}`},
}

func newDefaultModels() []Model {
	out := make([]Model, len(defaultModels))
	for i, m := range defaultModels {
		m.ID = NewID(6)
		out[i] = m
	}
	return out
}

func errModelNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid model name specified")
}

// model returns the model named name, or nil.
func (p *apiParts) model(name string) *Model {
	for i := range p.Models {
		if p.Models[i].Name == name {
			return &p.Models[i]
		}
	}
	return nil
}

// ModelByName returns the deployed model named name.
func (s *Snapshot) ModelByName(name string) (Model, bool) {
	for _, m := range s.Models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}

// validModelName applies API Gateway's rule: alphanumeric names.
func validModelName(n string) bool {
	if n == "" {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func checkModel(m *Model) error {
	if !validModelName(m.Name) {
		return awserr.New(awserr.BadRequestException, "Model name must be alphanumeric: %s", m.Name)
	}
	if m.ContentType == "" {
		m.ContentType = "application/json"
	}
	if m.Schema != "" {
		var v any
		if err := json.Unmarshal([]byte(m.Schema), &v); err != nil {
			return awserr.New(awserr.BadRequestException, "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]")
		}
		if _, isObject := v.(map[string]any); !isObject {
			return awserr.New(awserr.BadRequestException, "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]")
		}
	}
	return nil
}

// CreateModel adds a model to an API.
func (s *Service) CreateModel(ctx context.Context, apiID string, m Model) (Model, error) {
	if err := checkModel(&m); err != nil {
		return Model{}, err
	}
	m.ID = NewID(6)
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		if rec.model(m.Name) != nil {
			return awserr.New(awserr.ConflictException, "Model name already exists for this REST API")
		}
		rec.Models = append(rec.Models, m)
		return nil
	})
	return m, err
}

// GetModel returns a current model of an API.
func (s *Service) GetModel(ctx context.Context, apiID, name string) (Model, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return Model{}, err
	}
	m := rec.model(name)
	if m == nil {
		return Model{}, errModelNotFound()
	}
	return *m, nil
}

// GetModels returns an API's current models.
func (s *Service) GetModels(ctx context.Context, apiID string) ([]Model, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return nil, err
	}
	return rec.Models, nil
}

// UpdateModel applies fn to a model's description and schema.
func (s *Service) UpdateModel(ctx context.Context, apiID, name string, fn func(*Model)) (Model, error) {
	var out Model
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		m := rec.model(name)
		if m == nil {
			return errModelNotFound()
		}
		next := *m
		fn(&next)
		next.ID, next.Name = m.ID, m.Name
		if err := checkModel(&next); err != nil {
			return err
		}
		*m, out = next, next
		return nil
	})
	return out, err
}

// DeleteModel deletes a model no method of the API uses.
func (s *Service) DeleteModel(ctx context.Context, apiID, name string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		if rec.model(name) == nil {
			return errModelNotFound()
		}
		for _, r := range rec.Resources {
			for verb, m := range r.Methods {
				for _, used := range m.RequestModels {
					if used == name {
						return awserr.New(awserr.ConflictException, "Cannot delete model '%s', is referenced in method request: %s/%s", name, r.Path, verb)
					}
				}
			}
		}
		keep := rec.Models[:0]
		for _, m := range rec.Models {
			if m.Name != name {
				keep = append(keep, m)
			}
		}
		rec.Models = keep
		return nil
	})
}
