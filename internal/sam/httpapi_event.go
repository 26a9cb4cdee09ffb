package sam

import (
	"fmt"
	"regexp"
	"strings"
)

// httpAPIEvent converts one HttpApi event: a Lambda permission for the
// route and, in the API's body, the route's aws_proxy integration
// (payload 2.0), path parameters, timeout, payload version and auth, as
// the translator's HttpApi event source does.
func (x *translator) httpAPIEvent(fid, eid string, ep, attrs map[string]any, cond string) (*resource, *samError) {
	if ep == nil {
		return nil, eventError(fid, eid, "Properties should be a map.")
	}
	apiRef := ep["ApiId"]
	id, ok := restAPIIDString(apiRef).(string)
	if !ok {
		return nil, eventError(fid, eid, "Property 'ApiId' should be a string.")
	}
	ar, ok := x.res[id].(map[string]any)
	if !ok {
		return nil, eventError(fid, eid, "ApiId must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same template.")
	}
	api := props(ar)
	path, _ := ep["Path"].(string)
	method, _ := ep["Method"].(string)
	method = strings.ToLower(method)
	body, _ := api["DefinitionBody"].(map[string]any)
	var perm *resource
	if !(path != defaultStage && body != nil && defaultRouteIsFunction(body, fid)) {
		p := x.httpAPIPermission(fid, eid, path, method, apiRef, attrs)
		perm = &p
	}
	if body == nil {
		return perm, nil
	}
	if api[manageSwagger] != nil && hasIntegration(body, path, method) {
		return nil, eventError(fid, eid, fmt.Sprintf("API method '%s' defined multiple times for path '%s'.", method, path))
	}
	uri := fnSub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${"+fid+".Arn}/invocations", nil)
	addHTTPIntegration(body, path, method, uri, cond)
	if auth, has := ep["Auth"]; has && truthy(auth) {
		am, ok := auth.(map[string]any)
		if !ok {
			return nil, eventError(fid, eid, "Property 'Auth' should be a map.")
		}
		if err := x.httpEventAuth(fid, eid, id, api, body, am, path, method); err != nil {
			return nil, err
		}
	}
	mds := methodDefs(body, path, method)
	if t := ep["TimeoutInMillis"]; truthy(t) {
		for _, md := range mds {
			md[integrationKey].(map[string]any)["timeoutInMillis"] = t
		}
	}
	if params := pathParams.FindAllStringSubmatch(path, -1); len(params) > 0 {
		for _, md := range mds {
			addPathParameters(md, params)
		}
	}
	if v := ep["PayloadFormatVersion"]; truthy(v) {
		for _, md := range mds {
			md[integrationKey].(map[string]any)["payloadFormatVersion"] = v
		}
	}
	return perm, nil
}

var pathParams = regexp.MustCompile(`{(.*?)}`)

func addPathParameters(md map[string]any, params [][]string) {
	list, _ := md["parameters"].([]any)
	for _, m := range params {
		name := m[1]
		found := false
		for _, p := range list {
			if pm, ok := p.(map[string]any); ok && pm["name"] == name {
				pm["in"], pm["required"], found = "path", true, true
			}
		}
		if !found {
			list = append(list, map[string]any{"name": name, "in": "path", "required": true})
		}
	}
	md["parameters"] = list
}

// addHTTPIntegration is OpenApiEditor.add_lambda_integration: the route gets
// an aws_proxy integration unless it has one.
func addHTTPIntegration(body map[string]any, path, method string, uri any, cond string) {
	if hasIntegration(body, path, method) {
		return
	}
	m := normalizeMethod(method)
	paths := body["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	if item == nil {
		item = map[string]any{}
		paths[path] = item
	}
	if cond != "" {
		uri = makeConditional(cond, uri)
	}
	for _, pi := range conditionalContents(item) {
		pm, ok := pi.(map[string]any)
		if !ok {
			continue
		}
		md, _ := pm[m].(map[string]any)
		if md == nil {
			md = map[string]any{}
		}
		md[integrationKey] = map[string]any{"type": "aws_proxy", "httpMethod": "POST", "payloadFormatVersion": "2.0", "uri": uri}
		if path == defaultStage && m == "x-amazon-apigateway-any-method" {
			md["isDefaultRoute"] = true
		}
		if _, has := md["responses"]; !has {
			md["responses"] = map[string]any{}
		}
		if cond != "" {
			pm[m] = makeConditional(cond, md)
		} else {
			pm[m] = md
		}
	}
}

// defaultRouteIsFunction reports whether the body's $default route already
// integrates function fid: its permission covers every route then.
func defaultRouteIsFunction(body map[string]any, fid string) bool {
	for _, md := range methodDefs(body, defaultStage, "x-amazon-apigateway-any-method") {
		in, _ := md[integrationKey].(map[string]any)
		sub, _ := in["uri"].(map[string]any)
		if s, ok := sub["Fn::Sub"].(string); ok && strings.Contains(s, "${"+fid+".Arn}") {
			return true
		}
	}
	return false
}

// httpAPIPermission lets API Gateway invoke the function for the route on
// any stage; the $default route's permission covers every path.
func (x *translator) httpAPIPermission(fid, eid, path, method string, apiRef any, attrs map[string]any) resource {
	p := path
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		p = strings.TrimSuffix(p, "/")
	}
	if p == defaultStage {
		p = ""
	}
	p = pathForArn(p)
	m := strings.ToUpper(method)
	if method == "any" || method == "x-amazon-apigateway-any-method" {
		m = "*"
	}
	resourcePart := "${__ApiId__}/${__Stage__}/" + m + p
	if method == "any" && p == "/"+defaultStage {
		resourcePart = "${__ApiId__}/${__Stage__}" + p
	}
	perm := newResource(fid+eid+"Permission", "AWS::Lambda::Permission", attrs)
	perm.set("Action", "lambda:InvokeFunction")
	perm.set("FunctionName", ref(fid))
	perm.set("Principal", "apigateway.amazonaws.com")
	perm.set("SourceArn", fnSub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"+resourcePart,
		map[string]any{"__ApiId__": apiRef, "__Stage__": "*"}))
	return perm
}
