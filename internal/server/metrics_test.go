package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"
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

// samples parses a text exposition into "name{labels}" → value, and checks
// the format's line shape on the way.
func samples(t *testing.T, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 || !strings.HasSuffix(line[:i], "}") {
			t.Fatalf("line %q is not 'name{labels} value'", line)
		}
		if _, err := strconv.ParseFloat(line[i+1:], 64); err != nil {
			t.Fatalf("line %q: value: %v", line, err)
		}
		out[line[:i]] = line[i+1:]
	}
	return out
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
	got := samples(t, m.exposition())
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
			got := samples(t, m.exposition())
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
		if _, err := s.IAM.CreateUser(ctx, name, "/", nil); err != nil {
			t.Fatal(err)
		}
		if policy != "" {
			if err := s.IAM.PutUserPolicy(ctx, name, "metrics", policy); err != nil {
				t.Fatal(err)
			}
		}
		k, err := s.IAM.CreateAccessKey(ctx, name)
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
			if ct := w.Header().Get("Content-Type"); ct != metricsContentType {
				t.Errorf("Content-Type %q, want %q", ct, metricsContentType)
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

// FuzzEscapeLabel: an escaped label value stays on one line inside its
// quotes and unescapes to the original.
func FuzzEscapeLabel(f *testing.F) {
	for _, s := range []string{"", "execute-api", `a"b`, `back\slash`, "new\nline", `\n`, `"\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		e := escapeLabel(v)
		if strings.ContainsRune(e, '\n') {
			t.Fatalf("escaped %q contains a newline", e)
		}
		if got := unescapeLabel(t, e); got != v {
			t.Fatalf("unescape(escape(%q)) = %q", v, got)
		}
	})
}

// unescapeLabel is the reader's side of the three escapes, written
// independently of escapeLabel's replacer.
func unescapeLabel(t *testing.T, e string) string {
	var b strings.Builder
	for i := 0; i < len(e); i++ {
		c := e[i]
		if c == '"' {
			t.Fatalf("unescaped quote in %q", e)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(e) {
			t.Fatalf("dangling backslash in %q", e)
		}
		switch e[i] {
		case '\\':
			b.WriteByte('\\')
		case '"':
			b.WriteByte('"')
		case 'n':
			b.WriteByte('\n')
		default:
			t.Fatalf("unknown escape \\%c in %q", e[i], e)
		}
	}
	return b.String()
}
