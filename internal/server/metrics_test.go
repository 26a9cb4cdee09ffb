package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/iamgate/iamgate/internal/lambda"
)

// stepClock returns t0, t0+step, t0+2*step, ...: the middleware reads it
// twice per request, so every request lasts exactly step.
func stepClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return func() time.Time {
		now := t
		t = t.Add(step)
		return now
	}
}

// expose scrapes m's registry as a scraper sending no Accept header would
// (the text format) and parses the answer.
func expose(t *testing.T, m *metrics) map[string]string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:4566"+MetricsPath, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return samples(t, rec.Body.Bytes())
}

// samples parses a text exposition with expfmt into
// "name{label="value",...}" → value, labels sorted by name and a histogram's
// le last, as the text format writes them.
func samples(t *testing.T, body []byte) map[string]string {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, body)
	}
	out := map[string]string{}
	for name, mf := range fams {
		for _, m := range mf.GetMetric() {
			addSamples(out, name, mf.GetType(), m)
		}
	}
	return out
}

func addSamples(out map[string]string, name string, typ dto.MetricType, m *dto.Metric) {
	labels := func(extra ...string) string {
		var pairs []string
		for _, l := range m.GetLabel() {
			pairs = append(pairs, l.GetName()+"="+strconv.Quote(l.GetValue()))
		}
		slices.Sort(pairs)
		for i := 0; i+1 < len(extra); i += 2 {
			pairs = append(pairs, extra[i]+"="+strconv.Quote(extra[i+1]))
		}
		return "{" + strings.Join(pairs, ",") + "}"
	}
	u := func(n uint64) string { return strconv.FormatUint(n, 10) }
	switch typ {
	case dto.MetricType_COUNTER:
		out[name+labels()] = formatFloat(m.GetCounter().GetValue())
	case dto.MetricType_GAUGE:
		out[name+labels()] = formatFloat(m.GetGauge().GetValue())
	case dto.MetricType_HISTOGRAM:
		h := m.GetHistogram()
		for _, b := range h.GetBucket() {
			out[name+"_bucket"+labels("le", formatFloat(b.GetUpperBound()))] = u(b.GetCumulativeCount())
		}
		out[name+"_bucket"+labels("le", "+Inf")] = u(h.GetSampleCount())
		out[name+"_sum"+labels()] = formatFloat(h.GetSampleSum())
		out[name+"_count"+labels()] = u(h.GetSampleCount())
	}
}

// formatFloat writes a value as the text format does ("+Inf" for the last bound).
func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

const authzIAM = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"

