package sam

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

const (
	typeHTTPAPI         = "AWS::Serverless::HttpApi"
	implicitHTTPAPI     = "ServerlessHttpApi"
	implicitHTTPAPICond = "ServerlessHttpApiCondition"
	defaultStage        = "$default"
	httpAPITag          = "httpapi:createdBy"
)

// openAPISkeleton is the empty document SAM starts a managed HTTP API from.
func openAPISkeleton() map[string]any {
	return map[string]any{
		"openapi": "3.0.1",
		"info":    map[string]any{"version": "1.0", "title": ref("AWS::StackName")},
		"paths":   map[string]any{},
	}
}

// isValidOpenAPI is the translator's OpenApiEditor.is_valid: a paths map
// and an openapi 3.x version.
func isValidOpenAPI(body any) bool {
	m, ok := body.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	if _, ok := m["paths"].(map[string]any); !ok {
		return false
	}
	s, ok := m["openapi"].(string)
	return ok && openAPI3.MatchString(s)
}

// implicitHTTPAPIs creates ServerlessHttpApi for HttpApi events without
// ApiId and adds every event's route to the managed bodies, as
// ImplicitHttpApiPlugin does.
func (x *translator) implicitHTTPAPIs() []*samError {
	if prev, ok := x.res[implicitHTTPAPI]; ok {
		if x.hadImplicit == nil {
			x.hadImplicit = map[string]any{}
		}
		x.hadImplicit[implicitHTTPAPI] = deepCopy(prev)
	}
	x.res[implicitHTTPAPI] = map[string]any{
		"Type":       typeHTTPAPI,
		"Properties": map[string]any{"DefinitionBody": openAPISkeleton(), manageSwagger: true},
	}
	errs := x.eachEventSource(x.implicitHTTPEvents, typeFunction)
	x.settleImplicit(implicitHTTPAPI, implicitHTTPAPICond, typeHTTPAPI)
	return errs
}

func (x *translator) implicitHTTPEvents(fid string, r map[string]any) *samError {
	p, _ := r["Properties"].(map[string]any)
	events, _ := p["Events"].(map[string]any)
	cond, _ := r["Condition"].(string)
	del, _ := r["DeletionPolicy"].(string)
	repl, _ := r["UpdateReplacePolicy"].(string)
	for _, eid := range slices.Sorted(maps.Keys(events)) {
		ev, _ := events[eid].(map[string]any)
		if ev == nil || ev["Type"] != "HttpApi" {
			continue
		}
		raw, has := ev["Properties"]
		ep, ok := raw.(map[string]any)
		if has && raw != nil && !ok {
			return eventError(fid, eid, "Properties should be a map.")
		}
		if ep == nil {
			ep = map[string]any{}
			ev["Properties"] = ep
		}
		if _, has := ep["ApiId"]; !has {
			ep["ApiId"] = ref(implicitHTTPAPI)
		}
		if !truthy(ep["Path"]) && !truthy(ep["Method"]) {
			ep["Path"], ep["Method"] = defaultStage, "x-amazon-apigateway-any-method"
		}
		id, path, method, err := apiEventRoute(fid, eid, "ApiId", ep)
		if err != nil {
			return err
		}
		x.recordAPIEvent(id, path, method, cond, del, repl)
		if err := x.addHTTPAPIPath(fid, eid, id, path, method); err != nil {
			return err
		}
		if _, has := ep["RouteSettings"]; has {
			if err := x.addEventRouteSettings(fid, eid, id, path, method, ep["RouteSettings"], cond); err != nil {
				return err
			}
		}
	}
	return nil
}

// addHTTPAPIPath adds an empty route to a SAM-managed HTTP API body.
func (x *translator) addHTTPAPIPath(fid, eid, api, path, method string) *samError {
	r, ok := x.res[api].(map[string]any)
	if !ok {
		return resourceError(fid, "Event with id ["+eid+"] is invalid. ApiId must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same template.")
	}
	p, _ := r["Properties"].(map[string]any)
	body, _ := p["DefinitionBody"].(map[string]any)
	if !isValidOpenAPI(body) || p[manageSwagger] == nil {
		return nil
	}
	addEmptyOperation(body, path, method)
	return nil
}

