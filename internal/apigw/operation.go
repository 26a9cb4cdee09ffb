package apigw

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// method builds a Method from an operation object and its
// x-amazon-apigateway-* extensions.
func (sp *spec) method(verb, path string, op map[string]any) (*Method, error) {
	m := &Method{
		HTTPMethod:        verb,
		AuthorizationType: AuthNone,
		OperationName:     stringAt(op, "operationId"),
		RequestParameters: requestParameters(op),
	}
	if err := sp.applySecurity(m, op); err != nil {
		return nil, fmt.Errorf("Unable to put method '%s' on resource at path '%s': %s", verb, path, err)
	}
	if err := sp.requestShape(m, op); err != nil {
		return nil, fmt.Errorf("Unable to put method '%s' on resource at path '%s': %s", verb, path, err)
	}
	if ia, ok := op["x-amazon-apigateway-integration"]; ok {
		in, err := integration(ia)
		if err != nil {
			return nil, fmt.Errorf("Unable to put integration on '%s' for resource at path '%s': %s", verb, path, err)
		}
		m.Integration = in
	}
	m.MethodResponses = methodResponses(op)
	return m, nil
}

// applySecurity resolves the operation's security requirement (or the
// document's, when the operation has none) to an authorization type. An
// explicit empty list on the operation means no authorization.
func (sp *spec) applySecurity(m *Method, op map[string]any) error {
	reqs, ok := op["security"].([]any)
	if _, present := op["security"]; !present {
		reqs, ok = sp.doc["security"].([]any)
	}
	if ok {
		// The requirements are alternatives: a name no scheme defines is
		// only worth a warning when no other requirement applied (SAM
		// lists its AWS_IAM beside the template's own awsSigv4, and moves
		// the definitions so that only one of the two is defined).
		var undefined []string
		for _, r := range reqs {
			req, _ := r.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(req)) {
				if !sp.applyScheme(m, name) {
					undefined = append(undefined, name)
				}
				if m.AuthorizationType == AuthCognito && m.AuthorizerID == name {
					// The requirement's scope list is the method's
					// authorizationScopes (SAM writes {Name: [scopes]}).
					m.AuthorizationScopes = stringsAt(req, name)
				}
			}
		}
		if len(undefined) > 0 && m.AuthorizationType == AuthNone && !m.APIKeyRequired {
			for _, name := range undefined {
				sp.warnings = append(sp.warnings, fmt.Sprintf("Security scheme %s is not defined; method %s is imported without authorization", name, m.HTTPMethod))
			}
		}
	}
	// x-amazon-apigateway-auth {type: AWS_IAM|NONE} overrides the scheme.
	if a := mapAt(op, "x-amazon-apigateway-auth"); a != nil {
		switch t := strings.ToUpper(stringAt(a, "type")); t {
		case AuthIAM, AuthNone:
			m.AuthorizationType, m.AuthorizerID = t, ""
		default:
			return fmt.Errorf("Invalid authorization type %q in x-amazon-apigateway-auth", stringAt(a, "type"))
		}
	}
	return nil
}

// applyScheme applies the scheme name to m and reports whether it is
// defined. SAM writes [{NONE: []}] for an Auth override of NONE without
// defining the scheme, and API Gateway imports it: no authorization.
func (sp *spec) applyScheme(m *Method, name string) bool {
	sc, ok := sp.schemes[name].(map[string]any)
	if !ok {
		return false
	}
	authType := strings.ToLower(stringAt(sc, "x-amazon-apigateway-authtype"))
	authorizer := mapAt(sc, "x-amazon-apigateway-authorizer")
	switch {
	case authType == "awssigv4":
		m.AuthorizationType, m.AuthorizerID = AuthIAM, ""
	case authorizer != nil && strings.EqualFold(stringAt(authorizer, "type"), "cognito_user_pools"):
		m.AuthorizationType, m.AuthorizerID = AuthCognito, name
	case authorizer != nil:
		m.AuthorizationType, m.AuthorizerID = AuthCustom, name
	case strings.EqualFold(stringAt(sc, "type"), "apiKey") && strings.EqualFold(stringAt(sc, "name"), "x-api-key"):
		// The API key scheme is not an authorizer: it only requires a key.
		m.APIKeyRequired = true
	}
	return true
}