func TestMetricsCountsByPlaneServiceCode(t *testing.T) {
	requests := []struct {
		name   string
		method string
		url    string
		host   string
		header http.Header
		status int // 0: the handler writes a body without WriteHeader
	}{
		{name: "host-style API, 200 by default", url: "/v1/hello", host: "abc123defg.execute-api.localhost:4566"},
		{name: "path-style API, 403", url: "/restapis/abc123defg/v1/_user_request_/hello", status: 403},
		{name: "IAM by credential scope", method: "POST", url: "/", header: http.Header{"Authorization": {authzIAM}}, status: 200},
		{name: "presigned S3", url: "/bucket/key?X-Amz-Credential=AKID%2F20261125%2Fus-east-1%2Fs3%2Faws4_request", status: 404},
		{name: "scope names a service not served here", method: "POST", url: "/",
			header: http.Header{"Authorization": {strings.Replace(authzIAM, "/iam/", "/ec2/", 1)}}, status: 400},
		{name: "STS by host name, unsigned", method: "POST", url: "/", host: "sts.amazonaws.com", status: 403},
		{name: "host name of no service", url: "/", host: "evil.example.com", status: 403},
		{name: "why API", url: WhyPath + "/some-id", status: 404},
		{name: "interim 100 then 204", url: "/", host: "lambda.localhost", status: 100},
		{name: "metrics path of a host-style API goes to the gateway", url: MetricsPath, host: "abc123defg.execute-api.localhost", status: 403},
		{name: "metrics path goes to the scrape handler", url: MetricsPath, status: -1},
	}
	m := newMetrics(stepClock(3906250 * time.Nanosecond)) // 2^-8 s: sums stay exact in binary
	var statuses []int
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := statuses[0]
		if code == -1 {
			t.Errorf("%s %s did not reach the scrape handler", r.Host, r.URL.Path)
		}
		statuses = statuses[1:]
		switch code {
		case 0:
			_, _ = w.Write([]byte(`{"message": "hello world"}`))
		case 100:
			w.WriteHeader(100)
			w.WriteHeader(204)
		default:
			w.WriteHeader(code)
		}
	})
	scrape := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if statuses[0] != -1 {
			t.Errorf("%s %s reached the scrape handler", r.Host, r.URL.Path)
		}
		statuses = statuses[1:]
		w.WriteHeader(http.StatusTeapot)
	})
	h := m.middleware(next, scrape)
	for _, rq := range requests {
		t.Run(rq.name, func(t *testing.T) {
			method := rq.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "http://127.0.0.1:4566"+rq.url, nil)
			if rq.host != "" {
				r.Host = rq.host
			}
			for k, v := range rq.header {
				r.Header[k] = v
			}
			statuses = append(statuses, rq.status)
			h.ServeHTTP(httptest.NewRecorder(), r)
		})
	}
	got := expose(t, m)
	const total = "iamgate_http_requests_total"
	want := map[string]string{
		total + `{code="200",plane="data",service="execute-api"}`: "1",
		total + `{code="403",plane="data",service="execute-api"}`: "2",
		total + `{code="200",plane="control",service="iam"}`:      "1",
		total + `{code="404",plane="control",service="s3"}`:       "1",
		total + `{code="400",plane="control",service="unknown"}`:  "1",
		total + `{code="403",plane="control",service="sts"}`:      "1",
		total + `{code="403",plane="control",service="unknown"}`:  "1",
		total + `{code="404",plane="control",service="iamgate"}`:  "1",
		total + `{code="204",plane="control",service="lambda"}`:   "1",
		total + `{code="418",plane="control",service="iamgate"}`:  "1",
	}
	counters := map[string]string{}
	for k, v := range got {
		if strings.HasPrefix(k, total) {
			counters[k] = v
		}
	}
	if diff := cmp.Diff(want, counters); diff != "" {
		t.Errorf("request counters (-want +got):\n%s", diff)
	}
	// Every request took 3.9 ms: the data plane's three land in le=0.005, not le=0.0025.
	const dur = "iamgate_http_request_duration_seconds"
	wantHist := map[string]string{
		dur + `_bucket{plane="data",service="execute-api",le="0.0025"}`: "0",
		dur + `_bucket{plane="data",service="execute-api",le="0.005"}`:  "3",
		dur + `_bucket{plane="data",service="execute-api",le="29"}`:     "3",
		dur + `_bucket{plane="data",service="execute-api",le="+Inf"}`:   "3",
		dur + `_count{plane="data",service="execute-api"}`:              "3",
		dur + `_sum{plane="data",service="execute-api"}`:                "0.01171875",
		dur + `_count{plane="control",service="unknown"}`:               "2",
	}
	gotHist := map[string]string{}
	for k := range wantHist {
		gotHist[k] = got[k]
	}
	if diff := cmp.Diff(wantHist, gotHist); diff != "" {
		t.Errorf("latency histogram (-want +got):\n%s", diff)
	}
}

func TestMetricsHistogramBuckets(t *testing.T) {
	tests := []struct {
		name   string
		d      time.Duration
		lowest string // the smallest le whose cumulative count is 1; "" = only +Inf
	}{
		{"exactly on a bound", time.Millisecond, "0.001"},
		{"just above a bound", time.Millisecond + time.Nanosecond, "0.0025"},
		{"below the first bound", time.Microsecond, "0.0001"},
		{"over API Gateway's limit", 30 * time.Second, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics(time.Now)
			m.observe(series{"data", "execute-api"}, 200, tc.d)
			got := expose(t, m)
			lowest := ""
			for _, le := range latencyBuckets {
				k := `iamgate_http_request_duration_seconds_bucket{plane="data",service="execute-api",le="` + formatFloat(le) + `"}`
				if got[k] == "1" {
					lowest = formatFloat(le)
					break
				}
			}
			if lowest != tc.lowest {
				t.Errorf("lowest bucket counting it: %q, want %q", lowest, tc.lowest)
			}
			if inf := got[`iamgate_http_request_duration_seconds_bucket{plane="data",service="execute-api",le="+Inf"}`]; inf != "1" {
				t.Errorf("+Inf bucket %q, want 1", inf)
			}
		})
	}
}

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name  string
		write func(w http.ResponseWriter)
		want  int
	}{
		{"nothing written", func(http.ResponseWriter) {}, 200},
		{"body only", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, 200},
		{"explicit 502", func(w http.ResponseWriter) { w.WriteHeader(502) }, 502},
		{"second WriteHeader ignored", func(w http.ResponseWriter) { w.WriteHeader(403); w.WriteHeader(200) }, 403},
		{"interim 103 then 201", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(201) }, 201},
		{"flush before a status", func(w http.ResponseWriter) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				panic(err)
			}
		}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			sw := &statusWriter{ResponseWriter: rec}
			tc.write(sw)
			if got := sw.code(); got != tc.want {
				t.Errorf("code() = %d, want %d", got, tc.want)
			}
		})
	}
	// A streaming handler's Flush reaches the recorder through the wrapper.
	rec := httptest.NewRecorder()
	var w http.ResponseWriter = &statusWriter{ResponseWriter: rec}
	w.(http.Flusher).Flush()
	if !rec.Flushed {
		t.Error("Flush did not reach the underlying writer")
	}
}

