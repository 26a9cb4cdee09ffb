package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The gateway's own steps, one benchmark each, over the fixture's seed-like
// API (fakes_test.go): route (URL → API, stage, resource, method), event
// (the proxy event built and encoded for a signed GET) and response (the
// function's answer parsed and written). Timings are reported, never
// asserted; compare runs with benchstat.

func BenchmarkRoute(b *testing.B) {
	f := newFixture(b, "")
	for _, tc := range []struct{ name, url string }{
		{"path-style", "http://127.0.0.1:4566/restapis/" + testAPI + "/v1/_user_request_/hello"},
		{"host-style", "http://" + testAPI + ".execute-api.us-east-1.amazonaws.com/v1/open/a/b"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, tc.url, nil)
			c := f.gw.newCall(httptest.NewRecorder(), r)
			b.ReportAllocs()
			for b.Loop() {
				if !f.gw.resolve(c) {
					b.Fatal("not routed")
				}
			}
		})
	}
}

func BenchmarkEvent(b *testing.B) {
	f := newFixture(b, "")
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/hello?a=1&b=2", nil)
	// "good": the fixture signs as api-gateway-user, the real authenticator verifies.
	for k, v := range map[string]string{"Authorization": "good", "X-Amz-Date": "20261125T100000Z", "User-Agent": "curl/8.0", "Accept": "*/*"} {
		r.Header.Set(k, v)
	}
	c := f.gw.newCall(httptest.NewRecorder(), r)
	if !f.gw.resolve(c) || !f.gw.authorize(c) {
		b.Fatal("not routed and authorized")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(f.gw.buildEvent(c, nil)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResponse(b *testing.B) {
	f := newFixture(b, "")
	out := []byte(`{"statusCode": 200, "body": "{\"message\": \"hello world\"}"}`)
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4566/restapis/"+testAPI+"/v1/_user_request_/hello", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		c := &call{w: w, r: r, trace: &Trace{}}
		resp, err := parseProxyResponse(out)
		if err != nil {
			b.Fatal(err)
		}
		f.gw.writeResponse(c, resp)
	}
}