// addEventRouteSettings merges an event's RouteSettings into its API's,
// keyed by route ("GET /path", or the path alone for ANY).
func (x *translator) addEventRouteSettings(fid, eid, api, path, method string, v any, cond string) *samError {
	r, _ := x.res[api].(map[string]any)
	p := props(r)
	all, _ := p["RouteSettings"].(map[string]any)
	if p["RouteSettings"] != nil && all == nil {
		return resourceError(api, "Property 'RouteSettings' should be a map.")
	}
	if all == nil {
		all = map[string]any{}
	}
	settings, ok := v.(map[string]any)
	if !ok {
		return eventError(fid, eid, "Property 'RouteSettings' should be a map.")
	}
	route := strings.ToUpper(method) + " " + path
	if method == "x-amazon-apigateway-any-method" {
		route = path
	}
	cur, _ := all[route].(map[string]any)
	if cur == nil {
		cur = map[string]any{}
	}
	if cond != "" {
		all[route] = mergeMaps(cur, makeConditional(cond, settings))
	} else {
		all[route] = mergeMaps(cur, settings)
	}
	p["RouteSettings"] = all
	return nil
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := copyMap(a)
	for k, v := range b {
		out[k] = v
	}
	return out
}

// httpAPIProperties are the AWS::Serverless::HttpApi properties SAM knows.
var httpAPIProperties = []string{"Auth", "AccessLogSettings", "CorsConfiguration", "DefaultRouteSettings", "DefinitionBody",
	"DefinitionUri", "Description", "DisableExecuteApiEndpoint", "Domain", "FailOnWarnings", "Name", "PropagateTags",
	"RouteSettings", "StageName", "StageVariables", "Tags", manageSwagger}

// translateHTTPAPI turns an AWS::Serverless::HttpApi into an
// AWS::ApiGatewayV2::Api with the OpenAPI body SAM edits (CORS, auth,
// tags, title, description) and an auto-deploy Stage.
func (x *translator) translateHTTPAPI(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if !slices.Contains(httpAPIProperties, k) {
			return nil, resourceError(id, fmt.Sprintf("property %s not defined for resource of type %s", k, typeHTTPAPI))
		}
	}
	if p["Domain"] != nil {
		return nil, resourceError(id, "Domain (custom domain names) of AWS::Serverless::HttpApi is not supported by iamgate's SAM transform.")
	}
	body, _ := deepCopy(p["DefinitionBody"]).(map[string]any)
	if p["DefinitionBody"] != nil && p["DefinitionUri"] != nil {
		return nil, resourceError(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.")
	}
	api := newResource(id, "AWS::ApiGatewayV2::Api", pickAttrs(r, resourceAttrs))
	steps := []func(string, map[string]any, map[string]any) *samError{
		x.httpAPICors, x.httpAPIAuth, x.httpAPITags, x.httpAPIEndpoint, x.httpAPITitle, x.httpAPIDescription,
	}
	for _, step := range steps {
		if err := step(id, p, body); err != nil {
			return nil, err
		}
	}
	if v := p["FailOnWarnings"]; truthy(v) {
		api.set("FailOnWarnings", v)
		if paths, ok := body["paths"].(map[string]any); ok {
			if item, has := paths[defaultStage]; has {
				delete(paths, defaultStage)
				paths["/"+defaultStage] = item
			}
		}
	}
	switch {
	case p["DefinitionUri"] != nil:
		loc, err := bodyS3Location(id, p["DefinitionUri"])
		if err != nil {
			return nil, err
		}
		api.set("BodyS3Location", loc)
	case body != nil:
		api.set("Body", body)
	default:
		return nil, resourceError(id, "'DefinitionUri' or 'DefinitionBody' are required properties of an 'AWS::Serverless::HttpApi'. Add a value for one of these properties or add a 'HttpApi' event to an 'AWS::Serverless::Function'.")
	}
	out := []resource{api}
	if st := x.httpAPIStage(id, r, p); st != nil {
		out = append(out, *st)
	}
	return append(out, x.httpAuthorizerPermissions(id, r, p)...), nil
}