// TestMetricsEndpointAccess runs the real server: the metrics need a
// signature (service "iamgate") by an identity allowed
// cloudwatch:GetMetricData, as every control-plane call needs one.
func TestMetricsEndpointAccess(t *testing.T) {
	ctx := context.Background()
	s := newServer(t, "sqlite", t.TempDir())
	defer s.Shutdown(ctx)
	rootID, rootSecret := s.RootKey()
	user := func(name, policy string) [2]string {
		if _, err := s.iam.CreateUser(ctx, name, "/", nil, ""); err != nil {
			t.Fatal(err)
		}
		if policy != "" {
			if err := s.iam.PutUserPolicy(ctx, name, "metrics", policy); err != nil {
				t.Fatal(err)
			}
		}
		k, err := s.iam.CreateAccessKey(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return [2]string{k.AccessKeyID, k.Secret.Reveal()}
	}
	scraper := user("scraper", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudwatch:GetMetricData","Resource":"*"}]}`)
	nobody := user("nobody", "")
	root := [2]string{rootID, rootSecret}
	tests := []struct {
		name       string
		method     string
		key        [2]string
		service    string
		wantStatus int
		wantType   string
		wantMsg    string
	}{
		{name: "unsigned", method: "GET", wantStatus: 403, wantType: "MissingAuthenticationTokenException"},
		{name: "admin", method: "GET", key: root, wantStatus: 200},
		{name: "least-privilege scraper", method: "GET", key: scraper, wantStatus: 200},
		// Wording: "User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no
		// identity-based policy allows the ACTION action"
		// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
		{name: "user without cloudwatch:GetMetricData", method: "GET", key: nobody, wantStatus: 403, wantType: "AccessDeniedException",
			wantMsg: "User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: cloudwatch:GetMetricData on resource: * because no identity-based policy allows the cloudwatch:GetMetricData action"},
		{name: "signed for another service", method: "GET", key: root, service: "execute-api", wantStatus: 403, wantType: "InvalidSignatureException"},
		{name: "POST is no route", method: "POST", key: root, wantStatus: 404, wantType: "NotFoundException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://127.0.0.1:4566"+MetricsPath, nil)
			if tc.key[0] != "" {
				service := tc.service
				if service == "" {
					service = WhyService
				}
				sum := sha256.Sum256(nil)
				if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: tc.key[0], SecretAccessKey: tc.key[1]}, r,
					hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			got := []any{w.Code, w.Header().Get("x-amzn-ErrorType")}
			if diff := cmp.Diff([]any{tc.wantStatus, tc.wantType}, got); diff != "" {
				t.Fatalf("status, error type (-want +got):\n%s\n%s", diff, w.Body.String())
			}
			if tc.wantMsg != "" && !strings.Contains(w.Body.String(), tc.wantMsg) {
				t.Errorf("body %s\nwant message %q", w.Body.String(), tc.wantMsg)
			}
			if tc.wantStatus != 200 {
				return
			}
			// Without an Accept header, promhttp answers the text format 0.0.4.
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4; charset=utf-8") {
				t.Errorf("Content-Type %q, want the text format 0.0.4", ct)
			}
			if w.Header().Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
			// The unsigned scrape above was itself counted.
			k := `iamgate_http_requests_total{code="403",plane="control",service="iamgate"}`
			if v := samples(t, w.Body.Bytes())[k]; v == "" {
				t.Errorf("no %s in\n%s", k, w.Body.String())
			}
		})
	}
}

