package apigw

import (
	"context"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Resource and method operations of CreateResource, PutMethod and their
// siblings (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateResource.html),
// as AWS::ApiGateway::Resource and ::Method call them. They change the API's
// current resources; a deployment snapshots them.

func errResourceNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid Resource identifier specified")
}

func errMethodNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid Method identifier specified")
}

// CreateResource adds a child resource with pathPart under parentID.
func (s *Service) CreateResource(ctx context.Context, apiID, parentID, pathPart string) (Resource, error) {
	var out Resource
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		parent := findResource(rec.Resources, parentID)
		if parent == nil {
			return errResourceNotFound()
		}
		if !validPathPart(pathPart) {
			return awserr.New(awserr.BadRequestException, "%s", msgBadPathPart)
		}
		if isGreedy(parent.PathPart) {
			return awserr.New(awserr.BadRequestException, "Cannot create a child of a resource with a greedy path variable: %s", parent.PathPart)
		}
		path := joinPath(parent.Path, pathPart)
		for _, r := range rec.Resources {
			if r.ParentID != parentID || r.Path == "/" {
				continue
			}
			if r.PathPart == pathPart {
				return awserr.New(awserr.ConflictException, "Another resource with the same parent already has this name: %s", pathPart)
			}
			if isVariable(r.PathPart) && isVariable(pathPart) {
				return awserr.New(awserr.BadRequestException, "A sibling (%s) of this resource already has a variable path part -- only one is allowed", r.PathPart)
			}
		}
		out = Resource{ID: NewID(6), ParentID: parentID, PathPart: pathPart, Path: path}
		rec.Resources = append(rec.Resources, out)
		sort.Slice(rec.Resources, func(i, j int) bool { return rec.Resources[i].Path < rec.Resources[j].Path })
		return nil
	})
	return out, err
}

// GetResource returns one current resource.
func (s *Service) GetResource(ctx context.Context, apiID, id string) (Resource, error) {
	rec, err := s.getAPI(ctx, s.st, apiID)
	if err != nil {
		return Resource{}, err
	}
	r := findResource(rec.Resources, id)
	if r == nil {
		return Resource{}, errResourceNotFound()
	}
	return *r, nil
}

// DeleteResource deletes a resource with its descendants and their
// methods. The root resource cannot be deleted.
func (s *Service) DeleteResource(ctx context.Context, apiID, id string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		r := findResource(rec.Resources, id)
		if r == nil {
			return errResourceNotFound()
		}
		if r.Path == "/" {
			return awserr.New(awserr.BadRequestException, "Cannot delete root resource")
		}
		prefix := r.Path + "/"
		keep := rec.Resources[:0]
		for _, x := range rec.Resources {
			if x.Path != r.Path && !strings.HasPrefix(x.Path, prefix) {
				keep = append(keep, x)
			}
		}
		rec.Resources = keep
		return nil
	})
}

// PutMethod sets method m.HTTPMethod on a resource. An existing method is a
// conflict unless replace (CloudFormation's update of a Method replaces
// it whole).
func (s *Service) PutMethod(ctx context.Context, apiID, resourceID string, m Method, replace bool) (Method, error) {
	if m.HTTPMethod != MethodAny && !IsHTTPMethod(m.HTTPMethod) {
		return Method{}, awserr.New(awserr.BadRequestException, "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
	}
	if m.AuthorizationType == "" {
		return Method{}, awserr.New(awserr.BadRequestException, "Enumeration value for AuthorizationType must be non-empty")
	}
	switch m.AuthorizationType {
	case AuthNone, AuthIAM, AuthCustom, AuthCognito:
	default:
		return Method{}, awserr.New(awserr.BadRequestException, "Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS")
	}
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		r := findResource(rec.Resources, resourceID)
		if r == nil {
			return errResourceNotFound()
		}
		if err := checkMethodRefs(&rec.apiParts, &m); err != nil {
			return err
		}
		if _, exists := r.Methods[m.HTTPMethod]; exists && !replace {
			return awserr.New(awserr.ConflictException, "Method already exists for this resource")
		}
		if r.Methods == nil {
			r.Methods = map[string]*Method{}
		}
		mm := m
		r.Methods[m.HTTPMethod] = &mm
		return nil
	})
	return m, err
}

// checkMethodRefs rejects a method naming a validator or model the API
// does not have, as PutMethod does.
func checkMethodRefs(p *apiParts, m *Method) error {
	if m.RequestValidatorID != "" && p.validator(m.RequestValidatorID) == nil {
		return errValidatorNotFound()
	}
	for ct, name := range m.RequestModels {
		if p.model(name) == nil {
			return awserr.New(awserr.BadRequestException, "Invalid model identifier specified: %s for content type %s", name, ct)
		}
	}
	return nil
}

// GetMethod returns one current method.
func (s *Service) GetMethod(ctx context.Context, apiID, resourceID, verb string) (Method, error) {
	r, err := s.GetResource(ctx, apiID, resourceID)
	if err != nil {
		return Method{}, err
	}
	m, ok := r.Methods[verb]
	if !ok {
		return Method{}, errMethodNotFound()
	}
	return *m, nil
}

// UpdateMethod applies fn to an existing method (PutIntegration,
// UpdateMethod's patch operations). The HTTP method cannot change.
func (s *Service) UpdateMethod(ctx context.Context, apiID, resourceID, verb string, fn func(*Method) error) (Method, error) {
	var out Method
	err := s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		r := findResource(rec.Resources, resourceID)
		if r == nil {
			return errResourceNotFound()
		}
		m, ok := r.Methods[verb]
		if !ok {
			return errMethodNotFound()
		}
		next := *m
		if err := fn(&next); err != nil {
			return err
		}
		next.HTTPMethod = verb
		if err := checkMethodRefs(&rec.apiParts, &next); err != nil {
			return err
		}
		r.Methods[verb] = &next
		out = next
		return nil
	})
	return out, err
}

// DeleteMethod removes a method from a resource.
func (s *Service) DeleteMethod(ctx context.Context, apiID, resourceID, verb string) error {
	return s.updateAPI(ctx, apiID, func(rec *apiRecord) error {
		r := findResource(rec.Resources, resourceID)
		if r == nil {
			return errResourceNotFound()
		}
		if _, ok := r.Methods[verb]; !ok {
			return errMethodNotFound()
		}
		delete(r.Methods, verb)
		return nil
	})
}

// ParseIntegration reads an x-amazon-apigateway-integration object (keys
// type, uri, httpMethod, requestTemplates, responses, ...) into an
// Integration, validated as PutIntegration validates it.
func ParseIntegration(v any) (*Integration, error) {
	in, err := integration(normalize(v))
	if err != nil {
		return nil, awserr.New(awserr.BadRequestException, "%s", err.Error())
	}
	return in, nil
}

// findResource returns a pointer into rs, or nil.
func findResource(rs []Resource, id string) *Resource {
	for i := range rs {
		if rs[i].ID == id {
			return &rs[i]
		}
	}
	return nil
}
