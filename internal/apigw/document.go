package apigw

// DecodeDocument reads an OpenAPI body as API Gateway's imports accept it
// (a generic map, or JSON/YAML bytes or string) into a map with string keys
// all the way down. Package httpapi imports HTTP API bodies through it, so
// both APIs read documents alike.
func DecodeDocument(body any) (map[string]any, error) { return decodeBody(body) }
