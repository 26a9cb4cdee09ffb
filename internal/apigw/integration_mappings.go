package apigw

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// integrationMappings reads the parameter mappings and integration
// responses of an x-amazon-apigateway-integration object
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html):
// "responses" is keyed by selection pattern, "default" for the response
// without one.
func integrationMappings(in *Integration, ia map[string]any) error {
	rp := stringMap(mapAt(ia, "requestParameters"))
	for _, k := range slices.Sorted(maps.Keys(rp)) {
		if err := checkMapping(k, rp[k], requestTargets, requestSources); err != nil {
			return err
		}
	}
	in.RequestParameters = rp
	responses := mapAt(ia, "responses")
	for _, pattern := range slices.Sorted(maps.Keys(responses)) {
		r, ok := responses[pattern].(map[string]any)
		if !ok {
			return fmt.Errorf("Invalid integration response for selection pattern %q", pattern)
		}
		ir := IntegrationResponse{
			StatusCode:         stringAt(r, "statusCode"),
			ResponseParameters: stringMap(mapAt(r, "responseParameters")),
			ResponseTemplates:  stringMap(mapAt(r, "responseTemplates")),
			ContentHandling:    strings.ToUpper(stringAt(r, "contentHandling")),
		}
		if pattern != "default" {
			ir.SelectionPattern = pattern
		}
		if err := checkIntegrationResponse(ir); err != nil {
			return err
		}
		if in.IntegrationResponses == nil {
			in.IntegrationResponses = map[string]IntegrationResponse{}
		}
		in.IntegrationResponses[ir.StatusCode] = ir
	}
	return nil
}

func checkIntegrationResponse(ir IntegrationResponse) error {
	if n, err := strconv.Atoi(ir.StatusCode); err != nil || n < 100 || n > 599 || len(ir.StatusCode) != 3 {
		return fmt.Errorf("Invalid status code specified: %q", ir.StatusCode)
	}
	if ir.SelectionPattern != "" {
		if _, err := CompileSelectionPattern(ir.SelectionPattern); err != nil {
			return fmt.Errorf("Invalid selection pattern specified: %s", ir.SelectionPattern)
		}
	}
	switch ir.ContentHandling {
	case "", ContentConvertToText, ContentConvertToBinary:
	default:
		return fmt.Errorf("Invalid content handling specified: %s", ir.ContentHandling)
	}
	for _, k := range slices.Sorted(maps.Keys(ir.ResponseParameters)) {
		if err := checkMapping(k, ir.ResponseParameters[k], responseTargets, responseSources); err != nil {
			return err
		}
	}
	return nil
}

// Content handling of an integration or integration response.
const (
	ContentConvertToText   = "CONVERT_TO_TEXT"
	ContentConvertToBinary = "CONVERT_TO_BINARY"
)

// CompileSelectionPattern compiles a selection pattern as API Gateway
// matches it: against the whole error message or status (Java's
// String.matches), '.' not matching a newline.
func CompileSelectionPattern(p string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + p + `)$`)
}

var (
	requestTargets  = []string{"integration.request.header.", "integration.request.querystring.", "integration.request.path.", "integration.request.multivalueheader.", "integration.request.multivaluequerystring."}
	requestSources  = []string{"method.request.path.", "method.request.querystring.", "method.request.header.", "method.request.multivaluequerystring.", "method.request.multivalueheader.", "method.request.body.", "context.", "stageVariables."}
	responseTargets = []string{"method.response.header."}
	responseSources = []string{"integration.response.header.", "integration.response.multivalueheader.", "integration.response.body.", "context.", "stageVariables."}
)

// checkMapping validates one parameter mapping as PutIntegration does:
// a known target, and a source that is a static 'value', a whole body or
// a parameter of a known location.
func checkMapping(target, source string, targets, sources []string) error {
	if !hasNamedPrefix(target, targets) {
		return fmt.Errorf("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: %s]", target)
	}
	s := strings.TrimSpace(source)
	switch {
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return nil
	case s == "method.request.body" || s == "integration.response.body":
		return nil
	case hasNamedPrefix(s, sources):
		return nil
	}
	return fmt.Errorf("Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: %s]", source)
}

func hasNamedPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if name, ok := strings.CutPrefix(s, p); ok && name != "" {
			return true
		}
	}
	return false
}

// methodResponses reads an operation's responses as API Gateway imports
// them: one method response per status code, its headers as
// method.response.header.NAME (not required).
func methodResponses(op map[string]any) map[string]MethodResponse {
	responses := mapAt(op, "responses")
	var out map[string]MethodResponse
	for _, code := range slices.Sorted(maps.Keys(responses)) {
		if n, err := strconv.Atoi(code); err != nil || n < 100 || n > 599 {
			continue // "default" and the like are not method responses
		}
		mr := MethodResponse{StatusCode: code}
		r, _ := responses[code].(map[string]any)
		for name := range mapAt(r, "headers") {
			if mr.ResponseParameters == nil {
				mr.ResponseParameters = map[string]bool{}
			}
			mr.ResponseParameters["method.response.header."+name] = false
		}
		if out == nil {
			out = map[string]MethodResponse{}
		}
		out[code] = mr
	}
	return out
}

// ParseIntegrationResponse reads PutIntegrationResponse's body
// (selectionPattern, responseParameters, responseTemplates,
// contentHandling) for statusCode, validated as at import.
func ParseIntegrationResponse(statusCode string, body map[string]any) (IntegrationResponse, error) {
	body = normalize(body).(map[string]any)
	ir := IntegrationResponse{
		StatusCode:         statusCode,
		SelectionPattern:   stringAt(body, "selectionPattern"),
		ResponseParameters: stringMap(mapAt(body, "responseParameters")),
		ResponseTemplates:  stringMap(mapAt(body, "responseTemplates")),
		ContentHandling:    strings.ToUpper(stringAt(body, "contentHandling")),
	}
	if err := checkIntegrationResponse(ir); err != nil {
		return IntegrationResponse{}, badRequest("%s", err.Error())
	}
	return ir, nil
}