// FuzzServiceLabel: whatever a client sends, the service label stays in the
// known set, so no request can grow the number of series.
func FuzzServiceLabel(f *testing.F) {
	f.Add(authzIAM, "", "127.0.0.1:4566")
	f.Add("", "X-Amz-Credential=AKID%2F20261125%2Fus-east-1%2Fs3%2Faws4_request", "127.0.0.1")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d\n\"/aws4_request", "", "iam.amazonaws.com")
	f.Add("Credential=////", "X-Amz-Credential=%zz", "sts.")
	f.Add("", "", "abcdefghij.execute-api.localhost:4566")
	f.Fuzz(func(t *testing.T, authz, rawQuery, host string) {
		r := &http.Request{Method: "GET", Header: http.Header{}, Host: host}
		r.URL = &url.URL{Path: "/", RawQuery: rawQuery}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		s := classify(r)
		if !knownServices[s.service] && s.service != "unknown" {
			t.Errorf("service label %q is outside the known set", s.service)
		}
		if s.plane != "data" && s.plane != "control" {
			t.Errorf("plane %q", s.plane)
		}
	})
}

// TestMetricsClientClosedRequest: a request whose client went away before
// anything was written is counted as 499, as nginx logs it; one answered
// before the client left keeps its status.
func TestMetricsClientClosedRequest(t *testing.T) {
	tests := []struct {
		name   string
		cancel bool
		write  func(w http.ResponseWriter)
		want   string
	}{
		{"client gone, nothing written", true, func(http.ResponseWriter) {}, "499"},
		{"client gone after a 502 was written", true, func(w http.ResponseWriter) { w.WriteHeader(502) }, "502"},
		{"client gone after a body was written", true, func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, "200"},
		{"client still there, nothing written", false, func(http.ResponseWriter) {}, "200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics(time.Now)
			h := m.middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { tc.write(w) }), http.NotFoundHandler())
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			r := httptest.NewRequestWithContext(ctx, http.MethodGet, "http://abc123defg.execute-api.localhost/v1/hello", nil)
			h.ServeHTTP(httptest.NewRecorder(), r)
			k := `iamgate_http_requests_total{code="` + tc.want + `",plane="data",service="execute-api"}`
			if got := expose(t, m)[k]; got != "1" {
				t.Errorf("%s = %q, want 1", k, got)
			}
		})
	}
}

// TestMetricsClientClosedRequestOverHTTP closes a real client connection
// while the handler waits, and checks that net/http's cancellation of
// r.Context() is what the middleware sees.
func TestMetricsClientClosedRequestOverHTTP(t *testing.T) {
	m := newMetrics(time.Now)
	entered, left := make(chan struct{}), make(chan struct{})
	h := m.middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
			t.Error("request context not cancelled within 30s of the client leaving")
		}
	}), http.NotFoundHandler())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(left)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/restapis/abc123defg/v1/_user_request_/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(r)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request got a response")
	}
	<-left
	k := `iamgate_http_requests_total{code="499",plane="data",service="execute-api"}`
	if got := expose(t, m)[k]; got != "1" {
		t.Errorf("%s = %q, want 1", k, got)
	}
}

// TestMetricsRegistryPerServer: two servers in one process count apart and
// register the same names without a clash (the global registry would panic).
func TestMetricsRegistryPerServer(t *testing.T) {
	a, b := newMetrics(time.Now), newMetrics(time.Now)
	a.observe(series{"control", "iam"}, 200, time.Millisecond)
	a.observeInvoke(lambda.InvokeEvent{Kind: lambda.InvokeThrottled, Function: "f"})
	const k = `iamgate_http_requests_total{code="200",plane="control",service="iam"}`
	const th = `iamgate_lambda_throttles_total{function="f"}`
	got := []string{expose(t, a)[k], expose(t, a)[th], expose(t, b)[k], expose(t, b)[th]}
	if diff := cmp.Diff([]string{"1", "1", "", ""}, got); diff != "" {
		t.Errorf("a's and b's samples (-want +got):\n%s", diff)
	}
}