func (x *translator) httpAPIStage(id string, r, p map[string]any) *resource {
	name := p["StageName"]
	if name == nil || name == "" {
		name = defaultStage
	}
	prefix, _ := name.(string)
	var sid string
	switch {
	case prefix != "" && isAlnum(prefix):
		sid = id + prefix + "Stage"
	case prefix == defaultStage:
		sid = id + "ApiGatewayDefaultStage"
	default:
		sid = id + "Stage" + hashID(prefix, 10)
	}
	st := newResource(sid, "AWS::ApiGatewayV2::Stage", pickAttrs(r, passthroughAttrs))
	st.set("ApiId", ref(id))
	st.set("StageName", name)
	st.set("StageVariables", p["StageVariables"])
	st.set("AccessLogSettings", p["AccessLogSettings"])
	st.set("DefaultRouteSettings", p["DefaultRouteSettings"])
	st.set("Tags", x.stageTags(p))
	st.set("AutoDeploy", true)
	st.set("RouteSettings", p["RouteSettings"])
	x.derive(id, "Stage", sid)
	return &st
}

// stageTags are the API's Tags plus SAM's httpapi:createdBy, when the API
// has a body SAM could tag.
func (x *translator) stageTags(p map[string]any) any {
	tags, _ := p["Tags"].(map[string]any)
	if !isValidOpenAPI(p["DefinitionBody"]) {
		if tags == nil {
			return nil
		}
		return tags
	}
	out := copyMap(tags)
	out[httpAPITag] = "SAM"
	return out
}

func bodyS3Location(id string, v any) (map[string]any, *samError) {
	if m, ok := v.(map[string]any); ok {
		if !truthy(m["Bucket"]) || !truthy(m["Key"]) {
			return nil, resourceError(id, "'DefinitionUri' requires Bucket and Key properties to be specified.")
		}
		out := map[string]any{"Bucket": m["Bucket"], "Key": m["Key"]}
		if v, has := m["Version"]; has {
			out["Version"] = v
		}
		return out, nil
	}
	s, _ := v.(string)
	rest, ok := strings.CutPrefix(s, "s3://")
	bucket, key, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || bucket == "" || key == "" {
		return nil, resourceError(id, "'DefinitionUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.")
	}
	out := map[string]any{"Bucket": bucket}
	if k, q, has := strings.Cut(key, "?versionId="); has {
		out["Key"], out["Version"] = k, q
	} else {
		out["Key"] = key
	}
	return out, nil
}

