package payload

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// ResponseBody reads the cookies, isBase64Encoded and body fields of a
// structured format 2.0 response (an object with statusCode), as HTTP APIs
// and function URLs read them alike
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload):
// a null field is absent; body is decoded from base64 when isBase64Encoded
// is true. Each caller reads statusCode and headers by its own rules.
func ResponseBody(obj map[string]json.RawMessage) (cookies []string, body []byte, err error) {
	if ck, ok := obj["cookies"]; ok && string(ck) != "null" {
		if err := json.Unmarshal(ck, &cookies); err != nil {
			return nil, nil, fmt.Errorf("cookies is not a list of strings")
		}
	}
	var b64 bool
	if v, ok := obj["isBase64Encoded"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &b64); err != nil {
			return nil, nil, fmt.Errorf("isBase64Encoded is not a boolean")
		}
	}
	if b, ok := obj["body"]; ok && string(b) != "null" {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, nil, fmt.Errorf("body is not a string")
		}
		body = []byte(s)
		if b64 {
			d, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, nil, fmt.Errorf("body is not base64: %w", err)
			}
			body = d
		}
	}
	return cookies, body, nil
}
