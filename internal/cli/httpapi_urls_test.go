package cli

import (
	"context"
	"testing"
)

// HTTP API URLs: the first segment names a stage only when the API has a
// stage of that name; else $default serves the whole path
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).
func TestLocalURLsHTTPAPI(t *testing.T) {
	stages := func(_ context.Context, id string) ([]string, bool) {
		if id == "httpapi001" {
			return []string{"$default", "prod"}, true
		}
		return nil, false
	}
	cases := []struct{ in, host, path string }{
		{"https://httpapi001.execute-api.us-east-1.amazonaws.com/hello",
			"http://httpapi001.execute-api.localhost:4566/hello", "http://127.0.0.1:4566/restapis/httpapi001/_user_request_/hello"},
		{"https://httpapi001.execute-api.us-east-1.amazonaws.com/prod/hello",
			"http://httpapi001.execute-api.localhost:4566/prod/hello", "http://127.0.0.1:4566/restapis/httpapi001/prod/_user_request_/hello"},
		{"https://httpapi001.execute-api.us-east-1.amazonaws.com",
			"http://httpapi001.execute-api.localhost:4566", "http://127.0.0.1:4566/restapis/httpapi001/_user_request_/"},
		{"https://restapi001.execute-api.us-east-1.amazonaws.com/v1/hello",
			"http://restapi001.execute-api.localhost:4566/v1/hello", "http://127.0.0.1:4566/restapis/restapi001/v1/_user_request_/hello"},
	}
	for _, c := range cases {
		h, p, ok := localURLs(context.Background(), "http://127.0.0.1:4566", c.in, stages)
		if !ok || h != c.host || p != c.path {
			t.Errorf("%s: got %s %s %v", c.in, h, p, ok)
		}
	}
}
