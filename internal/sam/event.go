package sam

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// functionEvents converts a function's Events: Api and HttpApi events
// become Lambda permissions and, for SAM-managed API bodies, aws_proxy
// integrations; AlexaSkill and S3 events are push sources (push_event.go).
func (x *translator) functionEvents(fid string, r map[string]any, attrs map[string]any, role *resource) ([]resource, *samError) {
	p := props(r)
	if p["Events"] == nil {
		return nil, nil
	}
	events, ok := p["Events"].(map[string]any)
	if !ok {
		return nil, resourceError(fid, "Property 'Events' should be a map.")
	}
	var out []resource
	cond, _ := r["Condition"].(string)
	for _, eid := range sortedEventIDs(events) {
		ev, ok := events[eid].(map[string]any)
		if !ok {
			return nil, eventError(fid, eid, "Event should be a map.")
		}
		typ, _ := ev["Type"].(string)
		ep, _ := ev["Properties"].(map[string]any)
		if typ == "HttpApi" {
			perm, err := x.httpAPIEvent(fid, eid, ep, attrs, cond)
			if err != nil {
				return nil, err
			}
			if perm != nil {
				out = append(out, *perm)
			}
			continue
		}
		switch typ {
		case "Api":
		case "AlexaSkill":
			out = append(out, x.alexaSkillEvent(fid, eid, ep, attrs))
			continue
		case "S3":
			perm, err := x.s3Event(fid, eid, ep, attrs, cond)
			if err != nil {
				return nil, err
			}
			out = append(out, perm)
			continue
		case "SQS", "Kinesis", "DynamoDB":
			esm, err := x.pullEvent(fid, eid, typ, ep, attrs, role)
			if err != nil {
				return nil, err
			}
			out = append(out, esm)
			continue
		case "Schedule", "CloudWatchEvent", "EventBridgeRule":
			rs, err := x.ruleEvent(fid, eid, typ, ep, attrs)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
			continue
		case "SNS":
			rs, err := x.snsEvent(fid, eid, ep, attrs, role)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
			continue
		default:
			return nil, eventError(fid, eid, fmt.Sprintf("Event type '%v' is not supported by iamgate's SAM transform.", ev["Type"]))
		}
		perm, err := x.apiEvent(fid, eid, ep, attrs, cond)
		if err != nil {
			return nil, err
		}
		out = append(out, perm)
	}
	return out, nil
}

// target is what fid's events invoke: its alias when it has one.
func (x *translator) target(fid string) target {
	if t, ok := x.targets[fid]; ok {
		return t
	}
	return target{fid: fid}
}

// sortedEventIDs orders events by their Path (or ID), as the translator does.
func sortedEventIDs(events map[string]any) []string {
	ids := slices.Sorted(maps.Keys(events))
	key := func(id string) string {
		if ev, ok := events[id].(map[string]any); ok {
			if ep, ok := ev["Properties"].(map[string]any); ok {
				if p, ok := ep["Path"].(string); ok {
					return p
				}
			}
		}
		return id
	}
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && key(ids[j]) < key(ids[j-1]); j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	return ids
}

func (x *translator) apiEvent(fid, eid string, ep, attrs map[string]any, cond string) (resource, *samError) {
	path, _ := ep["Path"].(string)
	method, _ := ep["Method"].(string)
	if ep["Path"] == nil || ep["Method"] == nil || ep["RestApiId"] == nil {
		missing := "Path"
		if ep["Path"] != nil {
			missing = "Method"
		}
		if ep["Path"] != nil && ep["Method"] != nil {
			missing = "RestApiId"
		}
		return resource{}, eventError(fid, eid, fmt.Sprintf("Missing required property '%s'.", missing))
	}
	apiID := restAPIIDString(ep["RestApiId"])
	id, isStr := apiID.(string)
	suffix := "AllStages"
	var api map[string]any
	if isStr {
		ar, ok := x.res[id].(map[string]any)
		if !ok {
			return resource{}, eventError(fid, eid, "RestApiId property of Api event must reference a valid resource in the same template.")
		}
		api = props(ar)
		switch s := api["StageName"].(type) {
		case string:
			if s == "" {
				return resource{}, resourceError(id, "StageName cannot be empty.")
			}
			suffix = s
		default:
			suffix = "Stage"
		}
	}
	method = strings.ToLower(method)
	perm := x.apiPermission(fid, eid, path, method, ep["RestApiId"], suffix, attrs)
	if api == nil {
		return perm, nil
	}
	if err := x.apiEventSwagger(fid, eid, id, api, ep, path, method, cond); err != nil {
		return resource{}, err
	}
	return perm, nil
}

