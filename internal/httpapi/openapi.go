package httpapi

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/awserr"
)

// Definition is an imported HTTP API body, reduced to what API Gateway
// keeps. Integrations and authorizers have no ids yet; routes point at them
// by index (Target "integrations/{index}", AuthorizerID "{index}") until
// the Service assigns ids.
type Definition struct {
	Title       string
	Description string
	Version     string
	Cors        *Cors
	// DisableExecuteAPIEndpoint is servers[].x-amazon-apigateway-endpoint-configuration.disableExecuteApiEndpoint.
	DisableExecuteAPIEndpoint bool
	Routes                    []Route
	Integrations              []Integration
	Authorizers               []Authorizer
	Warnings                  []string
}

// msgInvalidBody is ImportApi's answer to a body that is not an OpenAPI
// document ("BadRequestException: Invalid OpenAPI input." in terraform
// captures of aws_apigatewayv2_api with a body).
const msgInvalidBody = "Invalid OpenAPI input."

func badRequest(format string, args ...any) error {
	return awserr.New(awserr.BadRequestException, format, args...)
}

// ParseDefinition reads an OpenAPI 3 or Swagger 2 body with the
// x-amazon-apigateway-integration, -authorizer, -authtype, -cors and
// -any-method extensions
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html).
// Errors are BadRequestException, worded as ImportApi words them.
func ParseDefinition(body any) (*Definition, error) {
	doc, err := apigw.DecodeDocument(body)
	if err != nil {
		return nil, badRequest(msgInvalidBody)
	}
	im, err := newImporter(doc)
	if err != nil {
		return nil, err
	}
	return im.definition()
}

type importer struct {
	doc      map[string]any
	schemes  map[string]any
	def      *Definition
	integ    map[string]int // integration by its encoded settings: equal settings share one
	authz    map[string]int // authorizer by scheme name
	errs     []string
	security []any // the document's default security
}

func newImporter(doc map[string]any) (*importer, error) {
	im := &importer{doc: doc, def: &Definition{}, integ: map[string]int{}, authz: map[string]int{}}
	var ok bool
	if _, im.schemes, ok = apigw.DocumentKind(doc); !ok {
		return nil, badRequest(msgInvalidBody)
	}
	im.security, _ = doc["security"].([]any)
	return im, nil
}

func (im *importer) definition() (*Definition, error) {
	info := mapAt(im.doc, "info")
	d := im.def
	d.Title, d.Description, d.Version = stringAt(info, "title"), stringAt(info, "description"), stringAt(info, "version")
	if c, ok := im.doc["x-amazon-apigateway-cors"]; ok && c != nil {
		cors, err := parseCors(c)
		if err != nil {
			im.errs = append(im.errs, err.Error())
		}
		d.Cors = cors
	}
	if servers, ok := im.doc["servers"].([]any); ok {
		for _, sv := range servers {
			sm, _ := sv.(map[string]any)
			if truthyBool(mapAt(sm, "x-amazon-apigateway-endpoint-configuration")["disableExecuteApiEndpoint"]) {
				d.DisableExecuteAPIEndpoint = true
			}
		}
	}
	paths := mapAt(im.doc, "paths")
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		item, _ := paths[p].(map[string]any)
		for _, key := range slices.Sorted(maps.Keys(item)) {
			method, ok := httpVerb(key)
			if !ok {
				continue
			}
			op, _ := item[key].(map[string]any)
			im.route(p, method, op)
		}
	}
	if len(im.errs) > 0 {
		// "Errors found during import:" as the REST import words it.
		return nil, badRequest("Errors found during import:\n\t%s", strings.Join(im.errs, "\n\t"))
	}
	slices.SortFunc(d.Routes, func(a, b Route) int { return strings.Compare(a.RouteKey, b.RouteKey) })
	return d, nil
}

// route adds one operation: its route key, integration and authorization.
func (im *importer) route(path, method string, op map[string]any) {
	key := method + " " + path
	if path == DefaultRoute || truthyBool(op["isDefaultRoute"]) {
		key = DefaultRoute
	}
	if _, err := parseRouteKey(key); err != nil {
		im.errs = append(im.errs, err.Error())
		return
	}
	for _, r := range im.def.Routes {
		if r.RouteKey == key {
			im.errs = append(im.errs, fmt.Sprintf("Route %s is defined more than once", key))
			return
		}
	}
	r := Route{RouteKey: key, AuthorizationType: AuthNone, OperationName: stringAt(op, "operationId")}
	if raw, ok := op["x-amazon-apigateway-integration"]; ok && raw != nil {
		m, _ := raw.(map[string]any)
		in, err := parseIntegration(m)
		if err != nil {
			im.errs = append(im.errs, fmt.Sprintf("Unable to create integration for route %s: %v", key, err))
			return
		}
		r.Target = "integrations/" + strconv.Itoa(im.addIntegration(in))
	} else {
		im.def.Warnings = append(im.def.Warnings, fmt.Sprintf("Route %s has no x-amazon-apigateway-integration: it has no target", key))
	}
	security, has := op["security"].([]any)
	if !has {
		security = im.security
	}
	if err := im.authorize(&r, security); err != nil {
		im.errs = append(im.errs, fmt.Sprintf("Unable to set authorization for route %s: %v", key, err))
		return
	}
	im.def.Routes = append(im.def.Routes, r)
}