// httpAPICors writes CorsConfiguration as x-amazon-apigateway-cors.
func (x *translator) httpAPICors(id string, p, body map[string]any) *samError {
	c := p["CorsConfiguration"]
	if !truthy(c) {
		return nil
	}
	if body == nil {
		return resourceError(id, "Cors works only with inline OpenApi specified in 'DefinitionBody' property.")
	}
	keys := []string{"AllowMethods", "AllowHeaders", "AllowOrigins", "MaxAge", "ExposeHeaders", "AllowCredentials"}
	conf := map[string]any{}
	switch t := c.(type) {
	case bool:
		conf["AllowOrigins"] = []any{"*"}
	case map[string]any:
		if isIntrinsic(t) {
			return resourceError(id, "CorsConfiguration given as an intrinsic function is not supported by iamgate's SAM transform.")
		}
		for k := range t {
			if !slices.Contains(keys, k) {
				return resourceError(id, fmt.Sprintf("Invalid key '%s' for 'Cors' property.", k))
			}
		}
		conf = t
	default:
		return resourceError(id, "Invalid value for 'Cors' property.")
	}
	if !isValidOpenAPI(body) {
		return resourceError(id, "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid OpenApi definition.")
	}
	if conf["AllowCredentials"] == true {
		// The translator's check compares with ["*"] only: unset passes, whatever its message says.
		if o, _ := conf["AllowOrigins"].([]any); len(o) == 1 && o[0] == "*" {
			return resourceError(id, "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set.")
		}
	}
	cors, _ := body["x-amazon-apigateway-cors"].(map[string]any)
	if body["x-amazon-apigateway-cors"] != nil && cors == nil {
		return resourceError(id, "Value of 'x-amazon-apigateway-cors' must be a dictionary according to Swagger spec.")
	}
	if cors == nil {
		cors = map[string]any{}
	}
	for _, k := range []string{"AllowOrigins", "AllowHeaders", "AllowMethods", "ExposeHeaders"} {
		if truthy(conf[k]) {
			cors[lowerFirst(k)] = conf[k]
		}
	}
	if v, has := conf["MaxAge"]; has && v != nil {
		cors["maxAge"] = v
	}
	if conf["AllowCredentials"] == true {
		cors["allowCredentials"] = true
	}
	body["x-amazon-apigateway-cors"] = cors
	return nil
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// httpAPITags adds the Tags and SAM's httpapi:createdBy to the body's tags.
func (x *translator) httpAPITags(id string, p, body map[string]any) *samError {
	tags, _ := p["Tags"].(map[string]any)
	if len(tags) > 0 && body == nil {
		return resourceError(id, "Tags works only with inline OpenApi specified in the 'DefinitionBody' property.")
	}
	if body == nil || !isValidOpenAPI(body) {
		if len(tags) > 0 && body != nil {
			return resourceError(id, "Unable to add `Tags` because 'DefinitionBody' does not contain a valid OpenApi definition.")
		}
		return nil
	}
	list, _ := body["tags"].([]any)
	if body["tags"] != nil && list == nil {
		return resourceError(id, "Tags in OpenApi DefinitionBody needs to be a list.")
	}
	all := copyMap(tags)
	all[httpAPITag] = "SAM"
	for _, name := range slices.Sorted(maps.Keys(all)) {
		found := false
		for _, t := range list {
			if tm, ok := t.(map[string]any); ok && tm["name"] == name {
				tm["x-amazon-apigateway-tag-value"], found = all[name], true
			}
		}
		if !found {
			list = append(list, map[string]any{"name": name, "x-amazon-apigateway-tag-value": all[name]})
		}
	}
	body["tags"] = list
	return nil
}

func (x *translator) httpAPIEndpoint(id string, p, body map[string]any) *samError {
	v, has := p["DisableExecuteApiEndpoint"]
	if !has || v == nil {
		return nil
	}
	if body == nil {
		return resourceError(id, "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.")
	}
	servers, _ := body["servers"].([]any)
	if len(servers) == 0 {
		servers = []any{map[string]any{"x-amazon-apigateway-endpoint-configuration": map[string]any{"disableExecuteApiEndpoint": v}}}
	} else {
		for _, s := range servers {
			if sm, ok := s.(map[string]any); ok {
				ec, _ := sm["x-amazon-apigateway-endpoint-configuration"].(map[string]any)
				if ec == nil {
					ec = map[string]any{}
				}
				ec["disableExecuteApiEndpoint"] = v
				sm["x-amazon-apigateway-endpoint-configuration"] = ec
			}
		}
	}
	body["servers"] = servers
	return nil
}

func (x *translator) httpAPITitle(id string, p, body map[string]any) *samError {
	name := p["Name"]
	if !truthy(name) {
		return nil
	}
	if body == nil {
		return resourceError(id, "Name works only with inline OpenApi specified in the 'DefinitionBody' property.")
	}
	info, _ := body["info"].(map[string]any)
	if t, ok := info["title"].(map[string]any); !ok || t["Ref"] != "AWS::StackName" || len(t) != 1 {
		return resourceError(id, "Unable to set Name because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.")
	}
	info["title"] = name
	return nil
}

func (x *translator) httpAPIDescription(id string, p, body map[string]any) *samError {
	d := p["Description"]
	if !truthy(d) {
		return nil
	}
	if body == nil {
		return resourceError(id, "Description works only with inline OpenApi specified in the 'DefinitionBody' property.")
	}
	info, _ := body["info"].(map[string]any)
	if truthy(info["description"]) {
		return resourceError(id, "Unable to set Description because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.")
	}
	if info == nil {
		info = map[string]any{}
		body["info"] = info
	}
	info["description"] = d
	return nil
}
