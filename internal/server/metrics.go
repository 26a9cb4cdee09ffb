package server

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Metrics: every request the server answers is counted by plane ("data":
// execute-api; "control": the AWS APIs and iamgate's own), service and
// status code, and timed into a latency histogram by plane and service. The
// numbers are served in the Prometheus text exposition format (0.0.4,
// https://prometheus.io/docs/instrumenting/exposition_formats/) at
//
//	GET /_iamgate/metrics
//
// The path cannot collide with path-style S3: bucket names cannot start with
// "_" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
//
// Access. The design's rule is that every control-plane call is signed by an
// identity IAM allows, and metrics follow it rather than trusting loopback:
// a loopback peer is not an identity (a same-host reverse proxy, a published
// container port or an ssh tunnel all make remote callers look local), and
// replicas behind a load balancer do not listen on loopback at all. Metrics
// reveal no secrets, but they do reveal API ids, traffic and error rates,
// which is what CloudWatch guards with cloudwatch:GetMetricData. So a
// request is SigV4-signed like the why API (service "iamgate", any region)
// and must be allowed cloudwatch:GetMetricData on "*" (the action has no
// resource types: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
// The admin may; a least-privilege scraper user needs only that action.
// Prometheus cannot sign scrapes itself: put awslabs/aws-sigv4-proxy (service
// iamgate) in front, or use `iamgate curl --service iamgate URL` or
// `curl --aws-sigv4 aws:amz:us-east-1:iamgate` by hand.
//
// The package does not use prometheus/client_golang: its dependencies are
// not in go.sum, and the exposition of two metric families is short.
const (
	MetricsPath   = "/_iamgate/metrics"
	metricsAction = "cloudwatch:GetMetricData"
	// metricsContentType is what Prometheus expects of the text format.
	metricsContentType = "text/plain; version=0.0.4; charset=utf-8"
)

// latencyBuckets are the histogram's upper bounds in seconds: Prometheus's
// defaults, with finer sub-millisecond buckets (a denied request takes tens
// of microseconds) and API Gateway's 29 s integration limit.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 29}

// knownServices bounds the service label: anything a client can put in a
// credential scope or a Host header but that is not served here is counted
// as "unknown", so that no request can create new series.
var knownServices = map[string]bool{
	"iam": true, "sts": true, "cloudformation": true, "s3": true, "lambda": true,
	"logs": true, "apigateway": true, "execute-api": true, "iamgate": true,
}

// series names one latency histogram.
type series struct{ plane, service string }

// counterKey names one request counter.
type counterKey struct {
	series
	code int
}

type histogram struct {
	buckets []uint64 // count of observations <= latencyBuckets[i] (non-cumulative here)
	sum     float64
	count   uint64
}

// metrics holds the counters. One mutex guards all of them: a request takes
// it once, for a few map operations, far below the cost of anything else on
// the request path (see BenchmarkMetricsMiddleware).
type metrics struct {
	now      func() time.Time
	mu       sync.Mutex
	requests map[counterKey]uint64
	latency  map[series]*histogram
}

func newMetrics(now func() time.Time) *metrics {
	return &metrics{now: now, requests: map[counterKey]uint64{}, latency: map[series]*histogram{}}
}

// instrument wraps the server's handler: it counts and times every request
// and serves MetricsPath to callers IAM allows. Latency is measured on the
// wall clock (time.Now, monotonic), never on Config.Now, which tests pin to
// a fixed instant for signature vectors.
func instrument(next http.Handler, authn auth.Authenticator, authz auth.Authorizer, newID func() string) http.Handler {
	m := newMetrics(time.Now)
	return m.middleware(next, &metricsHandler{m: m, authn: authn, authz: authz, newID: newID})
}

// middleware counts and times every request through next, and hands
// control-plane requests for MetricsPath to scrape (counted too, as service
// "iamgate").
func (m *metrics) middleware(next, scrape http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := classify(r)
		start := m.now()
		sw := &statusWriter{ResponseWriter: w}
		// A host-style API may have a stage named "_iamgate" (stage names
		// allow "_"): its /_iamgate/metrics belongs to the data plane.
		if s.plane == "control" && r.URL.Path == MetricsPath {
			scrape.ServeHTTP(sw, r)
		} else {
			next.ServeHTTP(sw, r)
		}
		m.observe(s, sw.code(), m.now().Sub(start))
	})
}

func (m *metrics) observe(s series, code int, d time.Duration) {
	secs := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets, secs) // first bucket >= secs; len = only +Inf
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[counterKey{s, code}]++
	h := m.latency[s]
	if h == nil {
		h = &histogram{buckets: make([]uint64, len(latencyBuckets))}
		m.latency[s] = h
	}
	if i < len(h.buckets) {
		h.buckets[i]++
	}
	h.sum += secs
	h.count++
}

// classify names the plane and service of a request, as the dispatcher in
// build() routes it.
func classify(r *http.Request) series {
	switch {
	case gateway.Match(r):
		return series{"data", "execute-api"}
	case IsWhy(r) || r.URL.Path == MetricsPath:
		return series{"control", WhyService}
	}
	return series{"control", controlService(r)}
}

// controlService reads the service from the SigV4 credential scope
// (Authorization header or X-Amz-Credential), else from a service host name
// ("iam.amazonaws.com", "s3.localhost"), else "unknown". It validates
// nothing: the control plane does; this only labels.
func controlService(r *http.Request) string {
	if name := scopeService(r); knownServices[name] {
		return name
	}
	if name, _, ok := strings.Cut(r.Host, "."); ok && knownServices[name] {
		return name
	}
	return "unknown"
}

