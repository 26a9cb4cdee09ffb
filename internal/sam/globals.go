package sam

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// globalProps lists, per section of Globals, the properties SAM accepts, in
// the translator's order (the order appears in its error message).
var globalProps = map[string][]string{
	"Function": {"Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout",
		"VpcConfig", "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias",
		"AutoPublishAliasAllProperties", "Layers", "DeploymentPreference", "RolePath", "PermissionsBoundary",
		"ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
		"EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures", "SnapStart",
		"EphemeralStorage", "FunctionUrlConfig", "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop",
		"SourceKMSKeyArn", "TenancyConfig", "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig",
		"PublishToLatestPublished", "VersionDeletionPolicy"},
	"Api": {"Auth", "Name", "DefinitionUri", "CacheClusterEnabled", "CacheClusterSize", "MergeDefinitions",
		"Variables", "EndpointConfiguration", "MethodSettings", "BinaryMediaTypes", "MinimumCompressionSize",
		"Cors", "GatewayResponses", "AccessLogSetting", "CanarySetting", "TracingEnabled", "OpenApiVersion",
		"Domain", "AlwaysDeploy", "PropagateTags", "SecurityPolicy", "EndpointAccessMode"},
	"HttpApi": {"Auth", "AccessLogSettings", "StageVariables", "Tags", "CorsConfiguration", "DefaultRouteSettings",
		"Domain", "RouteSettings", "FailOnWarnings", "PropagateTags"},
	"SimpleTable": {"SSESpecification"},
}

// globalSections maps a Globals section to the resource type it applies to.
var globalSections = map[string]string{"Function": typeFunction, "Api": typeAPI, "HttpApi": typeHTTPAPI, "SimpleTable": typeSimpleTable}

// otherSections are Globals sections SAM accepts that this package does not expand.
var otherSections = []string{"StateMachine", "LayerVersion", "CapacityProvider", "WebSocketApi"}

type globals map[string]map[string]any // resource type -> properties

func parseGlobals(v any) (globals, *samError) {
	g := globals{}
	if v == nil {
		return g, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, globalsError("'Globals' must be a dictionary")
	}
	for _, section := range slices.Sorted(maps.Keys(m)) {
		typ, known := globalSections[section]
		if !known {
			if slices.Contains(otherSections, section) {
				continue
			}
			return nil, globalsError(fmt.Sprintf("'%s' is not supported. Must be one of the following values - %s",
				section, pyList(sectionNames())))
		}
		body, ok := m[section].(map[string]any)
		if !ok {
			return nil, globalsError(fmt.Sprintf("Value of %s must be a dictionary", section))
		}
		for _, p := range slices.Sorted(maps.Keys(body)) {
			if !slices.Contains(globalProps[section], p) {
				return nil, globalsError(fmt.Sprintf("'%s' is not a supported property of '%s'. Must be one of the following values - %s",
					p, section, pyList(globalProps[section])))
			}
		}
		g[typ] = body
	}
	return g, nil
}

func sectionNames() []string {
	return append([]string{"Function", "Api", "HttpApi", "SimpleTable"}, otherSections...)
}

// pyList formats names the way Python prints a list of strings.
func pyList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// apply merges the globals into every matching resource: local values win,
// maps merge key by key, lists concatenate (global first), intrinsics count
// as plain values.
func (g globals) apply(res map[string]any) {
	for _, id := range slices.Sorted(maps.Keys(res)) {
		r, _ := res[id].(map[string]any)
		typ, _ := r["Type"].(string)
		gp, ok := g[typ]
		if !ok {
			continue
		}
		local, _ := r["Properties"].(map[string]any)
		if local == nil {
			local = map[string]any{}
		}
		r["Properties"] = mergeGlobal(deepCopy(gp), local)
	}
	fixOpenAPIVersions(res)
}

func mergeGlobal(global, local any) any {
	gm, gIsMap := global.(map[string]any)
	lm, lIsMap := local.(map[string]any)
	if gIsMap && lIsMap && !isIntrinsic(gm) && !isIntrinsic(lm) {
		out := copyMap(gm)
		for k, v := range lm {
			if gv, has := out[k]; has {
				out[k] = mergeGlobal(gv, v)
			} else {
				out[k] = v
			}
		}
		return out
	}
	gl, gIsList := global.([]any)
	ll, lIsList := local.([]any)
	if gIsList && lIsList {
		return append(append([]any{}, gl...), ll...)
	}
	return local
}

var openAPI3 = regexp.MustCompile(`\A3(\.\d)(\.\d)?$`)

// fixOpenAPIVersions makes SAM-managed bodies declare the OpenApiVersion of
// their API when it is 3.x (the translator does this after merging Globals).
func fixOpenAPIVersions(res map[string]any) {
	for _, id := range slices.Sorted(maps.Keys(res)) {
		r, _ := res[id].(map[string]any)
		if r["Type"] != typeAPI {
			continue
		}
		p, _ := r["Properties"].(map[string]any)
		v, hasV := p["OpenApiVersion"]
		_, managed := p[manageSwagger]
		if !hasV || !managed {
			continue
		}
		s := pyStr(v)
		if !openAPI3.MatchString(s) {
			continue
		}
		p["OpenApiVersion"] = s
		if body, ok := p["DefinitionBody"].(map[string]any); ok {
			body["openapi"] = s
			delete(body, "swagger")
		}
	}
}

// pyStr renders a scalar the way Python's str() does for the values YAML
// produces (3.0 stays "3.0", 3 is "3").
func pyStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		s := strconv.FormatFloat(t, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case int:
		return strconv.Itoa(t)
	case bool:
		if t {
			return "True"
		}
		return "False"
	}
	return fmt.Sprint(v)
}
