package mapping

import (
	"strings"

	"github.com/iamgate/iamgate/internal/vtl"
)

// Source resolves the sources of parameter mappings that are not the
// method request's or the integration response's own: a 'static' value,
// context.NAME (dotted, as $context.NAME) and stageVariables.NAME
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html).
// ok is false for any other source or a value that is not there.
func (r *Request) Source(src string) (string, bool) {
	src = strings.TrimSpace(src)
	if len(src) >= 2 && src[0] == '\'' && src[len(src)-1] == '\'' {
		return src[1 : len(src)-1], true
	}
	if name, ok := strings.CutPrefix(src, "stageVariables."); ok {
		v, ok := r.StageVariables[name]
		return v, ok
	}
	if name, ok := strings.CutPrefix(src, "context."); ok {
		var v any = contextMap(r.Context)
		for _, part := range strings.Split(name, ".") {
			m, isMap := v.(*vtl.Map)
			if !isMap {
				return "", false
			}
			v, _ = m.Get(part)
		}
		if v == nil {
			return "", false
		}
		return vtl.String(v), true
	}
	return "", false
}

// BodyValue is a body source: the whole payload for "" or a JSONPath
// (without its "$.") into a JSON payload, objects and lists as JSON.
func BodyValue(payload []byte, jsonPath string) (string, bool) {
	if jsonPath == "" {
		return string(payload), true
	}
	in := newInput(payload, Params{})
	v, err := in.selectPath("$." + jsonPath)
	if err != nil || v == nil {
		return "", false
	}
	switch v.(type) {
	case *vtl.Map, *vtl.List:
		return vtl.JSON(v), true
	}
	return vtl.String(v), true
}
