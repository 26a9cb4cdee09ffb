package apigwapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
)

// The write operations the aws CLI uses to build an API without
// CloudFormation: create-rest-api, put-rest-api, create-resource,
// put-method, put-integration and their deletes
// (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateRestApi.html and siblings).

// decode reads the JSON request body into v; an empty body leaves v.
func (c *call) decode(v any) error {
	b, err := c.body()
	if err != nil || len(b) == 0 {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return awserr.New(awserr.SerializationException, "Unable to parse request body: %s", jsonProblem(err))
	}
	return nil
}

func (c *call) body() ([]byte, error) {
	if c.r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, awserr.New(awserr.BadRequestException, "Request Too Long")
		}
		return nil, err
	}
	return b, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "Value at '" + te.Field + "' has the wrong type"
	}
	return "invalid JSON"
}

// passRole asks iam:PassRole for a role API Gateway is to act as, as
// PutIntegration with credentials does; "" and arn:aws:iam::*:user/*
// (the caller's own credentials) pass none.
func (c *call) passRole(role string) error {
	if !strings.HasPrefix(role, "arn:") || !strings.Contains(role, ":role/") {
		return nil
	}
	return mount.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: "iam:PassRole", Resource: role,
		Context: map[string][]string{"iam:PassedToService": {"apigateway.amazonaws.com"}}}, awserr.AccessDeniedException)
}

