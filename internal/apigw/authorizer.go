package apigw

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Authorizer types (Authorizer.Type).
const (
	AuthorizerToken   = "TOKEN"
	AuthorizerRequest = "REQUEST"
	AuthorizerCognito = "COGNITO_USER_POOLS"
)

// defaultAuthorizerTTL is authorizerResultTtlInSeconds when unset, and
// maxAuthorizerTTL its bound (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html).
const (
	defaultAuthorizerTTL = 300
	maxAuthorizerTTL     = 3600
)

// Authorizer is a REST API authorizer: a Lambda function (TOKEN or REQUEST)
// or Cognito user pools, from CreateAuthorizer, AWS::ApiGateway::Authorizer
// or an x-amazon-apigateway-authorizer security scheme of an imported
// definition. Methods name it by ID (Method.AuthorizerID).
type Authorizer struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthType                     string   `json:"authType,omitempty"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials        string   `json:"authorizerCredentials,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	// ResultTTL is authorizerResultTtlInSeconds; nil means the default 300.
	ResultTTL *int `json:"authorizerResultTtlInSeconds,omitempty"`
	// Imported marks an authorizer that came from the API's definition:
	// the next overwrite import replaces it, as it replaces the methods.
	Imported bool `json:"imported,omitempty"`
}

// TTL is how long the authorizer's results are cached; 0 turns caching off.
func (a *Authorizer) TTL() time.Duration {
	if a.ResultTTL == nil {
		return defaultAuthorizerTTL * time.Second
	}
	return time.Duration(*a.ResultTTL) * time.Second
}

// FunctionARN is the Lambda function of a TOKEN or REQUEST authorizer.
func (a *Authorizer) FunctionARN() (string, bool) {
	return (&Integration{URI: a.AuthorizerURI}).FunctionARN()
}

// Lambda reports whether the authorizer runs a Lambda function.
func (a *Authorizer) Lambda() bool {
	return a.Type == AuthorizerToken || a.Type == AuthorizerRequest
}

// TokenHeader is the header a TOKEN or Cognito authorizer reads
// ("method.request.header.Authorization" → "Authorization").
func (a *Authorizer) TokenHeader() (string, bool) {
	name, ok := strings.CutPrefix(strings.TrimSpace(a.IdentitySource), "method.request.header.")
	return name, ok && name != ""
}

// ValidationRegexp compiles identityValidationExpression as API Gateway
// applies it: to the whole token (a Java String.matches). nil when unset.
func (a *Authorizer) ValidationRegexp() (*regexp.Regexp, error) {
	if a.IdentityValidationExpression == "" || a.Type == AuthorizerRequest {
		return nil, nil
	}
	return regexp.Compile(`\A(?:` + a.IdentityValidationExpression + `)\z`)
}

// identitySourceExpr matches one REST identity source mapping expression.
var identitySourceExpr = regexp.MustCompile(`^(method\.request\.(header|querystring)\.[^\s,]+|stageVariables\.[^\s,]+|context\.[A-Za-z0-9_.]+)$`)

// validate checks an authorizer as CreateAuthorizer does; messages follow
// API Gateway's BadRequestException wording where it is known.
func (a *Authorizer) validate() error {
	bad := func(format string, args ...any) error {
		return awserr.New(awserr.BadRequestException, format, args...)
	}
	if a.Name == "" {
		return bad("Authorizer name must be non-empty")
	}
	if !slices.Contains([]string{AuthorizerToken, AuthorizerRequest, AuthorizerCognito}, a.Type) {
		return bad("1 validation error detected: Value '%s' at 'createAuthorizerInput.type' failed to satisfy constraint: Member must satisfy enum value set: [TOKEN, REQUEST, COGNITO_USER_POOLS]", a.Type)
	}
	if a.ResultTTL != nil && (*a.ResultTTL < 0 || *a.ResultTTL > maxAuthorizerTTL) {
		return bad("Invalid authorizer TTL: %d. Must be between 0 and 3600 seconds.", *a.ResultTTL)
	}
	if a.Lambda() {
		if _, ok := a.FunctionARN(); !ok {
			return bad("Invalid Authorizer URI: %s. Authorizer URI should be a valid API Gateway ARN that represents a Lambda function invocation.", a.AuthorizerURI)
		}
	}
	switch a.Type {
	case AuthorizerToken, AuthorizerCognito:
		if _, ok := a.TokenHeader(); !ok {
			return bad("Invalid identity source: '%s'. Identity source should be a valid request header mapping expression, e.g. method.request.header.Authorization", a.IdentitySource)
		}
	case AuthorizerRequest:
		if a.IdentitySource == "" && a.TTL() > 0 {
			return bad("Identity source must be specified when authorizer caching is enabled.")
		}
		for part := range strings.SplitSeq(a.IdentitySource, ",") {
			if p := strings.TrimSpace(part); p != "" && !identitySourceExpr.MatchString(p) {
				return bad("Invalid identity source: '%s'.", p)
			}
		}
	}
	if a.Type == AuthorizerCognito && len(a.ProviderARNs) == 0 {
		return bad("Invalid providerARNs: a COGNITO_USER_POOLS authorizer needs at least one user pool ARN")
	}
	if _, err := a.ValidationRegexp(); err != nil {
		return bad("Invalid identity validation expression specified: %s", a.IdentityValidationExpression)
	}
	return nil
}

