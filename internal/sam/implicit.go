package sam

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const (
	implicitAPI     = "ServerlessRestApi"
	implicitAPICond = "ServerlessRestApiCondition"
	manageSwagger   = "__MANAGE_SWAGGER"
)

// swaggerSkeleton is the empty document SAM starts a managed API from.
func swaggerSkeleton() map[string]any {
	return map[string]any{
		"swagger": "2.0",
		"info":    map[string]any{"version": "1.0", "title": ref("AWS::StackName")},
		"paths":   map[string]any{},
	}
}

// addDefaultBodies gives every resource of type typ (Api, HttpApi) without
// a definition a skeleton body that SAM manages (its events add the paths),
// as DefaultDefinitionBodyPlugin does.
func (x *translator) addDefaultBodies(typ string, skeleton func() map[string]any) {
	for _, id := range slices.Sorted(maps.Keys(x.res)) {
		r, _ := x.res[id].(map[string]any)
		if r["Type"] != typ {
			continue
		}
		p := props(r)
		if truthy(p["DefinitionBody"]) || truthy(p["DefinitionUri"]) {
			continue
		}
		p["DefinitionBody"] = skeleton()
		p[manageSwagger] = true
	}
}

// eachEventSource runs events over every resource of the given types, in
// logical id order, and gathers the errors.
func (x *translator) eachEventSource(events func(fid string, r map[string]any) *samError, types ...string) []*samError {
	var errs []*samError
	for _, fid := range slices.Sorted(maps.Keys(x.res)) {
		r, _ := x.res[fid].(map[string]any)
		if t, _ := r["Type"].(string); !slices.Contains(types, t) {
			continue
		}
		if err := events(fid, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// settleImplicit finishes the implicit API api once its events are in: its
// condition (cond names a combined one) and policies, the conditions of the
// managed paths of the APIs of type typ, and its removal when no event gave
// it a path.
func (x *translator) settleImplicit(api, cond, typ string) {
	x.implicitAttributesOf(api, cond)
	x.implicitPathConditionsOf(typ)
	x.maybeRemoveImplicitOf(api)
}

// implicitAPI creates ServerlessRestApi for Api events without RestApiId,
// adds every event's path to the managed bodies, and carries the functions'
// conditions and deletion policies over to the implicit API.
func (x *translator) implicitAPI() []*samError {
	if prev, ok := x.res[implicitAPI]; ok {
		x.hadImplicit = map[string]any{implicitAPI: deepCopy(prev)}
	}
	x.res[implicitAPI] = map[string]any{
		"Type":       typeAPI,
		"Properties": map[string]any{"StageName": "Prod", "DefinitionBody": swaggerSkeleton(), manageSwagger: true},
	}
	errs := x.eachEventSource(x.implicitEvents, typeFunction, typeStateMachine)
	x.settleImplicit(implicitAPI, implicitAPICond, typeAPI)
	return errs
}

func (x *translator) implicitEvents(fid string, r map[string]any) *samError {
	p, _ := r["Properties"].(map[string]any)
	events, _ := p["Events"].(map[string]any)
	cond, _ := r["Condition"].(string)
	del, _ := r["DeletionPolicy"].(string)
	repl, _ := r["UpdateReplacePolicy"].(string)
	for _, eid := range slices.Sorted(maps.Keys(events)) {
		ev, _ := events[eid].(map[string]any)
		if ev == nil || ev["Type"] != "Api" {
			continue
		}
		ep, _ := ev["Properties"].(map[string]any)
		if len(ep) == 0 {
			continue
		}
		if _, has := ep["RestApiId"]; !has {
			ep["RestApiId"] = ref(implicitAPI)
			x.tagImplicitAPI(r)
		}
		id, path, method, err := apiEventRoute(fid, eid, "RestApiId", ep)
		if err != nil {
			return err
		}
		x.recordAPIEvent(id, path, method, cond, del, repl)
		if err := x.addAPIPath(fid, eid, id, path, method); err != nil {
			return err
		}
	}
	return nil
}

func (x *translator) recordAPIEvent(api, path, method, cond, del, repl string) {
	if x.apiConds[api] == nil {
		x.apiConds[api] = map[string]map[string]string{}
	}
	if x.apiConds[api][path] == nil {
		x.apiConds[api][path] = map[string]string{}
	}
	x.apiConds[api][path][method] = cond
	x.apiDeletion[api] = append(x.apiDeletion[api], del)
	x.apiReplace[api] = append(x.apiReplace[api], repl)
}

// apiEventRoute reads an Api or HttpApi event's API (property idProp, a
// Ref unwrapped), Path and Method with the translator's checks and words:
// Path and Method are required, then each of the three must be a string.
func apiEventRoute(fid, eid, idProp string, ep map[string]any) (api, path, method string, err *samError) {
	if ep["Path"] == nil {
		return "", "", "", resourceError(fid, "Event with id ["+eid+"] is invalid. Property 'Path' is required.")
	}
	if ep["Method"] == nil {
		return "", "", "", resourceError(fid, "Event with id ["+eid+"] is invalid. Property 'Method' is required.")
	}
	var ok bool
	if api, ok = restAPIIDString(ep[idProp]).(string); !ok {
		return "", "", "", eventError(fid, eid, "Property '"+idProp+"' should be a string.")
	}
	if path, ok = ep["Path"].(string); !ok {
		return "", "", "", eventError(fid, eid, "Property 'Path' should be a string.")
	}
	if method, ok = ep["Method"].(string); !ok {
		return "", "", "", eventError(fid, eid, "Property 'Method' should be a string.")
	}
	return api, path, method, nil
}

// addAPIPath adds an empty path/method to a SAM-managed API body.
func (x *translator) addAPIPath(fid, eid, api, path, method string) *samError {
	// Any resource of the template will do (a plain AWS::ApiGateway::RestApi
	// gets its permission and no swagger), except an HTTP API.
	r, ok := x.res[api].(map[string]any)
	if !ok || r["Type"] == "AWS::Serverless::HttpApi" {
		return resourceError(fid, "Event with id ["+eid+"] is invalid. RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template.")
	}
	p, _ := r["Properties"].(map[string]any)
	body, _ := p["DefinitionBody"].(map[string]any)
	if !isValidSwagger(body) || p[manageSwagger] == nil {
		return nil
	}
	addEmptyOperation(body, path, method)
	return nil
}

// addEmptyOperation adds path/method, with no operation object yet, to a
// managed body (Swagger or OpenAPI: both keep it under "paths").
func addEmptyOperation(body map[string]any, path, method string) {
	paths := body["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	if item == nil {
		item = map[string]any{}
		paths[path] = item
	}
	m := normalizeMethod(method)
	if _, has := item[m]; !has {
		item[m] = map[string]any{}
	}
}

// implicitAttributesOf gives the implicit API api a Condition when every
// event on it has one (cond names a combined one), and the strongest
// DeletionPolicy/UpdateReplacePolicy of them.
func (x *translator) implicitAttributesOf(api, cond string) {
	r, _ := x.res[api].(map[string]any)
	if conds := x.apiConds[api]; len(conds) > 0 {
		set := map[string]bool{}
		all := true
		for _, methods := range conds {
			for _, c := range methods {
				if c == "" {
					all = false
				}
				set[c] = true
			}
		}
		if all && len(set) > 0 {
			names := slices.Sorted(maps.Keys(set))
			if len(names) == 1 {
				r["Condition"] = names[0]
			} else {
				r["Condition"] = cond
				x.addCombinedCondition(cond, names)
			}
		}
	}
	if p := strongest(x.apiDeletion[api], "Retain", "Delete"); p != "" {
		r["DeletionPolicy"] = p
	}
	if p := strongest(x.apiReplace[api], "Retain", "Snapshot", "Delete"); p != "" {
		r["UpdateReplacePolicy"] = p
	}
}

func strongest(policies []string, order ...string) string {
	for _, want := range order {
		for _, p := range policies {
			if p == want {
				return want
			}
		}
	}
	return ""
}

// addCombinedCondition adds an Fn::Or of the named conditions. Fn::Or takes
// at most 10 operands, so longer lists are chained through numbered helper
// conditions exactly as the translator's make_combined_condition names them.
func (x *translator) addCombinedCondition(name string, conds []string) {
	c, _ := x.root["Conditions"].(map[string]any)
	if c == nil {
		c = map[string]any{}
		x.root["Conditions"] = c
	}
	list := append([]string(nil), conds...)
	sort.Strings(list)
	const maxOr = 10
	extra := (len(list) - 2) / (maxOr - 1)
	for len(list) > 1 {
		n := name
		if extra > 0 {
			n = name + strconv.Itoa(extra)
			extra--
		}
		k := min(maxOr, len(list))
		c[n] = map[string]any{"Fn::Or": condRefs(list[:k])}
		list = append(list[k:len(list):len(list)], n)
	}
}

func condRefs(conds []string) []any {
	out := make([]any, len(conds))
	for i, c := range conds {
		out[i] = map[string]any{"Condition": c}
	}
	return out
}

// implicitPathConditionsOf wraps a path of a managed API of type typ in a
// condition when all of its methods come from conditional functions.
func (x *translator) implicitPathConditionsOf(typ string) {
	for _, api := range slices.Sorted(maps.Keys(x.res)) {
		r, _ := x.res[api].(map[string]any)
		if r["Type"] != typ {
			continue
		}
		p, _ := r["Properties"].(map[string]any)
		body, _ := p["DefinitionBody"].(map[string]any)
		if p[manageSwagger] == nil || !isValidSwagger(body) {
			continue
		}
		paths := body["paths"].(map[string]any)
		for _, path := range slices.Sorted(maps.Keys(paths)) {
			methods := x.apiConds[api][path]
			set := map[string]bool{}
			all := len(methods) > 0
			for _, c := range methods {
				if c == "" {
					all = false
				}
				set[c] = true
			}
			if !all {
				continue
			}
			names := slices.Sorted(maps.Keys(set))
			if len(names) == 1 {
				paths[path] = makeConditional(names[0], paths[path])
				continue
			}
			cname := api + pathLogicalID(path) + "PathCondition"
			x.addCombinedCondition(cname, names)
			paths[path] = makeConditional(cname, paths[path])
		}
	}
}

func pathLogicalID(path string) string {
	return strings.NewReplacer("/", "SLASH", "{", "OB", "}", "CB").Replace(path)
}

// maybeRemoveImplicitOf drops the implicit API api when no event gave it a
// path, restoring a resource of that name the template had.
func (x *translator) maybeRemoveImplicitOf(api string) {
	r, _ := x.res[api].(map[string]any)
	body, _ := props(r)["DefinitionBody"].(map[string]any)
	paths, _ := body["paths"].(map[string]any)
	if len(paths) > 0 {
		return
	}
	if prev, ok := x.hadImplicit[api]; ok {
		x.res[api] = prev
		return
	}
	delete(x.res, api)
}

// restAPIIDString unwraps {"Ref": id}; anything else is returned as is.
func restAPIIDString(v any) any {
	if m, ok := v.(map[string]any); ok {
		if id, has := m["Ref"]; has {
			return id
		}
	}
	return v
}

func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case map[string]any:
		return len(t) > 0
	case []any:
		return len(t) > 0
	case int:
		return t != 0
	case float64:
		return t != 0
	}
	return true
}