// passDefinitionRoles asks iam:PassRole for each integration role of an
// OpenAPI body.
func (c *call) passDefinitionRoles(body []byte) error {
	def, err := apigw.ParseDefinition(body)
	if err != nil {
		return err
	}
	for _, r := range def.Resources {
		for _, m := range r.Methods {
			if m.Integration != nil {
				if err := c.passRole(m.Integration.Credentials); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

type createRestAPIRequest struct {
	Name                  string            `json:"name"`
	Description           string            `json:"description"`
	Policy                string            `json:"policy"`
	BinaryMediaTypes      []string          `json:"binaryMediaTypes"`
	APIKeySource          string            `json:"apiKeySource"`
	Tags                  map[string]string `json:"tags"`
	EndpointConfiguration struct {
		Types []string `json:"types"`
	} `json:"endpointConfiguration"`
}

// createRestAPI is CreateRestApi, or ImportRestApi (POST /restapis?mode=import
// with the definition as the body).
func createRestAPI(c *call) (any, error) {
	if c.r.URL.Query().Get("mode") == "import" {
		b, err := c.body()
		if err != nil {
			return nil, err
		}
		if err := c.passDefinitionRoles(b); err != nil {
			return nil, err
		}
		a, err := c.h.o.APIs.CreateRestAPI(c.ctx, apigw.CreateRestAPIInput{Body: b})
		return toRestAPI(a), err
	}
	var in createRestAPIRequest
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.APIKeySource != "" && in.APIKeySource != "HEADER" && in.APIKeySource != "AUTHORIZER" {
		return nil, awserr.New(awserr.BadRequestException, "Invalid API Key source specified: %s", in.APIKeySource)
	}
	a, err := c.h.o.APIs.CreateRestAPI(c.ctx, apigw.CreateRestAPIInput{Name: in.Name, Description: in.Description,
		Policy: in.Policy, EndpointTypes: in.EndpointConfiguration.Types, BinaryMediaTypes: in.BinaryMediaTypes,
		APIKeySource: in.APIKeySource, Tags: in.Tags})
	return toRestAPI(a), err
}

// putRestAPI is PutRestApi: the body is the definition, ?mode=merge|overwrite.
func putRestAPI(c *call) (any, error) {
	b, err := c.body()
	if err != nil {
		return nil, err
	}
	if err := c.passDefinitionRoles(b); err != nil {
		return nil, err
	}
	a, err := c.h.o.APIs.PutRestAPI(c.ctx, c.rt.api, b, c.r.URL.Query().Get("mode"))
	return toRestAPI(a), err
}

func updateRestAPI(c *call) (any, error) {
	ops, err := c.patchOps()
	if err != nil {
		return nil, err
	}
	a, err := c.h.o.APIs.UpdateRestAPI(c.ctx, c.rt.api, func(a *apigw.RestAPI) error {
		for _, p := range ops {
			if err := patchRestAPI(a, p); err != nil {
				return err
			}
		}
		return nil
	})
	return toRestAPI(a), err
}

func patchRestAPI(a *apigw.RestAPI, p patchOp) error {
	switch {
	case p.Path == "/name" && p.Op == "replace":
		if p.Value == "" {
			return awserr.New(awserr.BadRequestException, "Invalid REST API name specified")
		}
		a.Name = p.Value
	case p.Path == "/description" && p.Op == "replace":
		a.Description = p.Value
	case p.Path == "/policy" && p.Op == "replace":
		a.Policy = p.Value
	case p.Path == "/apiKeySource" && p.Op == "replace":
		if p.Value != "HEADER" && p.Value != "AUTHORIZER" {
			return awserr.New(awserr.BadRequestException, "Invalid API Key source specified: %s", p.Value)
		}
		a.APIKeySource = p.Value
	case strings.HasPrefix(p.Path, "/binaryMediaTypes/") && (p.Op == "add" || p.Op == "remove"):
		t := unescapePatch(strings.TrimPrefix(p.Path, "/binaryMediaTypes/"))
		a.BinaryMediaTypes = without(a.BinaryMediaTypes, t)
		if p.Op == "add" {
			a.BinaryMediaTypes = append(a.BinaryMediaTypes, t)
		}
	default:
		return errPatchPath(p)
	}
	return nil
}

func deleteRestAPI(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteRestAPI(c.ctx, c.rt.api)
}

func createResource(c *call) (any, error) {
	var in struct {
		PathPart string `json:"pathPart"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r, err := c.h.o.APIs.CreateResource(c.ctx, c.rt.api, c.rt.resource, in.PathPart)
	return toResource(r), err
}

func deleteResource(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteResource(c.ctx, c.rt.api, c.rt.resource)
}

type putMethodRequest struct {
	AuthorizationType   string            `json:"authorizationType"`
	AuthorizerID        string            `json:"authorizerId"`
	APIKeyRequired      bool              `json:"apiKeyRequired"`
	OperationName       string            `json:"operationName"`
	RequestParameters   map[string]bool   `json:"requestParameters"`
	RequestModels       map[string]string `json:"requestModels"`
	RequestValidatorID  string            `json:"requestValidatorId"`
	AuthorizationScopes []string          `json:"authorizationScopes"`
}

func putMethod(c *call) (any, error) {
	var in putMethodRequest
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	m := apigw.Method{HTTPMethod: c.rt.method, AuthorizationType: in.AuthorizationType, AuthorizerID: in.AuthorizerID,
		APIKeyRequired: in.APIKeyRequired, OperationName: in.OperationName, RequestParameters: in.RequestParameters,
		RequestModels: in.RequestModels, RequestValidatorID: in.RequestValidatorID}
	out, err := c.h.o.APIs.PutMethod(c.ctx, c.rt.api, c.rt.resource, m, false)
	return toMethod(&out, c.rt.resource), err
}

func deleteMethod(c *call) (any, error) {
	return nil, c.h.o.APIs.DeleteMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method)
}

// putIntegrationKeys maps PutIntegration's request keys to the
// x-amazon-apigateway-integration keys the one integration reader takes.
var putIntegrationKeys = map[string]string{
	"type": "type", "uri": "uri", "httpMethod": "httpMethod", "credentials": "credentials",
	"passthroughBehavior": "passthroughBehavior", "contentHandling": "contentHandling",
	"timeoutInMillis": "timeoutInMillis", "requestTemplates": "requestTemplates",
	"requestParameters": "requestParameters", "cacheKeyParameters": "cacheKeyParameters",
	"cacheNamespace": "cacheNamespace", "connectionType": "connectionType", "connectionId": "connectionId",
}

func putIntegration(c *call) (any, error) {
	var raw map[string]any
	if err := c.decode(&raw); err != nil {
		return nil, err
	}
	ext := map[string]any{}
	for k, v := range raw {
		if ek, ok := putIntegrationKeys[k]; ok {
			ext[ek] = v
		}
	}
	in, err := apigw.ParseIntegration(ext)
	if err != nil {
		return nil, err
	}
	if err := c.passRole(in.Credentials); err != nil {
		return nil, err
	}
	m, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		m.Integration = in
		return nil
	})
	if err != nil {
		return nil, err
	}
	return toMethod(&m, c.rt.resource).MethodIntegration, nil
}

func deleteIntegration(c *call) (any, error) {
	_, err := c.h.o.APIs.UpdateMethod(c.ctx, c.rt.api, c.rt.resource, c.rt.method, func(m *apigw.Method) error {
		if m.Integration == nil {
			return awserr.New(awserr.NotFoundException, "No integration defined for method")
		}
		m.Integration = nil
		return nil
	})
	return nil, err
}

// patchOp is one of a PATCH request's patchOperations.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value string `json:"value"`
	From  string `json:"from"`
}

func (c *call) patchOps() ([]patchOp, error) {
	var in struct {
		PatchOperations []patchOp `json:"patchOperations"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	for _, p := range in.PatchOperations {
		switch p.Op {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return nil, awserr.New(awserr.BadRequestException, "Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]")
		}
	}
	return in.PatchOperations, nil
}

func errPatchPath(p patchOp) error {
	return awserr.New(awserr.BadRequestException, "Invalid patch path '%s' specified for op '%s'", p.Path, p.Op)
}

// unescapePatch undoes JSON Pointer escaping: ~1 is "/", ~0 is "~".
func unescapePatch(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func without(list []string, v string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
