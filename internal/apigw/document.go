package apigw

import (
	"fmt"
	"strings"
)

// DecodeDocument reads an OpenAPI body as API Gateway's imports accept it
// (a generic map, or JSON/YAML bytes or string) into a map with string keys
// all the way down. Package httpapi imports HTTP API bodies through it, so
// both APIs read documents alike.
func DecodeDocument(body any) (map[string]any, error) { return decodeBody(body) }

// DocumentKind tells a decoded document's kind as API Gateway's imports
// do, for REST and HTTP APIs alike: Swagger 2 ("swagger: 2.0", also as the
// number a YAML template makes of it) or OpenAPI 3 ("openapi: 3.x"), never
// both, with paths an object when given. schemes are its security schemes
// (securityDefinitions, or components.securitySchemes); ok is false for any
// other document, which each import words its own way.
func DocumentKind(doc map[string]any) (swagger2 bool, schemes map[string]any, ok bool) {
	sw, hasSwagger := doc["swagger"]
	oa, hasOpenAPI := doc["openapi"]
	switch {
	case hasSwagger && !hasOpenAPI:
		// "swagger: 2.0" in a YAML template is a number once CloudFormation
		// has it; API Gateway imports it as the string.
		if f, isNum := sw.(float64); isNum && f == 2 {
			sw = "2.0"
		}
		if fmt.Sprint(sw) != "2.0" {
			return false, nil, false
		}
		swagger2, schemes = true, mapAt(doc, "securityDefinitions")
	case hasOpenAPI && !hasSwagger:
		if v := fmt.Sprint(oa); !strings.HasPrefix(v, "3.") && v != "3" {
			return false, nil, false
		}
		schemes = mapAt(mapAt(doc, "components"), "securitySchemes")
	default:
		return false, nil, false
	}
	if p, has := doc["paths"]; has && p != nil {
		if _, isMap := p.(map[string]any); !isMap {
			return false, nil, false
		}
	}
	return swagger2, schemes, true
}
