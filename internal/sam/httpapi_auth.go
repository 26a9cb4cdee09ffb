package sam

import (
	"fmt"
	"maps"
	"slices"
)

// httpAuthProperties are the keys SAM accepts under an HttpApi's Auth.
var httpAuthProperties = []string{"Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"}

// httpAuthorizer is one entry of an HttpApi's authorizers: the built-in
// AWS_IAM one (EnableIamAuthorizer), or a JWT authorizer.
type httpAuthorizer struct {
	iam    bool
	scopes any
	jwt    any
	source any
	// lambda is a Lambda authorizer's security scheme (httpapi_lambdaauth.go).
	lambda map[string]any
}

// openAPI is the security scheme the translator writes for it
// (ApiGatewayV2Authorizer.generate_openapi).
func (a httpAuthorizer) openAPI() map[string]any {
	if a.iam {
		return map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
	}
	if a.lambda != nil {
		return a.lambda
	}
	ext := map[string]any{"jwtConfiguration": a.jwt, "type": "jwt"}
	if a.source != nil {
		ext["identitySource"] = a.source
	}
	return map[string]any{"type": "oauth2", "x-amazon-apigateway-authorizer": ext}
}

// httpAuthorizers reads Auth.Authorizers (and the AWS_IAM one when
// EnableIamAuthorizer is true).
func (x *translator) httpAuthorizers(id string, auth map[string]any) (map[string]httpAuthorizer, *samError) {
	out := map[string]httpAuthorizer{}
	if auth["EnableIamAuthorizer"] == true {
		out["AWS_IAM"] = httpAuthorizer{iam: true}
	}
	raw := auth["Authorizers"]
	if !truthy(raw) {
		return out, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, resourceError(id, "Property 'Auth.Authorizers' should be a map.")
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		a, ok := m[name].(map[string]any)
		if !ok {
			return nil, resourceError(id, fmt.Sprintf("Property 'Auth.Authorizers.%s' should be a map.", name))
		}
		if _, has := a["OpenIdConnectUrl"]; has {
			return nil, resourceError(id, fmt.Sprintf("'OpenIdConnectUrl' is no longer a supported property for authorizer '%s'. Please refer to the AWS SAM documentation.", name))
		}
		if err := checkV2Authorizer(id, name, a); err != nil {
			return nil, err
		}
		if !truthy(a["JwtConfiguration"]) {
			sc, err := x.lambdaOpenAPI(id, name, a)
			if err != nil {
				return nil, err
			}
			out[name] = httpAuthorizer{lambda: sc}
			continue
		}
		out[name] = httpAuthorizer{scopes: a["AuthorizationScopes"], jwt: a["JwtConfiguration"], source: a["IdentitySource"]}
	}
	return out, nil
}

