package apigwapi

import (
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Shapes of https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html
// and its siblings. Dates are epoch seconds, as the REST-JSON protocol
// writes timestamps.

type restAPI struct {
	ID                        string            `json:"id"`
	Name                      string            `json:"name"`
	Description               string            `json:"description,omitempty"`
	CreatedDate               int64             `json:"createdDate"`
	Version                   string            `json:"version,omitempty"`
	BinaryMediaTypes          []string          `json:"binaryMediaTypes,omitempty"`
	APIKeySource              string            `json:"apiKeySource"`
	EndpointConfiguration     map[string]any    `json:"endpointConfiguration"`
	Policy                    string            `json:"policy,omitempty"`
	Tags                      map[string]string `json:"tags,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	RootResourceID            string            `json:"rootResourceId,omitempty"`
	Warnings                  []string          `json:"warnings,omitempty"`
}

func epoch(t time.Time) int64 { return t.Unix() }

func toRestAPI(a apigw.RestAPI) restAPI {
	types := a.EndpointTypes
	if len(types) == 0 {
		types = []string{"EDGE"}
	}
	src := a.APIKeySource
	if src == "" {
		src = "HEADER"
	}
	return restAPI{ID: a.ID, Name: a.Name, Description: a.Description, CreatedDate: epoch(a.CreatedDate),
		Version: a.Version, BinaryMediaTypes: a.BinaryMediaTypes, APIKeySource: src,
		EndpointConfiguration: map[string]any{"types": types}, Policy: a.Policy, Tags: a.Tags,
		RootResourceID: a.RootResourceID, Warnings: a.Warnings}
}

type resource struct {
	ID              string                    `json:"id"`
	ParentID        string                    `json:"parentId,omitempty"`
	PathPart        string                    `json:"pathPart,omitempty"`
	Path            string                    `json:"path"`
	ResourceMethods map[string]map[string]any `json:"resourceMethods,omitempty"`
}

// toResource lists a resource's methods as GetResources does without
// embed: each method an empty object.
func toResource(r apigw.Resource) resource {
	out := resource{ID: r.ID, ParentID: r.ParentID, PathPart: r.PathPart, Path: r.Path}
	for m := range r.Methods {
		if out.ResourceMethods == nil {
			out.ResourceMethods = map[string]map[string]any{}
		}
		out.ResourceMethods[m] = map[string]any{}
	}
	return out
}

type integration struct {
	Type                string            `json:"type"`
	HTTPMethod          string            `json:"httpMethod,omitempty"`
	URI                 string            `json:"uri,omitempty"`
	Credentials         string            `json:"credentials,omitempty"`
	PassthroughBehavior string            `json:"passthroughBehavior,omitempty"`
	ContentHandling     string            `json:"contentHandling,omitempty"`
	TimeoutInMillis     int               `json:"timeoutInMillis"`
	CacheNamespace      string            `json:"cacheNamespace,omitempty"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters"`
	RequestTemplates    map[string]string `json:"requestTemplates,omitempty"`
	RequestParameters   map[string]string `json:"requestParameters,omitempty"`
	// IntegrationResponses by status code, as GetIntegration embeds them.
	IntegrationResponses map[string]integrationResponse `json:"integrationResponses,omitempty"`
}

type method struct {
	HTTPMethod          string                    `json:"httpMethod"`
	AuthorizationType   string                    `json:"authorizationType"`
	AuthorizerID        string                    `json:"authorizerId,omitempty"`
	AuthorizationScopes []string                  `json:"authorizationScopes,omitempty"`
	APIKeyRequired      bool                      `json:"apiKeyRequired"`
	OperationName       string                    `json:"operationName,omitempty"`
	RequestParameters   map[string]bool           `json:"requestParameters,omitempty"`
	RequestModels       map[string]string         `json:"requestModels,omitempty"`
	RequestValidatorID  string                    `json:"requestValidatorId,omitempty"`
	MethodIntegration   *integration              `json:"methodIntegration,omitempty"`
	MethodResponses     map[string]methodResponse `json:"methodResponses,omitempty"`
}

func toMethod(m *apigw.Method, resourceID string) method {
	out := method{HTTPMethod: m.HTTPMethod, AuthorizationType: m.AuthorizationType, AuthorizerID: m.AuthorizerID,
		AuthorizationScopes: m.AuthorizationScopes, APIKeyRequired: m.APIKeyRequired, OperationName: m.OperationName, RequestParameters: m.RequestParameters,
		RequestModels: m.RequestModels, RequestValidatorID: m.RequestValidatorID, MethodResponses: toMethodResponses(m.MethodResponses)}
	if in := m.Integration; in != nil {
		keys := in.CacheKeyParameters
		if keys == nil {
			keys = []string{}
		}
		out.MethodIntegration = &integration{Type: in.Type, HTTPMethod: in.HTTPMethod, URI: in.URI,
			Credentials: in.Credentials, PassthroughBehavior: in.PassthroughBehavior, ContentHandling: in.ContentHandling,
			TimeoutInMillis: in.TimeoutMillis, CacheNamespace: resourceID, CacheKeyParameters: keys,
			RequestTemplates: in.RequestTemplates, RequestParameters: in.RequestParameters,
			IntegrationResponses: toIntegrationResponses(in.IntegrationResponses)}
	}
	return out
}

type stage struct {
	DeploymentID        string                          `json:"deploymentId"`
	StageName           string                          `json:"stageName"`
	Description         string                          `json:"description,omitempty"`
	CacheClusterEnabled bool                            `json:"cacheClusterEnabled"`
	CacheClusterStatus  string                          `json:"cacheClusterStatus"`
	MethodSettings      map[string]apigw.MethodSettings `json:"methodSettings"`
	Variables           map[string]string               `json:"variables,omitempty"`
	TracingEnabled      bool                            `json:"tracingEnabled"`
	Tags                map[string]string               `json:"tags,omitempty"`
	CreatedDate         int64                           `json:"createdDate"`
	LastUpdatedDate     int64                           `json:"lastUpdatedDate"`
}

func toStage(s apigw.Stage) stage {
	ms := s.MethodSettings
	if ms == nil {
		ms = map[string]apigw.MethodSettings{}
	}
	return stage{DeploymentID: s.DeploymentID, StageName: s.StageName, Description: s.Description,
		CacheClusterStatus: "NOT_AVAILABLE", MethodSettings: ms, Variables: s.Variables, Tags: s.Tags,
		CreatedDate: epoch(s.CreatedDate), LastUpdatedDate: epoch(s.LastUpdatedDate)}
}

type deployment struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	CreatedDate int64  `json:"createdDate"`
}

