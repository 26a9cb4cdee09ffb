package sam

import (
	"maps"
	"regexp"
	"slices"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

var openAPIVersionFormat = regexp.MustCompile(`\A[2-3](\.\d)(\.\d)?$`)

// authProperties are the keys SAM accepts under an Api's Auth.
var authProperties = []string{"DefaultAuthorizer", "Authorizers", "AddDefaultAuthorizerToCorsPreflight",
	"ApiKeyRequired", "ResourcePolicy", "UsagePlan", "InvokeRole", "AddApiKeyRequiredToCorsPreflight"}

// translateAPI turns an AWS::Serverless::Api into a RestApi, a Deployment
// and a Stage.
func (x *translator) translateAPI(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	pass := pickAttrs(r, passthroughAttrs)
	rest := newResource(id, "AWS::ApiGateway::RestApi", pickAttrs(r, resourceAttrs))
	if err := x.restAPIBody(id, p, rest); err != nil {
		return nil, err
	}
	dep := newResource(id+"Deployment", "AWS::ApiGateway::Deployment", pass)
	dep.set("RestApiId", ref(id))
	if p["OpenApiVersion"] == nil {
		dep.set("StageName", "Stage")
	}
	stage := x.stage(id, p, pass)
	perms, err := x.authorizerPermissions(id, p, pass)
	if err != nil {
		return nil, err
	}
	if hashed := deploymentHashInput(rest, p); hashed != "" {
		sum := hashID(hashed, 40)
		dep.id += sum[:10]
		dep.set("Description", "RestApi deployment id: "+sum)
	}
	stage.set("DeploymentId", ref(dep.id))
	x.derive(id, "Stage", stage.id)
	x.derive(id, "Deployment", dep.id)
	return append([]resource{rest, dep, stage}, perms...), nil
}

// deploymentHashInput is what the Deployment ID hashes: the body (or its S3
// location) and the OpenApiVersion, in canonical JSON (see doc.go).
func deploymentHashInput(rest resource, p map[string]any) string {
	src := rest.props["Body"]
	if src == nil {
		src = rest.props["BodyS3Location"]
	}
	if src == nil {
		return ""
	}
	in := canonicalJSON(src)
	if v := p["OpenApiVersion"]; v != nil {
		in += "||" + pyStr(v)
	}
	if d := p["Domain"]; d != nil {
		in += "||" + canonicalJSON(d)
	}
	return in
}

func (x *translator) stage(id string, p, attrs map[string]any) resource {
	name, _ := p["StageName"].(string)
	sid := id + name + "Stage"
	if !isAlnum(name) {
		sid = id + "Stage" + hashID(name, 10)
	}
	st := newResource(sid, "AWS::ApiGateway::Stage", attrs)
	st.set("RestApiId", ref(id))
	st.set("StageName", p["StageName"])
	for _, k := range []string{"CacheClusterEnabled", "CacheClusterSize", "Variables", "MethodSettings",
		"AccessLogSetting", "CanarySetting", "TracingEnabled"} {
		st.set(k, p[k])
	}
	if tags, ok := p["Tags"].(map[string]any); ok {
		st.set("Tags", tagList(tags))
	}
	return st
}

// restAPIBody sets the RestApi properties that come from the SAM Api,
// including Body (with auth applied) or BodyS3Location.
func (x *translator) restAPIBody(id string, p map[string]any, rest resource) *samError {
	body, _ := p["DefinitionBody"].(map[string]any)
	uri := p["DefinitionUri"]
	if uri != nil && body != nil {
		return resourceError(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.")
	}
	if v := p["OpenApiVersion"]; v != nil && !openAPIVersionFormat.MatchString(pyStr(v)) {
		return resourceError(id, "The OpenApiVersion value must be of the format '3.0.0'.")
	}
	rest.set("BinaryMediaTypes", p["BinaryMediaTypes"])
	rest.set("MinimumCompressionSize", p["MinimumCompressionSize"])
	if ec := p["EndpointConfiguration"]; ec != nil {
		setEndpointConfiguration(rest, ec)
	}
	if err := x.addCors(id, p, body); err != nil {
		return err
	}
	var err *samError
	if body, err = x.addAuth(id, p, body); err != nil {
		return err
	}
	if truthy(p["FailOnWarnings"]) {
		rest.set("FailOnWarnings", p["FailOnWarnings"])
	}
	switch {
	case uri != nil:
		loc, err := s3Location(id, "DefinitionUri", uri)
		if err != nil {
			if _, isMap := uri.(map[string]any); !isMap {
				return resourceError(id, "'DefinitionUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.")
			}
			return err
		}
		s3 := map[string]any{"Bucket": loc["Bucket"], "Key": loc["Key"]}
		if v, has := loc["Version"]; has {
			s3["Version"] = v
		}
		rest.set("BodyS3Location", s3)
	case body != nil:
		delete(p, manageSwagger)
		body = openAPIPostprocess(body, p["OpenApiVersion"])
		rest.set("Body", body)
	}
	for _, k := range []string{"Name", "Description", "Mode", "ApiKeySourceType", "Policy", "SecurityPolicy", "EndpointAccessMode"} {
		if truthy(p[k]) {
			rest.set(k, p[k])
		}
	}
	return nil
}

func setEndpointConfiguration(rest resource, v any) {
	if m, ok := v.(map[string]any); ok && truthy(m["Type"]) {
		rest.set("Parameters", map[string]any{"endpointConfigurationTypes": m["Type"]})
		ec := map[string]any{"Types": []any{m["Type"]}}
		for _, k := range []string{"VPCEndpointIds", "VpcEndpointIds"} {
			if ids, has := m[k]; has {
				ec["VpcEndpointIds"] = ids
			}
		}
		if ip, has := m["IpAddressType"]; has {
			ec["IpAddressType"] = ip
		}
		rest.set("EndpointConfiguration", ec)
		return
	}
	rest.set("EndpointConfiguration", map[string]any{"Types": []any{v}})
	rest.set("Parameters", map[string]any{"endpointConfigurationTypes": v})
}

// addAuth applies Auth (DefaultAuthorizer, ApiKeyRequired, ResourcePolicy)
// to every path of the body, as ApiGenerator._add_auth does.
func (x *translator) addAuth(id string, p map[string]any, body map[string]any) (map[string]any, *samError) {
	if p["Auth"] == nil {
		return body, nil
	}
	auth, ok := x.resolveParams(p["Auth"]).(map[string]any)
	if !ok {
		return nil, resourceError(id, "Property 'Auth' should be a map.")
	}
	if len(auth) == 0 {
		return body, nil
	}
	if body == nil {
		return nil, resourceError(id, "Auth works only with inline Swagger specified in 'DefinitionBody' property.")
	}
	for k := range auth {
		if !slices.Contains(authProperties, k) {
			return nil, resourceError(id, "Invalid value for 'Auth' property")
		}
	}
	if !isValidSwagger(body) {
		return nil, resourceError(id, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.")
	}
	def := auth["DefaultAuthorizer"]
	authorizers, schemes, err := x.authorizerSet(id, auth)
	if err != nil {
		return nil, err
	}
	paths := slices.Sorted(maps.Keys(body["paths"].(map[string]any)))
	if len(authorizers) > 0 {
		sd := securityDefs(body)
		for name, sc := range schemes {
			sd[name] = sc
		}
		if def != nil {
			name, ok := def.(string)
			if !ok {
				return nil, resourceError(id, "Property 'Auth.DefaultAuthorizer' should be a string.")
			}
			if _, known := authorizers[name]; !known {
				return nil, resourceError(id, "Unable to set DefaultAuthorizer because '"+name+"' was not defined in 'Authorizers'.")
			}
			preflight := auth["AddDefaultAuthorizerToCorsPreflight"] != false
			for _, path := range paths {
				if err := setPathDefaultAuthorizer(body, path, name, authorizers, preflight); err != nil {
					return nil, templateError(err.Error())
				}
			}
		}
	}
	// Without authorizers the translator checks no DefaultAuthorizer
	// (ApiGenerator._get_authorizers returns None).
	if truthy(auth["ApiKeyRequired"]) {
		addAPIKeySecurityDefinition(body)
		options := auth["AddApiKeyRequiredToCorsPreflight"] != false
		for _, path := range paths {
			setPathDefaultAPIKey(body, path, options)
		}
	}
	if rp, has := auth["ResourcePolicy"]; has && truthy(rp) {
		rpm, ok := rp.(map[string]any)
		if !ok {
			return nil, templateError("ResourcePolicy must be a map (ResourcePolicyStatement).")
		}
		for _, path := range paths {
			if err := x.addResourcePolicy(body, rpm, path, p["StageName"]); err != nil {
				return nil, templateError(err.Error())
			}
		}
		addCustomStatements(body, rpm["CustomStatements"])
	}
	return openAPIPostprocess(body, p["OpenApiVersion"]), nil
}

// authorizerSet returns the API's authorizers by name (their Auth
// configuration, which the security blocks read scopes from) and their
// security schemes; DefaultAuthorizer AWS_IAM adds AWS_IAM, as the
// translator's _get_authorizers does.
func (x *translator) authorizerSet(id string, auth map[string]any) (map[string]any, map[string]any, *samError) {
	out, schemes := map[string]any{}, map[string]any{}
	if auth["DefaultAuthorizer"] == "AWS_IAM" {
		out["AWS_IAM"], schemes["AWS_IAM"] = map[string]any{}, awsIAMScheme()
	}
	list, err := readAuthorizers(id, auth)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range list {
		sc, err := a.swagger(id, x.opts.Partition)
		if err != nil {
			return nil, nil, err
		}
		out[a.name], schemes[a.name] = a.cfg, sc
	}
	return out, schemes, nil
}
