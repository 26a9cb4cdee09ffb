package payload

import (
	"encoding/json"
	"slices"
	"testing"
)

// The cookies/isBase64Encoded/body fields of a structured 2.0 response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
func TestResponseBody(t *testing.T) {
	for _, tc := range []struct {
		name, in, body, err string
		cookies             []string
	}{
		{name: "text", in: `{"statusCode":200,"body":"hi","cookies":["a=1","b=2"]}`, body: "hi", cookies: []string{"a=1", "b=2"}},
		{name: "base64", in: `{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, body: "hi"},
		{name: "nulls", in: `{"statusCode":204,"body":null,"cookies":null,"isBase64Encoded":null}`},
		{name: "no body", in: `{"statusCode":204}`},
		{name: "cookies not strings", in: `{"cookies":[1]}`, err: "cookies is not a list of strings"},
		{name: "flag not a boolean", in: `{"isBase64Encoded":"yes"}`, err: "isBase64Encoded is not a boolean"},
		{name: "body not a string", in: `{"body":{"a":1}}`, err: "body is not a string"},
		{name: "bad base64", in: `{"body":"%%%","isBase64Encoded":true}`, err: "body is not base64: illegal base64 data at input byte 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tc.in), &obj); err != nil {
				t.Fatal(err)
			}
			cookies, body, err := ResponseBody(obj)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(body) != tc.body || !slices.Equal(cookies, tc.cookies) {
				t.Errorf("got %q %q %v, want %q %q", cookies, body, err, tc.cookies, tc.body)
			}
		})
	}
}
