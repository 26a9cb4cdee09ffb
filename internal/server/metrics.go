package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/sigv4"
)

// Metrics: every request the server answers is counted by plane ("data":
// execute-api; "control": the AWS APIs and iamgate's own), service and
// status code, and timed into a latency histogram by plane and service;
// every Lambda invocation is counted and timed per function (metrics.go's
// lambdaMetrics). The numbers are served in the Prometheus exposition
// formats (https://prometheus.io/docs/instrumenting/exposition_formats/,
// negotiated by promhttp from the scraper's Accept header) at
//
//	GET /_iamgate/metrics
//
// The path cannot collide with path-style S3: bucket names cannot start with
// "_" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
//
// Each server has its own prometheus.Registry, never the global default one:
// two servers in one process (tests, replicas in one binary) keep separate
// counts and do not fail registering the same names.
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
const (
	MetricsPath   = "/_iamgate/metrics"
	metricsAction = "cloudwatch:GetMetricData"
	// StatusClientClosedRequest is counted when the client went away before
	// any response was written: nginx's 499, which no response carries.
	StatusClientClosedRequest = 499
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
	"logs": true, "apigateway": true, "cognito-idp": true, "execute-api": true, "iamgate": true,
}

// series names one latency histogram.
type series struct{ plane, service string }

// metrics holds one server's registry and its collectors. The vectors are
// safe for concurrent use; a request costs a map lookup and two atomic
// adds: the children of every series a request can name are kept once
// made (byKey), so the vectors' label hashing runs once per series, not
// per request (see BenchmarkMetricsMiddleware).
type metrics struct {
	now      func() time.Time
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	lambda   *lambdaMetrics
	// byKey holds every series classify can name; it is filled in
	// newMetrics and only read afterwards.
	byKey map[series]*seriesMetrics
}

// seriesMetrics are one series' children, made on first use (an unused
// series is not exposed, as with WithLabelValues).
type seriesMetrics struct {
	latency atomic.Pointer[prometheus.Observer]
	codes   [len(codeLabels)]atomic.Pointer[prometheus.Counter]
}

func newMetrics(now func() time.Time) *metrics {
	m := &metrics{
		now: now,
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "iamgate_http_requests_total",
			Help: "Requests answered, by plane (data: execute-api; control: AWS APIs and iamgate's own), service and status code (499: the client closed the request first).",
		}, []string{"code", "plane", "service"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "iamgate_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its response, by plane and service.",
			Buckets: latencyBuckets,
		}, []string{"plane", "service"}),
		lambda: newLambdaMetrics(),
	}
	m.reg.MustRegister(m.requests, m.latency)
	m.lambda.register(m.reg)
	m.byKey = map[series]*seriesMetrics{{"data", "execute-api"}: {}, {"control", "unknown"}: {}}
	for name := range knownServices {
		m.byKey[series{"control", name}] = &seriesMetrics{}
	}
	return m
}

// scrapeHandler serves MetricsPath to callers IAM allows.
func (m *metrics) scrapeHandler(authn auth.Authenticator, authz auth.Authorizer, newID func() string) http.Handler {
	return &metricsHandler{authn: authn, authz: authz, newID: newID, expose: m.handler()}
}

// handler serves the registry in the format the scraper asks for.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// Registry counts the handler's own errors (promhttp_metric_handler_errors_total) here.
		Registry: m.reg,
		// A scrape that fails to gather is answered 500 rather than with
		// partial numbers that would read as resets.
		ErrorHandling: promhttp.HTTPErrorOnError,
	})
}

// observeInvoke is the Lambda manager's Options.Observe.
func (m *metrics) observeInvoke(ev lambda.InvokeEvent) { m.lambda.observe(ev) }

// middleware counts and times every request through next, and hands
// control-plane requests for MetricsPath to scrape (counted too, as service
// "iamgate").
func (m *metrics) middleware(next, scrape http.Handler) http.Handler {
	return m.routed(func(r *http.Request) (http.Handler, series) {
		s := classify(r)
		if s.scrape(r) {
			return scrape, s
		}
		return next, s
	})
}

// routed counts and times every request through the handler route picks,
// under the series route names: the server's dispatcher classifies and
// routes in one pass (build), so that the path is matched once. Latency is
// measured on the wall clock (time.Now, monotonic), never on Config.Now,
// which tests pin to a fixed instant for signature vectors.
func (m *metrics) routed(route func(*http.Request) (http.Handler, series)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, s := route(r)
		start := m.now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		m.observe(s, sw.codeFor(r), m.now().Sub(start))
	})
}

func (m *metrics) observe(s series, code int, d time.Duration) {
	sm := m.byKey[s]
	if sm == nil || code < 0 || code >= len(sm.codes) {
		m.requests.WithLabelValues(codeLabel(code), s.plane, s.service).Inc()
		m.latency.WithLabelValues(s.plane, s.service).Observe(d.Seconds())
		return
	}
	c := sm.codes[code].Load()
	if c == nil {
		v := m.requests.WithLabelValues(codeLabels[code], s.plane, s.service)
		c = &v
		sm.codes[code].Store(c) // racing stores hold the same child
	}
	(*c).Inc()
	o := sm.latency.Load()
	if o == nil {
		v := m.latency.WithLabelValues(s.plane, s.service)
		o = &v
		sm.latency.Store(o)
	}
	(*o).Observe(d.Seconds())
}

// codeLabels are the status codes as label values, made once: strconv.Itoa
// allocates for numbers over 99, which is every status.
var codeLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func codeLabel(code int) string {
	if code >= 0 && code < len(codeLabels) {
		return codeLabels[code]
	}
	return strconv.Itoa(code)
}

// classify names the plane and service of a request, as the dispatcher in
// build() routes it.
func classify(r *http.Request) series { return classifyMatched(r, gateway.Match(r)) }