func (im *importer) addIntegration(in Integration) int {
	k := fmt.Sprintf("%#v", in)
	if i, ok := im.integ[k]; ok {
		return i
	}
	im.def.Integrations = append(im.def.Integrations, in)
	im.integ[k] = len(im.def.Integrations) - 1
	return im.integ[k]
}

// authorize applies the first security requirement: a scheme with
// x-amazon-apigateway-authtype awsSigv4 is AWS_IAM; one with an
// x-amazon-apigateway-authorizer is a JWT or Lambda (CUSTOM) authorizer; a
// name with no scheme (SAM writes NONE) leaves the route open.
func (im *importer) authorize(r *Route, security []any) error {
	for _, req := range security {
		m, _ := req.(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(m)) {
			scheme, ok := im.schemes[name].(map[string]any)
			if !ok {
				return nil // NONE, or a scheme API Gateway does not know
			}
			if strings.EqualFold(stringAt(scheme, "x-amazon-apigateway-authtype"), "awsSigv4") {
				r.AuthorizationType = AuthIAM
				return nil
			}
			ext, _ := scheme["x-amazon-apigateway-authorizer"].(map[string]any)
			if ext == nil {
				return nil
			}
			idx, err := im.authorizer(name, scheme, ext)
			if err != nil {
				return err
			}
			r.AuthorizerID = strconv.Itoa(idx)
			r.AuthorizationType = AuthCustom
			if im.def.Authorizers[idx].AuthorizerType == AuthorizerJWT {
				r.AuthorizationType = AuthJWT
				r.AuthorizationScopes = stringsOf(m[name])
			}
			return nil
		}
	}
	return nil
}

func (im *importer) authorizer(name string, scheme, ext map[string]any) (int, error) {
	if i, ok := im.authz[name]; ok {
		return i, nil
	}
	a := Authorizer{Name: name}
	switch strings.ToLower(stringAt(ext, "type")) {
	case "jwt":
		a.AuthorizerType = AuthorizerJWT
		jc := mapAt(ext, "jwtConfiguration")
		a.JWTConfiguration = &JWTConfiguration{Issuer: stringAt(jc, "issuer"), Audience: stringsOf(jc["audience"])}
		a.IdentitySource = identitySources(ext["identitySource"])
		if len(a.IdentitySource) == 0 {
			a.IdentitySource = []string{"$request.header.Authorization"}
		}
		if a.JWTConfiguration.Issuer == "" {
			return 0, fmt.Errorf("JWT authorizer %s has no issuer", name)
		}
	case "request":
		a.AuthorizerType = AuthorizerRequest
		a.AuthorizerURI = stringAt(ext, "authorizerUri")
		a.AuthorizerCredentialsARN = stringAt(ext, "authorizerCredentials")
		a.AuthorizerPayloadFormatVersion = stringAt(ext, "authorizerPayloadFormatVersion")
		a.EnableSimpleResponses = truthyBool(ext["enableSimpleResponses"])
		a.IdentitySource = identitySources(ext["identitySource"])
		a.AuthorizerResultTTLInSeconds = intAt(ext, "authorizerResultTtlInSeconds", 0)
		if a.AuthorizerURI == "" {
			return 0, fmt.Errorf("Lambda authorizer %s has no authorizerUri", name)
		}
	default:
		return 0, fmt.Errorf("authorizer %s has an unsupported type %q", name, stringAt(ext, "type"))
	}
	im.def.Authorizers = append(im.def.Authorizers, a)
	im.authz[name] = len(im.def.Authorizers) - 1
	return im.authz[name], nil
}

