package apigwapi

import (
	"context"
	"net/http"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// TestInvoker runs a method of an API as it is now, for TestInvokeMethod;
// the server gives the gateway's.
type TestInvoker func(ctx context.Context, caller *auth.Caller, apiID, resourceID, method string, in TestInvokeInput) (TestInvokeOutput, error)

// TestInvokeInput is TestInvokeMethod's request
// (https://docs.aws.amazon.com/apigateway/latest/api/API_TestInvokeMethod.html).
type TestInvokeInput struct {
	PathWithQueryString string            `json:"pathWithQueryString"`
	Body                string            `json:"body"`
	Headers             map[string]string `json:"headers"`
	StageVariables      map[string]string `json:"stageVariables"`
}

// TestInvokeOutput is its answer.
type TestInvokeOutput struct {
	Status            int                 `json:"status"`
	Body              string              `json:"body"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Log               string              `json:"log"`
	Latency           int64               `json:"latency"`
}

func testInvokeMethod(c *call) (any, error) {
	if c.h.o.TestInvoke == nil {
		return nil, awserr.New(awserr.BadRequestException, "TestInvokeMethod is not available on this server")
	}
	var in TestInvokeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.h.o.TestInvoke(c.ctx, c.caller, c.rt.api, c.rt.resource, c.rt.method, in)
}

// FlatHeaders turns response headers into TestInvokeMethod's two maps.
func FlatHeaders(h http.Header) (map[string]string, map[string][]string) {
	one := map[string]string{}
	for k, v := range h {
		if len(v) > 0 {
			one[k] = v[len(v)-1]
		}
	}
	return one, map[string][]string(h)
}