// classifyMatched is classify given gateway.Match(r), which the
// dispatcher asks once for both.
func classifyMatched(r *http.Request, data bool) series {
	switch {
	case data:
		return series{"data", "execute-api"}
	case IsWhy(r) || r.URL.Path == MetricsPath:
		return series{"control", WhyService}
	}
	return series{"control", controlService(r)}
}

// scrape tells whether r, of series s, is a scrape of MetricsPath. A
// host-style API may have a stage named "_iamgate" (stage names allow
// "_"): its /_iamgate/metrics belongs to the data plane.
func (s series) scrape(r *http.Request) bool {
	return s.plane == "control" && r.URL.Path == MetricsPath
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

// scopeService returns the service of the credential scope the request
// claims, read by sigv4.Classify as the authenticator reads it.
func scopeService(r *http.Request) string {
	return sigv4.Classify(r).Credential.Service
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

// codeFor is the status to count for r: 499 when nothing was written and
// r's context ended (net/http cancels it when the client closes the
// connection), since the client got no response at all; else code().
func (w *statusWriter) codeFor(r *http.Request) int {
	if w.status == 0 && r.Context().Err() != nil {
		return StatusClientClosedRequest
	}
	return w.code()
}

// metricsHandler serves MetricsPath to callers allowed cloudwatch:GetMetricData.
type metricsHandler struct {
	authn  auth.Authenticator
	authz  auth.Authorizer
	newID  func() string
	expose http.Handler
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.newID()
	caller, ok := authenticateAdmin(w, r, h.authn, reqID)
	if !ok {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		awserr.Admin.Write(w, awserr.New(awserr.NotFoundException, "No such metrics route: %s %s", r.Method, r.URL.Path), awserr.Reply{RequestID: reqID})
		return
	}
	if !authorizeAdmin(w, r, h.authz, caller, metricsAction, "*", reqID) {
		return
	}
	w.Header().Set("x-amzn-RequestId", reqID)
	h.expose.ServeHTTP(w, r)
}

// lambdaDurationBuckets are upper bounds in seconds, from a warm Go
// function's millisecond to Lambda's 900 s maximum timeout.
var lambdaDurationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900}

// lambdaMetrics are AWS/Lambda's per-function metrics
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html)
// in Prometheus naming: Invocations, Errors, Duration (in seconds, not
// milliseconds), Throttles and ConcurrentExecutions, plus cold starts, which
// CloudWatch only shows as REPORT's Init Duration. The function label is the
// function's name: series grow with deployed functions, never with requests.
type lambdaMetrics struct {
	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	coldStarts  *prometheus.CounterVec
	throttles   *prometheus.CounterVec
	concurrent  *prometheus.GaugeVec
}

func newLambdaMetrics() *lambdaMetrics {
	fn := []string{"function"}
	counter := func(name, help string, labels []string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	return &lambdaMetrics{
		invocations: counter("iamgate_lambda_invocations_total",
			"Invocations that reached the function, successful or not (AWS/Lambda Invocations).", fn),
		errors: counter("iamgate_lambda_errors_total",
			"Invocations that ended in a function error, by X-Amz-Function-Error (AWS/Lambda Errors).",
			[]string{"function", "function_error"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "iamgate_lambda_duration_seconds",
			Help:    "Time the function spent on an invocation, as REPORT's Duration (AWS/Lambda Duration).",
			Buckets: lambdaDurationBuckets}, fn),
		coldStarts: counter("iamgate_lambda_cold_starts_total",
			"Invocations that started a new process (REPORT lines with an Init Duration).", fn),
		throttles: counter("iamgate_lambda_throttles_total",
			"Invocations refused for lack of concurrency: past the function's ReservedConcurrentExecutions or the account's unreserved concurrency (AWS/Lambda Throttles, 429 TooManyRequestsException).", fn),
		concurrent: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "iamgate_lambda_concurrent_executions",
			Help: "Invocations in progress (AWS/Lambda ConcurrentExecutions)."}, fn),
	}
}

func (l *lambdaMetrics) register(reg prometheus.Registerer) {
	reg.MustRegister(l.invocations, l.errors, l.duration, l.coldStarts, l.throttles, l.concurrent)
}

// observe records one event of the Lambda manager.
func (l *lambdaMetrics) observe(ev lambda.InvokeEvent) {
	// Prometheus label values must be UTF-8 (WithLabelValues panics
	// otherwise); Lambda function names are ASCII, but this runs on the
	// invoke path and must not be the thing that fails it.
	fn := strings.ToValidUTF8(ev.Function, "\uFFFD")
	switch ev.Kind {
	case lambda.InvokeStarted:
		l.concurrent.WithLabelValues(fn).Inc()
	case lambda.InvokeThrottled:
		l.throttles.WithLabelValues(fn).Inc()
	case lambda.InvokeFinished:
		l.concurrent.WithLabelValues(fn).Dec()
		l.finished(fn, ev)
	}
}

func (l *lambdaMetrics) finished(fn string, ev lambda.InvokeEvent) {
	if !ev.Invoked {
		return
	}
	l.invocations.WithLabelValues(fn).Inc()
	if ev.FunctionError != "" {
		l.errors.WithLabelValues(fn, functionErrorLabel(ev.FunctionError)).Inc()
	}
	if ev.Completed {
		l.duration.WithLabelValues(fn).Observe(ev.Duration.Seconds())
	}
	if ev.ColdStart {
		l.coldStarts.WithLabelValues(fn).Inc()
	}
}

// functionErrorLabel bounds the function_error label to the values of
// X-Amz-Function-Error (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
func functionErrorLabel(v string) string {
	if v == "Handled" {
		return v
	}
	return "Unhandled"
}