// httpAPIAuth adds the security schemes and the default authorizer to the
// body, as HttpApiGenerator._add_auth does.
func (x *translator) httpAPIAuth(id string, p, body map[string]any) *samError {
	raw := x.resolveParams(p["Auth"])
	if !truthy(raw) {
		return nil
	}
	if body == nil {
		return resourceError(id, "Auth works only with inline OpenApi specified in the 'DefinitionBody' property.")
	}
	auth, ok := raw.(map[string]any)
	if !ok {
		return resourceError(id, "Invalid value for 'Auth' property")
	}
	for k := range auth {
		if !slices.Contains(httpAuthProperties, k) {
			return resourceError(id, "Invalid value for 'Auth' property")
		}
	}
	if !isValidOpenAPI(body) {
		return resourceError(id, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid OpenApi definition.")
	}
	authorizers, err := x.httpAuthorizers(id, auth)
	if err != nil {
		return err
	}
	if len(authorizers) > 0 {
		comps, _ := body["components"].(map[string]any)
		if comps == nil {
			comps = map[string]any{}
			body["components"] = comps
		}
		schemes, _ := comps["securitySchemes"].(map[string]any)
		if schemes == nil {
			schemes = map[string]any{}
		}
		for name, a := range authorizers {
			schemes[name] = a.openAPI()
		}
		comps["securitySchemes"] = schemes
	}
	def := auth["DefaultAuthorizer"]
	if !truthy(def) || isNoValue(def) {
		return nil
	}
	name, ok := def.(string)
	if !ok {
		return resourceError(id, "Property 'Auth.DefaultAuthorizer' should be a string.")
	}
	a, ok := authorizers[name]
	if !ok {
		return resourceError(id, "Unable to set DefaultAuthorizer because '"+name+"' was not defined in 'Authorizers'.")
	}
	paths, _ := body["paths"].(map[string]any)
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		for _, item := range conditionalContents(paths[path]) {
			im, ok := item.(map[string]any)
			if !ok {
				continue
			}
			for mname, md := range im {
				if nm := normalizeMethod(mname); nm == "parameters" || nm == "options" {
					continue
				}
				for _, d := range conditionalContents(md) {
					dm, ok := d.(map[string]any)
					if !ok || !truthy(dm[integrationKey]) || truthy(dm["security"]) {
						continue
					}
					dm["security"] = []any{map[string]any{name: scopesOf(a)}}
				}
			}
		}
	}
	return nil
}

func scopesOf(a httpAuthorizer) any {
	if l, ok := a.scopes.([]any); ok {
		return l
	}
	return []any{}
}

// httpEventAuth applies an HttpApi event's Auth to its route, with the
// translator's validations (HttpApi._add_auth_to_openapi_integration).
func (x *translator) httpEventAuth(fid, eid, apiID string, api, body, auth map[string]any, path, method string) *samError {
	apiAuth, _ := x.resolveParams(api["Auth"]).(map[string]any)
	if api["Auth"] != nil && apiAuth == nil {
		return resourceError(apiID, "Property 'Auth' should be a map.")
	}
	name := auth["Authorizer"]
	if !truthy(name) {
		if !truthy(apiAuth["DefaultAuthorizer"]) {
			return eventError(fid, eid, "'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.")
		}
		name = apiAuth["DefaultAuthorizer"]
		auth["Authorizer"] = name
	}
	authorizers, _ := apiAuth["Authorizers"].(map[string]any)
	iamEnabled := apiAuth["EnableIamAuthorizer"] == true
	s, isStr := name.(string)
	if s != "NONE" && !(s == "AWS_IAM" && iamEnabled) && (!isStr || authorizers == nil) {
		return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer [%v] on API method [%s] for path [%s]. The method authorizer must be a string with a corresponding dict entry in the api authorizer.", name, method, path))
	}
	switch {
	case s == "NONE":
		if !truthy(apiAuth["DefaultAuthorizer"]) {
			return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer on API method [%s] for path [%s] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.", method, path))
		}
	case s == "AWS_IAM" && iamEnabled:
	default:
		if len(authorizers) == 0 {
			return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer [%s] on API method [%s] for path [%s] because the related API does not define any Authorizers.", s, method, path))
		}
		if authorizers[s] == nil {
			return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer [%s] on API method [%s] for path [%s] because it wasn't defined in the API's Authorizers.", s, method, path))
		}
	}
	scopes := auth["AuthorizationScopes"]
	if truthy(scopes) {
		if _, ok := scopes.([]any); !ok {
			return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer on API method [%s] for path [%s] because 'AuthorizationScopes' must be a list of strings.", method, path))
		}
	}
	for _, md := range methodDefs(body, path, method) {
		entry := []any{}
		if s != "NONE" && s != "AWS_IAM" {
			a, _ := authorizers[s].(map[string]any)
			own := a["AuthorizationScopes"]
			if truthy(scopes) {
				own = scopes
			}
			if l, ok := own.([]any); ok && len(l) > 0 {
				entry = l
			}
		}
		existing, _ := md["security"].([]any)
		md["security"] = append(existing, map[string]any{s: entry})
	}
	return nil
}