func toDeployment(d apigw.Deployment) deployment {
	return deployment{ID: d.ID, Description: d.Description, CreatedDate: epoch(d.CreatedDate)}
}

// items is API Gateway's collection shape.
type items[T any] struct {
	Item []T `json:"item"`
}

func collect[S, T any](in []S, f func(S) T) items[T] {
	out := items[T]{Item: make([]T, 0, len(in))}
	for _, v := range in {
		out.Item = append(out.Item, f(v))
	}
	return out
}

// embeddedResource is a resource with ?embed=methods: full methods inline.
type embeddedResource struct {
	resource
	ResourceMethods map[string]method `json:"resourceMethods,omitempty"`
}

func embedded(r apigw.Resource) embeddedResource {
	out := embeddedResource{resource: toResource(r)}
	for name, m := range r.Methods {
		if out.ResourceMethods == nil {
			out.ResourceMethods = map[string]method{}
		}
		out.ResourceMethods[name] = toMethod(m, r.ID)
	}
	return out
}

func (c *call) resource() (apigw.Resource, error) {
	rs, err := c.h.o.APIs.GetResources(c.ctx, c.rt.api)
	if err != nil {
		return apigw.Resource{}, err
	}
	for _, r := range rs {
		if r.ID == c.rt.resource {
			return r, nil
		}
	}
	return apigw.Resource{}, awserr.New(awserr.NotFoundException, "Invalid Resource identifier specified")
}
