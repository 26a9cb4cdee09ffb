package lambda

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	yaml "go.yaml.in/yaml/v4"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/testutil"
)

// apiSpec is the part of runtime-api.yaml the contract test reads.
type apiSpec struct {
	Servers []struct{ URL string } `yaml:"servers"`
	Paths   map[string]map[string]struct {
		Responses map[string]struct {
			Headers map[string]any `yaml:"headers"`
		} `yaml:"responses"`
	} `yaml:"paths"`
}

func loadSpec(t *testing.T) apiSpec {
	t.Helper()
	b, err := os.ReadFile(testutil.Shared(t, "conformance", "lambda", "runtime-api", "runtime-api.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var s apiSpec
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// apiHarness is a Runtime API server with no process behind it: the test
// plays the runtime.
type apiHarness struct {
	t   *testing.T
	api *runtimeAPI
	url string
}

func newHarness(t *testing.T) *apiHarness {
	api := newRuntimeAPI(time.Now)
	srv := httptest.NewServer(api.handler())
	t.Cleanup(func() { api.close(); srv.Close() })
	return &apiHarness{t: t, api: api, url: srv.URL}
}

func (h *apiHarness) do(method, path string, body []byte, hdr map[string]string) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// invoking hands an event with every optional field to the runtime through
// /next and returns the /next response.
func (h *apiHarness) invoking(id string) (*invocation, *http.Response) {
	inv := newInvocation(id, []byte(`{"k":"v"}`), 3*time.Second)
	inv.arn, inv.clientContext, inv.cognito, inv.traceID = "arn:aws:lambda:us-east-1:000000000000:function:f",
		`{"custom":{}}`, `{"cognitoIdentityId":"id"}`, "Root=1-5f84c7a8-0123456789abcdef01234567"
	go func() { h.api.next <- inv }()
	return inv, h.do("GET", pathNext, nil, nil)
}

func (h *apiHarness) initFailed() {
	h.do("POST", pathInitError, []byte(`{"errorMessage":"m","errorType":"Runtime.X"}`), nil).Body.Close()
}

// apiCase is one request in one runtime state with the status it must get.
type apiCase struct {
	name, method, specPath string
	status                 int
	run                    func(h *apiHarness) *http.Response
}

func apiCases() []apiCase {
	respond := func(id, kind string, body []byte) func(h *apiHarness) *http.Response {
		return func(h *apiHarness) *http.Response {
			h.invoking("req-1")
			return h.do("POST", fmt.Sprintf("%s/runtime/invocation/%s/%s", apiPrefix, id, kind), body, nil)
		}
	}
	closed := func(method, path string) func(h *apiHarness) *http.Response {
		return func(h *apiHarness) *http.Response { h.api.close(); return h.do(method, path, []byte(`{}`), nil) }
	}
	const next, init = "/runtime/invocation/next", "/runtime/init/error"
	const resp, errp = "/runtime/invocation/{AwsRequestId}/response", "/runtime/invocation/{AwsRequestId}/error"
	return []apiCase{
		{"next-200", "get", next, 200, func(h *apiHarness) *http.Response { _, r := h.invoking("req-1"); return r }},
		{"next-403-while-invoking", "get", next, 403, func(h *apiHarness) *http.Response {
			h.invoking("req-1")
			return h.do("GET", pathNext, nil, nil)
		}},
		{"next-403-after-init-error", "get", next, 403, func(h *apiHarness) *http.Response {
			h.initFailed()
			return h.do("GET", pathNext, nil, nil)
		}},
		{"next-500-closed", "get", next, 500, closed("GET", pathNext)},
		{"response-202", "post", resp, 202, respond("req-1", "response", []byte(`"ok"`))},
		{"response-400-unknown-id", "post", resp, 400, respond("other", "response", []byte(`"ok"`))},
		{"response-403-no-event", "post", resp, 403, func(h *apiHarness) *http.Response {
			return h.do("POST", apiPrefix+"/runtime/invocation/req-1/response", []byte(`{}`), nil)
		}},
		{"response-413", "post", resp, 413, respond("req-1", "response", bytes.Repeat([]byte("a"), maxPayload+1))},
		{"response-500-closed", "post", resp, 500, closed("POST", apiPrefix+"/runtime/invocation/req-1/response")},
		{"error-202", "post", errp, 202, respond("req-1", "error", []byte(`{"errorMessage":"x","errorType":"T"}`))},
		{"error-400-unknown-id", "post", errp, 400, respond("other", "error", []byte(`{}`))},
		{"error-403-no-event", "post", errp, 403, func(h *apiHarness) *http.Response {
			return h.do("POST", apiPrefix+"/runtime/invocation/req-1/error", []byte(`{}`), nil)
		}},
		{"error-500-closed", "post", errp, 500, closed("POST", apiPrefix+"/runtime/invocation/req-1/error")},
		{"init-error-202", "post", init, 202, func(h *apiHarness) *http.Response {
			return h.do("POST", pathInitError, []byte(`{"errorMessage":"m","errorType":"Runtime.X"}`), nil)
		}},
		{"init-error-403-after-init", "post", init, 403, func(h *apiHarness) *http.Response {
			h.invoking("req-1")
			return h.do("POST", pathInitError, []byte(`{}`), nil)
		}},
		{"init-error-500-closed", "post", init, 500, closed("POST", pathInitError)},
	}
}

// TestRuntimeAPIContract walks runtime-api.yaml: every path, method and
// status code it declares is produced by some case, every case's status is
// declared, bodies have the spec's shapes and /next sets every header.
func TestRuntimeAPIContract(t *testing.T) {
	spec := loadSpec(t)
	if len(spec.Servers) != 1 || spec.Servers[0].URL != apiPrefix {
		t.Fatalf("servers = %+v, want %s", spec.Servers, apiPrefix)
	}
	covered := map[string]bool{}
	for _, tc := range apiCases() {
		t.Run(tc.name, func(t *testing.T) {
			op, ok := spec.Paths[tc.specPath][tc.method]
			if !ok {
				t.Fatalf("%s %s is not in the spec", tc.method, tc.specPath)
			}
			declared, ok := op.Responses[fmt.Sprint(tc.status)]
			if !ok {
				t.Fatalf("status %d is not declared for %s %s", tc.status, tc.method, tc.specPath)
			}
			res := tc.run(newHarness(t))
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d (body %s)", res.StatusCode, tc.status, body)
			}
			covered[tc.method+" "+tc.specPath+" "+fmt.Sprint(tc.status)] = true
			checkBody(t, tc.status, body)
			for name := range declared.Headers {
				if res.Header.Get(name) == "" {
					t.Errorf("header %s missing", name)
				}
			}
		})
	}
	for path, ops := range spec.Paths {
		for method, op := range ops {
			for code := range op.Responses {
				if !covered[method+" "+path+" "+code] {
					t.Errorf("no case for %s %s → %s", method, path, code)
				}
			}
		}
	}
}

func checkBody(t *testing.T, status int, body []byte) {
	t.Helper()
	var got map[string]any
	if status == 200 {
		if string(body) != `{"k":"v"}` {
			t.Errorf("event body = %s", body)
		}
		return
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	var keys []string
	for k, v := range got {
		if _, ok := v.(string); !ok {
			t.Errorf("%s is not a string", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"errorMessage", "errorType"} // ErrorResponse
	if status == 202 {
		want = []string{"status"} // StatusResponse
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("body keys (-want +got):\n%s", diff)
	}
	// An error's type is one of the error table's, with this status.
	if typ, _ := got["errorType"].(string); status != 202 {
		if st, ok := awserr.LambdaRuntime.Status(awserr.Code(typ)); !ok || st != status {
			t.Errorf("errorType %q has status %d (known %v) in awserr.LambdaRuntime, answered %d", typ, st, ok, status)
		}
	}
}

func TestRuntimeAPIDelivery(t *testing.T) {
	h := newHarness(t)
	inv, res := h.invoking("req-9")
	res.Body.Close()
	wantHdr := map[string]string{
		"Lambda-Runtime-Aws-Request-Id":       "req-9",
		"Lambda-Runtime-Invoked-Function-Arn": inv.arn,
		"Lambda-Runtime-Client-Context":       inv.clientContext,
		"Lambda-Runtime-Cognito-Identity":     inv.cognito,
		"Lambda-Runtime-Trace-Id":             inv.traceID,
		"Lambda-Runtime-Deadline-Ms":          fmt.Sprint(inv.deadline.UnixMilli()),
	}
	for k, v := range wantHdr {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	h.do("POST", apiPrefix+"/runtime/invocation/req-9/error", []byte("not json"),
		map[string]string{headerErrorType: "Runtime.Custom"}).Body.Close()
	o := <-inv.done
	want := `{"errorMessage":"Unknown application error occurred","errorType":"Runtime.Custom"}`
	if o.ferr == nil || string(o.ferr.payload) != want {
		t.Errorf("outcome = %+v, want error payload %s", o, want)
	}
	// A second answer for the same event is refused.
	res = h.do("POST", apiPrefix+"/runtime/invocation/req-9/response", []byte(`1`), nil)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("second answer status = %d, want 403", res.StatusCode)
	}
	if !strings.HasPrefix(pathNext, apiPrefix) {
		t.Fatal("paths must live under the API version")
	}
}

// A process that calls another environment's Runtime API (a path without
// this environment's secret prefix) gets the table's 403 AccessDenied in
// the spec's ErrorResponse shape; with the prefix it reaches the API.
func TestRuntimeAPIOtherEnvironment(t *testing.T) {
	api := newRuntimeAPI(time.Now)
	api.secret = "s3cr3t"
	srv := httptest.NewServer(api.handler())
	t.Cleanup(func() { api.close(); srv.Close() })
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{pathInitError, 403, `{"errorMessage":"This Runtime API belongs to another execution environment.","errorType":"AccessDenied"}` + "\n"},
		{"/other" + pathInitError, 403, `{"errorMessage":"This Runtime API belongs to another execution environment.","errorType":"AccessDenied"}` + "\n"},
		{"/s3cr3t" + pathInitError, 202, `{"status":"OK"}` + "\n"},
	} {
		res, err := http.Post(srv.URL+tc.path, "application/json", strings.NewReader(`{"errorMessage":"m","errorType":"Runtime.X"}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(body) != tc.body || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %q %s, want %d %q", tc.path, res.StatusCode, body, res.Header.Get("Content-Type"), tc.status, tc.body)
		}
	}
}