func TestLambdaMetrics(t *testing.T) {
	const ms = time.Millisecond
	started := func(fn string) lambda.InvokeEvent {
		return lambda.InvokeEvent{Kind: lambda.InvokeStarted, Function: fn}
	}
	finished := func(ev lambda.InvokeEvent) lambda.InvokeEvent { ev.Kind = lambda.InvokeFinished; return ev }
	tests := []struct {
		name   string
		events []lambda.InvokeEvent
		want   map[string]string // samples that must have these values; "" = absent
	}{
		{
			name: "cold then warm success",
			events: []lambda.InvokeEvent{
				started("hello"), finished(lambda.InvokeEvent{Function: "hello", Invoked: true, Completed: true, ColdStart: true, Duration: 3 * ms, InitDuration: 120 * ms}),
				started("hello"), finished(lambda.InvokeEvent{Function: "hello", Invoked: true, Completed: true, Duration: 750 * ms}),
			},
			want: map[string]string{
				`iamgate_lambda_invocations_total{function="hello"}`:                       "2",
				`iamgate_lambda_cold_starts_total{function="hello"}`:                       "1",
				`iamgate_lambda_duration_seconds_count{function="hello"}`:                  "2",
				`iamgate_lambda_duration_seconds_bucket{function="hello",le="0.0025"}`:     "0",
				`iamgate_lambda_duration_seconds_bucket{function="hello",le="0.005"}`:      "1",
				`iamgate_lambda_duration_seconds_bucket{function="hello",le="1"}`:          "2",
				`iamgate_lambda_concurrent_executions{function="hello"}`:                   "0",
				`iamgate_lambda_errors_total{function="hello",function_error="Unhandled"}`: "",
			},
		},
		{
			name: "function error and a start failure",
			events: []lambda.InvokeEvent{
				started("boom"), finished(lambda.InvokeEvent{Function: "boom", Invoked: true, Completed: true, FunctionError: "Unhandled", Duration: ms}),
				started("boom"), finished(lambda.InvokeEvent{Function: "boom", Invoked: true, ColdStart: true, FunctionError: "Unhandled"}),
			},
			want: map[string]string{
				`iamgate_lambda_invocations_total{function="boom"}`:                       "2",
				`iamgate_lambda_errors_total{function="boom",function_error="Unhandled"}`: "2",
				`iamgate_lambda_duration_seconds_count{function="boom"}`:                  "1",
				`iamgate_lambda_cold_starts_total{function="boom"}`:                       "1",
			},
		},
		{
			name: "throttled, then the caller left before it reached the function",
			events: []lambda.InvokeEvent{
				started("busy"),
				{Kind: lambda.InvokeThrottled, Function: "busy"},
				{Kind: lambda.InvokeThrottled, Function: "busy"},
				started("busy"),
				finished(lambda.InvokeEvent{Function: "busy"}),
			},
			want: map[string]string{
				`iamgate_lambda_throttles_total{function="busy"}`:       "2",
				`iamgate_lambda_concurrent_executions{function="busy"}`: "1",
				`iamgate_lambda_invocations_total{function="busy"}`:     "",
			},
		},
		{
			name:   "an unknown function error value is bounded",
			events: []lambda.InvokeEvent{started("f"), finished(lambda.InvokeEvent{Function: "f", Invoked: true, FunctionError: "Whatever\n"})},
			want: map[string]string{
				`iamgate_lambda_errors_total{function="f",function_error="Unhandled"}`: "1",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMetrics(time.Now)
			for _, ev := range tc.events {
				m.observeInvoke(ev)
			}
			all := expose(t, m)
			got := map[string]string{}
			for k := range tc.want {
				got[k] = all[k]
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("samples (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzFunctionLabel: whatever the function name, recording it never panics
// (client_golang panics on a label value that is not UTF-8), the exposition
// parses, and the label reads back as the name made valid UTF-8.
func FuzzFunctionLabel(f *testing.F) {
	for _, s := range []string{"HelloWorldFunction", "", `a"b`, `back\slash`, "new\nline", "\xff\xfe", "日本語", "{}=,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		m := newMetrics(time.Now)
		m.observeInvoke(lambda.InvokeEvent{Kind: lambda.InvokeStarted, Function: name})
		m.observeInvoke(lambda.InvokeEvent{Kind: lambda.InvokeFinished, Function: name, Invoked: true, Completed: true, Duration: time.Millisecond})
		want := strings.ToValidUTF8(name, "\uFFFD")
		k := `iamgate_lambda_invocations_total{function=` + strconv.Quote(want) + `}`
		if got := expose(t, m)[k]; got != "1" {
			t.Errorf("%s = %q, want 1", k, got)
		}
	})
}