// apiPermission lets API Gateway invoke the function for this method and
// path on any stage of the API.
func (x *translator) apiPermission(fid, eid, path, method string, apiRef any, suffix string, attrs map[string]any) resource {
	prefix := fid + eid + "Permission"
	id := prefix + suffix
	if !isAlnum(suffix) {
		id = prefix + hashID(suffix, 10)
	}
	m := strings.ToUpper(method)
	if m == "ANY" {
		m = "*"
	}
	arn := "arn:" + x.opts.Partition + ":execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/" + m + pathForArn(path)
	perm := newResource(id, "AWS::Lambda::Permission", attrs)
	perm.set("Action", "lambda:InvokeFunction")
	perm.set("FunctionName", x.target(fid).name())
	perm.set("Principal", "apigateway.amazonaws.com")
	perm.set("SourceArn", fnSub(arn, map[string]any{"__ApiId__": apiRef, "__Stage__": "*"}))
	return perm
}

// apiEventSwagger adds the event's integration and auth to a SAM-managed body.
func (x *translator) apiEventSwagger(fid, eid, apiID string, api, ep map[string]any, path, method, cond string) *samError {
	body, _ := api["DefinitionBody"].(map[string]any)
	methodAuth, _ := ep["Auth"].(map[string]any)
	if ep["Auth"] != nil && methodAuth == nil {
		return eventError(fid, eid, "Property 'Auth' should be a map.")
	}
	apiAuth, _ := x.resolveParams(api["Auth"]).(map[string]any)
	if api[manageSwagger] != nil && body != nil {
		if !isValidSwagger(body) {
			return eventError(fid, eid, "Invalid Swagger document or the Swagger document is not explicitly defined in 'DefinitionBody'.")
		}
		if hasIntegration(body, path, method) {
			return eventError(fid, eid, fmt.Sprintf("API method \"%s\" defined multiple times for path \"%s\".", method, path))
		}
		uri := fnSub("arn:"+x.opts.Partition+":apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"+x.target(fid).arnSub()+"/invocations", nil)
		in := integration{uri: uri, methodAuth: methodAuth, apiAuth: apiAuth, condition: cond}
		if err := x.addLambdaIntegration(body, path, method, in); err != nil {
			return eventError(fid, eid, err.Error())
		}
		if methodAuth != nil {
			if err := x.addAuthToMethod(fid, eid, body, api, apiAuth, methodAuth, path, method, api["StageName"]); err != nil {
				return err
			}
		}
		if t := ep["TimeoutInMillis"]; truthy(t) {
			for _, md := range methodDefs(body, path, method) {
				md[integrationKey].(map[string]any)["timeoutInMillis"] = t
			}
		}
		if err := addRequestParameters(fid, eid, body, path, method, ep["RequestParameters"]); err != nil {
			return err
		}
		return nil
	}
	if body != nil && methodAuth != nil && methodAuth["OverrideApiAuth"] == true {
		if methodAuth["Authorizer"] == nil && methodAuth["ApiKeyRequired"] == nil && methodAuth["ResourcePolicy"] == nil {
			return eventError(fid, eid, "Must define one of: Authorizer, ApiKeyRequired or ResourcePolicy when using the OverrideApiAuth property.")
		}
		return x.addAuthToMethod(fid, eid, body, api, apiAuth, methodAuth, path, method, api["StageName"])
	}
	return nil
}