// scopeService returns the fourth part of "AKID/DATE/REGION/SERVICE/aws4_request".
func scopeService(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		_, cred, _ = strings.Cut(a, "Credential=")
		if i := strings.IndexAny(cred, ", "); i >= 0 {
			cred = cred[:i]
		}
	} else if strings.Contains(r.URL.RawQuery, "X-Amz-Credential") {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	// 1xx responses other than 101 are interim; the final status follows.
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush keeps streaming responses (logs -f) streaming through the wrapper.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// code is the status the client got: net/http sends 200 when a handler
// writes nothing.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// metricsHandler serves MetricsPath to callers allowed cloudwatch:GetMetricData.
type metricsHandler struct {
	m     *metrics
	authn auth.Authenticator
	authz auth.Authorizer
	newID func() string
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.newID()
	caller, err := h.authn.Authenticate(r.Context(), r, sigv4.Options{Service: WhyService})
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			awserr.WriteRESTJSON(w, awserr.FromSigV4(se, awserr.RESTJSON), reqID)
			return
		}
		awserr.WriteRESTJSON(w, awserr.New(awserr.InternalFailure, "%s", "authentication failed"), reqID)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		awserr.WriteRESTJSON(w, awserr.New(awserr.NotFoundException, "No such metrics route: %s %s", r.Method, r.URL.Path), reqID)
		return
	}
	d, err := h.authz.Authorize(r.Context(), caller, auth.Request{Action: metricsAction, Resource: "*"})
	switch {
	case err != nil:
		awserr.WriteRESTJSON(w, awserr.New(awserr.InternalFailure, "%s", "authorization failed"), reqID)
		return
	case !d.Allowed:
		awserr.WriteRESTJSON(w, awserr.New(awserr.AccessDeniedException, "%s", d.Message+d.Because), reqID)
		return
	}
	body := h.m.exposition()
	hdr := w.Header()
	hdr.Set("Content-Type", metricsContentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("x-amzn-RequestId", reqID)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// exposition renders the counters in the Prometheus text format, series
// sorted so that output is stable.
func (m *metrics) exposition() []byte {
	m.mu.Lock()
	reqs := make([]counterKey, 0, len(m.requests))
	counts := make(map[counterKey]uint64, len(m.requests))
	for k, v := range m.requests {
		reqs = append(reqs, k)
		counts[k] = v
	}
	lats := make([]series, 0, len(m.latency))
	hists := make(map[series]histogram, len(m.latency))
	for k, h := range m.latency {
		lats = append(lats, k)
		hists[k] = histogram{buckets: slices.Clone(h.buckets), sum: h.sum, count: h.count}
	}
	m.mu.Unlock()
	slices.SortFunc(reqs, func(a, b counterKey) int {
		if c := compareSeries(a.series, b.series); c != 0 {
			return c
		}
		return a.code - b.code
	})
	slices.SortFunc(lats, compareSeries)

	var b bytes.Buffer
	b.WriteString("# HELP iamgate_http_requests_total Requests answered, by plane (data: execute-api; control: AWS APIs and iamgate's own), service and status code.\n")
	b.WriteString("# TYPE iamgate_http_requests_total counter\n")
	for _, k := range reqs {
		b.WriteString("iamgate_http_requests_total")
		writeLabels(&b, "code", strconv.Itoa(k.code), "plane", k.plane, "service", k.service)
		b.WriteString(" " + strconv.FormatUint(counts[k], 10) + "\n")
	}
	b.WriteString("# HELP iamgate_http_request_duration_seconds Time from a request's arrival to the end of its response, by plane and service.\n")
	b.WriteString("# TYPE iamgate_http_request_duration_seconds histogram\n")
	for _, s := range lats {
		writeHistogram(&b, "iamgate_http_request_duration_seconds", s, hists[s])
	}
	return b.Bytes()
}

func compareSeries(a, b series) int {
	if c := strings.Compare(a.plane, b.plane); c != 0 {
		return c
	}
	return strings.Compare(a.service, b.service)
}

func writeHistogram(b *bytes.Buffer, name string, s series, h histogram) {
	var cum uint64
	for i, le := range latencyBuckets {
		cum += h.buckets[i]
		b.WriteString(name + "_bucket")
		writeLabels(b, "plane", s.plane, "service", s.service, "le", formatFloat(le))
		b.WriteString(" " + strconv.FormatUint(cum, 10) + "\n")
	}
	b.WriteString(name + "_bucket")
	writeLabels(b, "plane", s.plane, "service", s.service, "le", "+Inf")
	b.WriteString(" " + strconv.FormatUint(h.count, 10) + "\n")
	b.WriteString(name + "_sum")
	writeLabels(b, "plane", s.plane, "service", s.service)
	b.WriteString(" " + formatFloat(h.sum) + "\n")
	b.WriteString(name + "_count")
	writeLabels(b, "plane", s.plane, "service", s.service)
	b.WriteString(" " + strconv.FormatUint(h.count, 10) + "\n")
}

// writeLabels writes {k1="v1",k2="v2"} from name, value pairs.
func writeLabels(b *bytes.Buffer, pairs ...string) {
	b.WriteByte('{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(pairs[i] + `="` + escapeLabel(pairs[i+1]) + `"`)
	}
	b.WriteByte('}')
}

// labelEscaper applies the text format's three label-value escapes.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(v string) string { return labelEscaper.Replace(v) }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