// identitySources reads identitySource as a list or as the comma-separated
// string the REST form uses.
func identitySources(v any) []string {
	if s, ok := v.(string); ok {
		var out []string
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	return stringsOf(v)
}

// parseIntegration reads an x-amazon-apigateway-integration object.
func parseIntegration(m map[string]any) (Integration, error) {
	in := Integration{
		IntegrationType:      strings.ToUpper(stringAt(m, "type")),
		IntegrationURI:       stringAt(m, "uri"),
		IntegrationMethod:    strings.ToUpper(stringAt(m, "httpMethod")),
		PayloadFormatVersion: stringAt(m, "payloadFormatVersion"),
		CredentialsARN:       stringAt(m, "credentials"),
		ConnectionType:       strings.ToUpper(stringAt(m, "connectionType")),
		TimeoutInMillis:      intAt(m, "timeoutInMillis", DefaultTimeoutMillis),
	}
	if in.ConnectionType == "" {
		in.ConnectionType = "INTERNET"
	}
	return in, in.validate()
}

// validate applies CreateIntegration's rules and fills its defaults.
func (in *Integration) validate() error {
	switch in.IntegrationType {
	case IntegrationAWSProxy:
		if in.PayloadFormatVersion == "" {
			in.PayloadFormatVersion = PayloadV2
		}
		if in.IntegrationMethod == "" {
			in.IntegrationMethod = "POST"
		}
	case IntegrationHTTPProxy:
		if in.PayloadFormatVersion == "" {
			in.PayloadFormatVersion = PayloadV1
		}
	case "":
		return fmt.Errorf("integration type is required")
	default:
		return fmt.Errorf("integration type %s is not supported for HTTP APIs", in.IntegrationType)
	}
	if in.PayloadFormatVersion != PayloadV1 && in.PayloadFormatVersion != PayloadV2 {
		return fmt.Errorf("payload format version %s is not one of 1.0, 2.0", in.PayloadFormatVersion)
	}
	if in.IntegrationURI == "" {
		return fmt.Errorf("integration uri is required")
	}
	if in.TimeoutInMillis == 0 {
		in.TimeoutInMillis = DefaultTimeoutMillis
	}
	if in.TimeoutInMillis < 50 || in.TimeoutInMillis > DefaultTimeoutMillis {
		return fmt.Errorf("timeout must be between 50 and 30000 milliseconds")
	}
	return nil
}

// FunctionARN is the Lambda function an AWS_PROXY integration calls: the
// URI is the function's ARN or API Gateway's
// arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations.
func (in *Integration) FunctionARN() (string, bool) {
	uri := in.IntegrationURI
	if strings.HasPrefix(uri, "arn:") && strings.Contains(uri, ":lambda:") && strings.Contains(uri, ":function:") && !strings.Contains(uri, "/") {
		return uri, true
	}
	_, rest, ok := strings.Cut(uri, ":lambda:path/2015-03-31/functions/")
	if !ok {
		return "", false
	}
	fn, ok := strings.CutSuffix(rest, "/invocations")
	if !ok || !strings.HasPrefix(fn, "arn:") || !strings.Contains(fn, ":function:") {
		return "", false
	}
	return fn, true
}

// parseCors reads x-amazon-apigateway-cors (or a CorsConfiguration map
// with either spelling of its keys).
func parseCors(v any) (*Cors, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("x-amazon-apigateway-cors must be an object")
	}
	get := func(k string) any {
		for mk, mv := range m {
			if strings.EqualFold(mk, k) {
				return mv
			}
		}
		return nil
	}
	c := &Cors{
		AllowCredentials: truthyBool(get("allowCredentials")),
		AllowHeaders:     stringsOf(get("allowHeaders")),
		AllowMethods:     stringsOf(get("allowMethods")),
		AllowOrigins:     stringsOf(get("allowOrigins")),
		ExposeHeaders:    stringsOf(get("exposeHeaders")),
	}
	if ma := get("maxAge"); ma != nil {
		n, err := toInt(ma)
		if err != nil || n < -1 || n > 86400 {
			return nil, fmt.Errorf("CORS maxAge must be an integer between -1 and 86400")
		}
		c.MaxAge = &n
	}
	if c.AllowCredentials && slices.Contains(c.AllowOrigins, "*") {
		// CreateApi: "allow-credentials is not supported with wildcard origin".
		return nil, fmt.Errorf("CORS allowCredentials can't be used with a wildcard origin")
	}
	return c, nil
}

// ParseCors reads a CorsConfiguration map (CloudFormation's property).
func ParseCors(v any) (*Cors, error) {
	c, err := parseCors(v)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	return c, nil
}

func httpVerb(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "get", "put", "post", "delete", "options", "head", "patch":
		return strings.ToUpper(key), true
	case "x-amazon-apigateway-any-method":
		return MethodAny, true
	}
	return "", false
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func stringAt(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case nil, map[string]any, []any:
		return ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		switch s := e.(type) {
		case string:
			out = append(out, s)
		case float64, bool, int:
			out = append(out, fmt.Sprint(s))
		}
	}
	return out
}

func intAt(m map[string]any, key string, def int) int {
	v, ok := m[key]
	if !ok || v == nil {
		return def
	}
	n, err := toInt(v)
	if err != nil {
		return def
	}
	return n
}

func toInt(v any) (int, error) {
	switch t := v.(type) {
	case float64:
		if t != float64(int(t)) {
			return 0, fmt.Errorf("not an integer")
		}
		return int(t), nil
	case int:
		return t, nil
	case int64:
		return int(t), nil
	case string:
		return strconv.Atoi(t)
	}
	return 0, fmt.Errorf("not an integer")
}

func truthyBool(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(t, "true")
	}
	return false
}