// addAuthToMethod applies an event's Auth (Authorizer, ApiKeyRequired,
// ResourcePolicy) to its method, with the translator's validations.
func (x *translator) addAuthToMethod(fid, eid string, body, api, apiAuth, auth map[string]any, path, method string, stage any) *samError {
	name, _ := auth["Authorizer"].(string)
	authorizers, _ := apiAuth["Authorizers"].(map[string]any)
	if name != "" && name != "AWS_IAM" {
		if name != "NONE" {
			if len(authorizers) == 0 {
				return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer [%s] on API method [%s] for path [%s] because the related API does not define any Authorizers.", name, method, path))
			}
			if authorizers[name] == nil {
				return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer [%s] on API method [%s] for path [%s] because it wasn't defined in the API's Authorizers.", name, method, path))
			}
		} else if !truthy(apiAuth["DefaultAuthorizer"]) {
			return eventError(fid, eid, fmt.Sprintf("Unable to set Authorizer on API method [%s] for path [%s] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.", method, path))
		}
	}
	if truthy(auth["AuthorizationScopes"]) && name == "" {
		return eventError(fid, eid, "AuthorizationScopes works only when Authorizer is set")
	}
	keyReq, hasKey := auth["ApiKeyRequired"]
	if hasKey && keyReq != nil && !truthy(keyReq) && !truthy(apiAuth["ApiKeyRequired"]) {
		return eventError(fid, eid, fmt.Sprintf("Unable to set ApiKeyRequired [False] on API method [%s] for path [%s] because the related API does not specify any ApiKeyRequired.", method, path))
	}
	if name != "" {
		if err := setMethodAuthorizer(body, path, method, name, authorizers, auth["AuthorizationScopes"]); err != nil {
			return eventError(fid, eid, err.Error())
		}
	}
	if hasKey && keyReq != nil {
		setMethodAPIKey(body, path, method, truthy(keyReq))
	}
	if rp, ok := auth["ResourcePolicy"]; ok && truthy(rp) {
		rpm, ok := rp.(map[string]any)
		if !ok {
			return eventError(fid, eid, "Property 'Auth.ResourcePolicy' should be a map.")
		}
		if err := x.addResourcePolicy(body, rpm, path, stage); err != nil {
			return eventError(fid, eid, err.Error())
		}
		addCustomStatements(body, rpm["CustomStatements"])
	}
	return nil
}

var requestParamName = regexpMust(`^method\.request\.(querystring|path|header)\.`)

// addRequestParameters adds an event's RequestParameters to its method and
// integration, as the translator does.
func addRequestParameters(fid, eid string, body map[string]any, path, method string, v any) *samError {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	badKey := "Invalid value for 'RequestParameters' property. Keys must be in the format 'method.request.[querystring|path|header].{value}', e.g 'method.request.header.Authorization'."
	type param struct {
		name              string
		required, caching any
	}
	var params []param
	for _, e := range list {
		switch t := e.(type) {
		case string:
			if !requestParamName.MatchString(t) {
				return eventError(fid, eid, badKey)
			}
			params = append(params, param{t, false, false})
		case map[string]any:
			for name, val := range t {
				if !requestParamName.MatchString(name) {
					return eventError(fid, eid, badKey)
				}
				vm, ok := val.(map[string]any)
				if !ok || !onlyKeys(vm, "Required", "Caching") {
					return eventError(fid, eid, "Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }")
				}
				pr := param{name, false, false}
				if r, has := vm["Required"]; has {
					pr.required = r
				}
				if c, has := vm["Caching"]; has {
					pr.caching = c
				}
				params = append(params, pr)
				break
			}
		default:
			return eventError(fid, eid, "Invalid value for 'RequestParameters' property. Property must be either a string or an object")
		}
	}
	for _, md := range methodDefs(body, path, method) {
		existing, _ := md["parameters"].([]any)
		integ := md[integrationKey].(map[string]any)
		for _, pr := range params {
			short := strings.TrimPrefix(pr.name, "method.request.")
			loc, pname, _ := strings.Cut(short, ".")
			if loc == "querystring" {
				loc = "query"
			}
			existing = append(existing, map[string]any{"in": loc, "name": pname, "required": pr.required, "type": "string"})
			if truthy(pr.caching) {
				keys, _ := integ["cacheKeyParameters"].([]any)
				integ["cacheKeyParameters"] = append(keys, pr.name)
			}
		}
		md["parameters"] = existing
	}
	return nil
}

func onlyKeys(m map[string]any, allowed ...string) bool {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return false
		}
	}
	return true
}
