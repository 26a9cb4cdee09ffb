package httpapi

import "time"

// Route authorization types (Route.AuthorizationType).
const (
	AuthNone   = "NONE"
	AuthIAM    = "AWS_IAM"
	AuthCustom = "CUSTOM" // a Lambda (REQUEST) authorizer
	AuthJWT    = "JWT"
)

// Integration types of HTTP APIs (Integration.IntegrationType).
const (
	IntegrationAWSProxy  = "AWS_PROXY"
	IntegrationHTTPProxy = "HTTP_PROXY"
)

// Authorizer types (Authorizer.AuthorizerType).
const (
	AuthorizerRequest = "REQUEST"
	AuthorizerJWT     = "JWT"
)

// DefaultStage is the stage served from the base of the API's URL;
// DefaultRoute catches what no other route matches.
const (
	DefaultStage = "$default"
	DefaultRoute = "$default"
)

// MethodAny matches every method.
const MethodAny = "ANY"

// Payload format versions of Lambda proxy integrations.
const (
	PayloadV1 = "1.0"
	PayloadV2 = "2.0"
)

// DefaultTimeoutMillis is an HTTP API integration's default and largest timeout
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
const DefaultTimeoutMillis = 30000

// API is an HTTP API.
type API struct {
	APIID                     string            `json:"apiId"`
	Name                      string            `json:"name"`
	Description               string            `json:"description,omitempty"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	APIEndpoint               string            `json:"apiEndpoint"`
	CorsConfiguration         *Cors             `json:"corsConfiguration,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	CreatedDate               time.Time         `json:"createdDate"`
	Tags                      map[string]string `json:"tags,omitempty"`
	Version                   string            `json:"version,omitempty"`
	// Warnings of the last import, as ImportApi returns them.
	Warnings []string `json:"warnings,omitempty"`
}

// Cors is an API's CorsConfiguration, answered by the gateway
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
type Cors struct {
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	AllowHeaders     []string `json:"allowHeaders,omitempty"`
	AllowMethods     []string `json:"allowMethods,omitempty"`
	AllowOrigins     []string `json:"allowOrigins,omitempty"`
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	// MaxAge is seconds; nil sends no Access-Control-Max-Age.
	MaxAge *int `json:"maxAge,omitempty"`
}

// Route is a route key ("GET /pets/{id}", "ANY /{proxy+}", "$default")
// with its authorization and target.
type Route struct {
	RouteID             string   `json:"routeId"`
	RouteKey            string   `json:"routeKey"`
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId,omitempty"`
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	APIKeyRequired      bool     `json:"apiKeyRequired"`
	OperationName       string   `json:"operationName,omitempty"`
	// Target is "integrations/{integrationId}".
	Target string `json:"target,omitempty"`
}

// Integration is what a route calls.
type Integration struct {
	IntegrationID        string `json:"integrationId"`
	IntegrationType      string `json:"integrationType"`
	IntegrationURI       string `json:"integrationUri,omitempty"`
	IntegrationMethod    string `json:"integrationMethod,omitempty"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	TimeoutInMillis      int    `json:"timeoutInMillis"`
	CredentialsARN       string `json:"credentialsArn,omitempty"`
	ConnectionType       string `json:"connectionType"`
	Description          string `json:"description,omitempty"`
}

// Authorizer is a Lambda (REQUEST) or JWT authorizer's configuration.
type Authorizer struct {
	AuthorizerID                   string            `json:"authorizerId"`
	Name                           string            `json:"name"`
	AuthorizerType                 string            `json:"authorizerType"`
	IdentitySource                 []string          `json:"identitySource,omitempty"`
	JWTConfiguration               *JWTConfiguration `json:"jwtConfiguration,omitempty"`
	AuthorizerURI                  string            `json:"authorizerUri,omitempty"`
	AuthorizerCredentialsARN       string            `json:"authorizerCredentialsArn,omitempty"`
	AuthorizerPayloadFormatVersion string            `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTTLInSeconds   int               `json:"authorizerResultTtlInSeconds"`
	EnableSimpleResponses          bool              `json:"enableSimpleResponses"`
}

// JWTConfiguration is a JWT authorizer's issuer and audiences.
type JWTConfiguration struct {
	Audience []string `json:"audience,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
}

// Stage names a deployment; with AutoDeploy, every change of the API is
// deployed to it at once.
type Stage struct {
	APIID                string                   `json:"-"`
	StageName            string                   `json:"stageName"`
	DeploymentID         string                   `json:"deploymentId,omitempty"`
	AutoDeploy           bool                     `json:"autoDeploy"`
	Description          string                   `json:"description,omitempty"`
	StageVariables       map[string]string        `json:"stageVariables,omitempty"`
	DefaultRouteSettings RouteSettings            `json:"defaultRouteSettings"`
	RouteSettings        map[string]RouteSettings `json:"routeSettings,omitempty"`
	Tags                 map[string]string        `json:"tags,omitempty"`
	CreatedDate          time.Time                `json:"createdDate"`
	LastUpdatedDate      time.Time                `json:"lastUpdatedDate"`
	// LastDeploymentStatusMessage says how the last auto-deploy went.
	LastDeploymentStatusMessage string `json:"lastDeploymentStatusMessage,omitempty"`
}

// RouteSettings are a stage's per-route settings. The throttling limits
// are pointers: 0 is a limit (a burst of 0 refuses every request), absent
// falls back to the stage's default route settings, then to the account's.
type RouteSettings struct {
	DataTraceEnabled       bool     `json:"dataTraceEnabled,omitempty"`
	DetailedMetricsEnabled bool     `json:"detailedMetricsEnabled,omitempty"`
	LoggingLevel           string   `json:"loggingLevel,omitempty"`
	ThrottlingBurstLimit   *int     `json:"throttlingBurstLimit,omitempty"`
	ThrottlingRateLimit    *float64 `json:"throttlingRateLimit,omitempty"`
}

// The account-level throttle of HTTP APIs per Region
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
const (
	AccountBurstLimit = 5000
	AccountRateLimit  = 10000
)

// RouteThrottle is the burst and rate the stage allows a route: the
// route's own settings, else the stage's DefaultRouteSettings, limit by
// limit; ok is false when neither sets one and only the account's applies.
func (s Stage) RouteThrottle(routeKey string) (burst int, rate float64, ok bool) {
	own := s.RouteSettings[routeKey]
	b, r := own.ThrottlingBurstLimit, own.ThrottlingRateLimit
	if b == nil {
		b = s.DefaultRouteSettings.ThrottlingBurstLimit
	}
	if r == nil {
		r = s.DefaultRouteSettings.ThrottlingRateLimit
	}
	if b == nil && r == nil {
		return 0, 0, false
	}
	burst, rate = AccountBurstLimit, AccountRateLimit
	if b != nil {
		burst = *b
	}
	if r != nil {
		rate = *r
	}
	return burst, rate, true
}

// Deployment is an immutable snapshot of an API's routes, integrations and
// authorizers.
type Deployment struct {
	DeploymentID     string    `json:"deploymentId"`
	Description      string    `json:"description,omitempty"`
	CreatedDate      time.Time `json:"createdDate"`
	DeploymentStatus string    `json:"deploymentStatus"`
	AutoDeployed     bool      `json:"autoDeployed"`
}