// requestParameters lists declared path, query and header parameters as API
// Gateway names them: method.request.{path|querystring|header}.{name}.
func requestParameters(op map[string]any) map[string]bool {
	list, _ := op["parameters"].([]any)
	out := map[string]bool{}
	for _, e := range list {
		p, _ := e.(map[string]any)
		loc := map[string]string{"path": "path", "query": "querystring", "header": "header"}[stringAt(p, "in")]
		name := stringAt(p, "name")
		if loc == "" || name == "" {
			continue
		}
		req, _ := p["required"].(bool)
		out["method.request."+loc+"."+name] = req
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// lambdaURIPrefix marks the Lambda invocation path of an AWS/AWS_PROXY
// integration: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations.
const lambdaURIPrefix = ":lambda:path/"

func integration(v any) (*Integration, error) {
	ia, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Invalid integration definition")
	}
	in := &Integration{
		Type:                strings.ToUpper(stringAt(ia, "type")),
		HTTPMethod:          strings.ToUpper(stringAt(ia, "httpMethod")),
		Credentials:         stringAt(ia, "credentials"),
		PassthroughBehavior: strings.ToUpper(stringAt(ia, "passthroughBehavior")),
		ContentHandling:     strings.ToUpper(stringAt(ia, "contentHandling")),
		TimeoutMillis:       29000,
		RequestTemplates:    stringMap(mapAt(ia, "requestTemplates")),
		CacheKeyParameters:  stringsAt(ia, "cacheKeyParameters"),
	}
	if u, present := ia["uri"]; present {
		s, isString := u.(string)
		if !isString {
			return nil, fmt.Errorf("Invalid function ARN or invalid uri")
		}
		in.URI = s
	}
	if t, ok := ia["timeoutInMillis"]; ok {
		n, err := strconv.Atoi(fmt.Sprint(t))
		if err != nil || n < 50 || n > 29000 {
			return nil, fmt.Errorf("Timeout should be between 50 ms and 29000 ms")
		}
		in.TimeoutMillis = n
	}
	if err := integrationMappings(in, ia); err != nil {
		return nil, err
	}
	return in, validateIntegration(in)
}

func validateIntegration(in *Integration) error {
	switch in.Type {
	case IntegrationAWSProxy, IntegrationAWS:
		if in.URI == "" || !strings.HasPrefix(in.URI, "arn:") {
			return fmt.Errorf("Invalid function ARN or invalid uri")
		}
		if !strings.Contains(in.URI, ":path/") && !strings.Contains(in.URI, ":action/") {
			return fmt.Errorf("AWS ARN for integration must contain path or action")
		}
	case IntegrationHTTP, IntegrationHTTPProxy:
		if !strings.HasPrefix(in.URI, "http://") && !strings.HasPrefix(in.URI, "https://") {
			return fmt.Errorf("Invalid HTTP endpoint specified for URI")
		}
	case IntegrationMock:
	case "":
		return fmt.Errorf("Enumeration value for type must be specified")
	default:
		return fmt.Errorf("Invalid integration type specified: %s", in.Type)
	}
	return nil
}

// FunctionARN extracts the Lambda function ARN from a Lambda integration URI,
// or reports false for any other URI.
func (in *Integration) FunctionARN() (string, bool) {
	if in == nil {
		return "", false
	}
	i := strings.Index(in.URI, lambdaURIPrefix)
	if i < 0 {
		return "", false
	}
	rest := in.URI[i+len(lambdaURIPrefix):]
	const fn = "/functions/"
	j := strings.Index(rest, fn)
	if j < 0 {
		return "", false
	}
	arn, ok := strings.CutSuffix(rest[j+len(fn):], "/invocations")
	if !ok || !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	return arn, true
}

func stringMap(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = stringAt(m, k)
	}
	return out
}
