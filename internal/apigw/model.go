package apigw

import (
	"sync"
	"time"
)

// Authorization types of a method (Method.AuthorizationType).
const (
	AuthNone    = "NONE"
	AuthIAM     = "AWS_IAM"
	AuthCustom  = "CUSTOM"
	AuthCognito = "COGNITO_USER_POOLS"
)

// Integration types (Integration.Type).
const (
	IntegrationAWSProxy  = "AWS_PROXY"
	IntegrationAWS       = "AWS"
	IntegrationHTTP      = "HTTP"
	IntegrationHTTPProxy = "HTTP_PROXY"
	IntegrationMock      = "MOCK"
)

// MethodAny is the catch-all method (x-amazon-apigateway-any-method).
const MethodAny = "ANY"

// RestAPI is an API Gateway REST API.
type RestAPI struct {
	ID               string            `json:"id"`
	Name             string            `json:"name"`
	Description      string            `json:"description,omitempty"`
	CreatedDate      time.Time         `json:"createdDate"`
	Policy           string            `json:"policy,omitempty"`
	EndpointTypes    []string          `json:"endpointTypes,omitempty"`
	BinaryMediaTypes []string          `json:"binaryMediaTypes,omitempty"`
	APIKeySource     string            `json:"apiKeySource,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Version          string            `json:"version,omitempty"`
	// Warnings of the last import, as ImportRestApi returns them.
	Warnings []string `json:"warnings,omitempty"`
	// RootResourceID is the id of the "/" resource.
	RootResourceID string `json:"rootResourceId,omitempty"`
}

// Resource is a node of an API's resource tree.
type Resource struct {
	ID       string             `json:"id"`
	ParentID string             `json:"parentId,omitempty"`
	PathPart string             `json:"pathPart,omitempty"`
	Path     string             `json:"path"`
	Methods  map[string]*Method `json:"resourceMethods,omitempty"`
}

// Method is an HTTP method of a resource.
type Method struct {
	HTTPMethod        string `json:"httpMethod"`
	AuthorizationType string `json:"authorizationType"`
	AuthorizerID      string `json:"authorizerId,omitempty"`
	// AuthorizationScopes are the OAuth scopes a COGNITO_USER_POOLS method
	// requires of an access token (any one); none means an id token.
	AuthorizationScopes []string        `json:"authorizationScopes,omitempty"`
	APIKeyRequired      bool            `json:"apiKeyRequired"`
	OperationName       string          `json:"operationName,omitempty"`
	Integration         *Integration    `json:"methodIntegration,omitempty"`
	RequestParameters   map[string]bool `json:"requestParameters,omitempty"`
	// RequestValidatorID names the API's validator that checks this
	// method's requests; RequestModels maps a content type (or "$default")
	// to the name of the model its body must match.
	RequestValidatorID string            `json:"requestValidatorId,omitempty"`
	RequestModels      map[string]string `json:"requestModels,omitempty"`
	// MethodResponses are keyed by status code, as GetMethod returns them.
	MethodResponses map[string]MethodResponse `json:"methodResponses,omitempty"`
}

// Integration is what a method calls.
type Integration struct {
	Type                string            `json:"type"`
	HTTPMethod          string            `json:"httpMethod,omitempty"`
	URI                 string            `json:"uri,omitempty"`
	Credentials         string            `json:"credentials,omitempty"`
	PassthroughBehavior string            `json:"passthroughBehavior,omitempty"`
	ContentHandling     string            `json:"contentHandling,omitempty"`
	TimeoutMillis       int               `json:"timeoutInMillis"`
	RequestTemplates    map[string]string `json:"requestTemplates,omitempty"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters,omitempty"`
	// RequestParameters maps integration.request.{header|querystring|path}.NAME
	// to its source: method.request.*, 'static', context.*, stageVariables.*.
	RequestParameters map[string]string `json:"requestParameters,omitempty"`
	// IntegrationResponses are keyed by status code, as GetIntegration
	// returns them.
	IntegrationResponses map[string]IntegrationResponse `json:"integrationResponses,omitempty"`
}

// IntegrationResponse maps an integration's answer to a method response:
// chosen by SelectionPattern (a regular expression over a Lambda error
// message or an HTTP status; "" for the default response).
type IntegrationResponse struct {
	StatusCode         string            `json:"statusCode"`
	SelectionPattern   string            `json:"selectionPattern,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters,omitempty"`
	ResponseTemplates  map[string]string `json:"responseTemplates,omitempty"`
	ContentHandling    string            `json:"contentHandling,omitempty"`
}

// MethodResponse declares a status code a method answers with, the
// headers it may carry (method.response.header.NAME → required) and its
// models by content type.
type MethodResponse struct {
	StatusCode         string            `json:"statusCode"`
	ResponseParameters map[string]bool   `json:"responseParameters,omitempty"`
	ResponseModels     map[string]string `json:"responseModels,omitempty"`
}

// Deployment is an immutable snapshot of an API's resources and policy.
type Deployment struct {
	ID          string    `json:"id"`
	RestAPIID   string    `json:"restApiId"`
	Description string    `json:"description,omitempty"`
	CreatedDate time.Time `json:"createdDate"`
}

// Stage names a deployment.
type Stage struct {
	RestAPIID      string                    `json:"restApiId"`
	StageName      string                    `json:"stageName"`
	DeploymentID   string                    `json:"deploymentId"`
	Description    string                    `json:"description,omitempty"`
	Variables      map[string]string         `json:"variables,omitempty"`
	Tags           map[string]string         `json:"tags,omitempty"`
	MethodSettings map[string]MethodSettings `json:"methodSettings,omitempty"`
	// AccessLogSettings sends one line per request to a log group
	// (DestinationARN) in Format, $context variables substituted.
	AccessLogSettings *AccessLogSettings `json:"accessLogSettings,omitempty"`
	TracingEnabled    bool               `json:"tracingEnabled,omitempty"`
	CreatedDate       time.Time          `json:"createdDate"`
	LastUpdatedDate   time.Time          `json:"lastUpdatedDate"`
}

// AccessLogSettings is a stage's access log destination and line format.
type AccessLogSettings struct {
	DestinationARN string `json:"destinationArn"`
	Format         string `json:"format"`
}

// MethodSettings are a stage's per-method settings, keyed by
// MethodSettingsKey. The throttling limits are pointers: 0 is a limit
// (a burst of 0 refuses every request), absent is the account's default.
type MethodSettings struct {
	MetricsEnabled       bool     `json:"metricsEnabled,omitempty"`
	LoggingLevel         string   `json:"loggingLevel,omitempty"`
	DataTraceEnabled     bool     `json:"dataTraceEnabled,omitempty"`
	ThrottlingBurstLimit *int     `json:"throttlingBurstLimit,omitempty"`
	ThrottlingRateLimit  *float64 `json:"throttlingRateLimit,omitempty"`
	CachingEnabled       bool     `json:"cachingEnabled,omitempty"`
}

// Snapshot is what the data plane serves for one (API, stage): the API and
// resources as they were when the stage's deployment was created.
type Snapshot struct {
	API        RestAPI
	Stage      Stage
	Deployment Deployment
	Resources  []Resource
	// Authorizers are the API's authorizers as deployed.
	Authorizers []Authorizer
	// Models, Validators and GatewayResponses as they were deployed.
	Models           []Model
	Validators       []RequestValidator
	GatewayResponses map[string]GatewayResponse

	// the route tree, shared by the snapshots of one deployment
	tree *routeTree
}

// routeTree is built once per deployment and read concurrently.
type routeTree struct {
	once sync.Once
	root *node
}