// authorizerFromScheme reads a security scheme's x-amazon-apigateway-authorizer
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html).
// A TOKEN or Cognito authorizer without identitySource reads the header the
// scheme names (in: header, name: X → method.request.header.X).
func authorizerFromScheme(name string, sc, ext map[string]any) (*Authorizer, error) {
	a := &Authorizer{
		Name:                         name,
		Type:                         strings.ToUpper(stringAt(ext, "type")),
		AuthType:                     stringAt(sc, "x-amazon-apigateway-authtype"),
		AuthorizerURI:                stringAt(ext, "authorizerUri"),
		AuthorizerCredentials:        stringAt(ext, "authorizerCredentials"),
		IdentitySource:               stringAt(ext, "identitySource"),
		IdentityValidationExpression: stringAt(ext, "identityValidationExpression"),
		ProviderARNs:                 stringsAt(ext, "providerARNs"),
		Imported:                     true,
	}
	if v, ok := ext["authorizerResultTtlInSeconds"]; ok && v != nil {
		n, err := strconv.Atoi(fmt.Sprint(v))
		if err != nil {
			return nil, fmt.Errorf("Invalid authorizerResultTtlInSeconds for authorizer '%s': %v", name, v)
		}
		a.ResultTTL = &n
	}
	if a.IdentitySource == "" && a.Type != AuthorizerRequest && strings.EqualFold(stringAt(sc, "in"), "header") {
		if h := stringAt(sc, "name"); h != "" {
			a.IdentitySource = "method.request.header." + h
		}
	}
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("Unable to create authorizer '%s': %s", name, awserr.As(err).Message)
	}
	return a, nil
}

// assignAuthorizerIDs gives each authorizer of next the id of the one with
// the same name in prev, else a fresh one, and returns the name → id map.
func assignAuthorizerIDs(prev []Authorizer, next []Authorizer) ([]Authorizer, map[string]string) {
	old := map[string]string{}
	for _, a := range prev {
		old[a.Name] = a.ID
	}
	byName := map[string]string{}
	out := make([]Authorizer, len(next))
	for i, a := range next {
		if a.ID == "" {
			a.ID = old[a.Name]
		}
		if a.ID == "" {
			a.ID = NewID(6)
		}
		byName[a.Name] = a.ID
		out[i] = a
	}
	return out, byName
}

// mergeAuthorizers is what an import leaves: in overwrite mode the
// definition's authorizers plus those created outside any definition; in
// merge mode every previous one the definition does not redefine, too.
func mergeAuthorizers(prev, def []Authorizer, mode string) []Authorizer {
	defined := map[string]bool{}
	for _, a := range def {
		defined[a.Name] = true
	}
	var out []Authorizer
	for _, a := range prev {
		if defined[a.Name] || (a.Imported && mode == "overwrite") {
			continue
		}
		out = append(out, a)
	}
	return append(out, def...)
}

// linkAuthorizers replaces the scheme names imported methods carry in
// AuthorizerID with the ids of the authorizers of those names.
func linkAuthorizers(resources []Resource, byName map[string]string) {
	for _, r := range resources {
		for _, m := range r.Methods {
			if m.AuthorizationType != AuthCustom && m.AuthorizationType != AuthCognito {
				continue
			}
			if id, ok := byName[m.AuthorizerID]; ok {
				m.AuthorizerID = id
			}
		}
	}
}

// Authorizer returns the snapshot's authorizer with id.
func (s *Snapshot) Authorizer(id string) (*Authorizer, bool) {
	for i := range s.Authorizers {
		if s.Authorizers[i].ID == id {
			return &s.Authorizers[i], true
		}
	}
	return nil, false
}
