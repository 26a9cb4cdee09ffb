package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/audit"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/apigwapi"
	"github.com/iamgate/iamgate/internal/controlplane/apigwv2api"
	"github.com/iamgate/iamgate/internal/controlplane/cfnapi"
	"github.com/iamgate/iamgate/internal/controlplane/cognitoapi"
	"github.com/iamgate/iamgate/internal/controlplane/iamapi"
	"github.com/iamgate/iamgate/internal/controlplane/lambdaapi"
	"github.com/iamgate/iamgate/internal/controlplane/logsapi"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/s3api"
	"github.com/iamgate/iamgate/internal/controlplane/stsapi"
	"github.com/iamgate/iamgate/internal/credfile"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/functionurl"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/httpapi"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
	"github.com/iamgate/iamgate/internal/jwtauth"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/logs"
	"github.com/iamgate/iamgate/internal/responsebucket"
	"github.com/iamgate/iamgate/internal/s3"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/store"
)

// Config configures a Server.
type Config struct {
	Addr      string // listen address, default 127.0.0.1:4566
	DataDir   string // default ./.iamgate
	Store     string // "" or "sqlite" (in DataDir), "sqlite:PATH", or a postgres:// URL
	AccountID string
	Region    string
	Logger    *slog.Logger
	Now       func() time.Time
	// IncludeFallbackDir, when set, is where an AWS::Include object missing
	// from S3 is taken from, by its file name, and stored at its S3
	// location (`up`'s convenience).
	IncludeFallbackDir string
	// Notice receives one-line messages meant for the person at the terminal.
	Notice func(string)
	// MasterKeyFile, when set, is the 32-byte key that seals secrets in the
	// store; replicas sharing one PostgreSQL must share it. Default:
	// {DataDir}/master.key, created on first start.
	MasterKeyFile string
	// Conn bounds connections; zero fields take AWS-like defaults
	// (connlimit.go).
	Conn ConnLimits
	// LogsMaxEvents and LogsMaxBytes cap each log group: past either, its
	// oldest events are dropped. Zero: 100,000 events, 64 MiB; negative:
	// no cap.
	LogsMaxEvents int64
	LogsMaxBytes  int64
	// IAMMode is enforce (the zero value) or audit, for all or some
	// principals: denials are recorded and logged but served.
	IAMMode audit.Mode
	// DecisionLogSize bounds the decisions kept in the store (0: the
	// default, audit.DefaultKeep; < 0: unbounded).
	DecisionLogSize int
	// LambdaConcurrency is the account's concurrent executions quota
	// (0: lambda.DefaultAccountConcurrency); LambdaIdleTimeout how long an
	// idle function instance stays warm (0: lambda.DefaultIdleTimeout).
	LambdaConcurrency int
	LambdaIdleTimeout time.Duration
	// NodeModules are node_modules folders on Node.js functions' NODE_PATH,
	// where the AWS SDK for JavaScript Lambda's runtimes include can be
	// provided.
	NodeModules []string
	// StackWait is how long the CloudFormation calls that start a stack
	// operation wait for it before they answer (stack.Options.ExecuteWait);
	// zero: 10 s, negative: answer at once, as AWS does.
	StackWait time.Duration
	// CustomResourceTimeout bounds the wait for a custom resource's answer
	// (stack.Options.CustomResourceTimeout); zero: 5 minutes.
	CustomResourceTimeout time.Duration
}

// ConnLimits are the listener's timeouts and connection limit.
type ConnLimits struct {
	HeaderTimeout time.Duration // request line and headers
	BodyIdle      time.Duration // longest silence within a request body
	IdleTimeout   time.Duration // keep-alive connection between requests
	MaxConns      int           // open connections at once
}

// Server is one iamgate node.
type Server struct {
	cfg Config
	log *slog.Logger
	st  store.Store
	// The services, unexported: clients reach them over the API (the
	// package's own tests set up state through them in-process).
	iam       *iam.Service
	objects   *s3.Service
	logGroups *logs.Service
	apis      *apigw.Service
	httpAPIs  *httpapi.Service
	cognito   *cognito.Service
	funcs     *functions.Service
	stacks    *stack.Engine
	runtime   *lambda.Manager
	lambdaAPI *lambdaapi.Handler
	includes  *includes
	responses *responsebucket.Bucket
	handler   http.Handler
	http      *http.Server
	ln        net.Listener
	endpoint  string
	rootKey   iam.AccessKey
	audit     *audit.Auditor
	node      *node
	mu        sync.Mutex
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:4566"
	}
	if c.DataDir == "" {
		c.DataDir = ".iamgate"
	}
	if c.AccountID == "" {
		c.AccountID = "000000000000"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Notice == nil {
		c.Notice = func(string) {}
	}
	switch {
	case c.StackWait == 0:
		c.StackWait = 10 * time.Second
	case c.StackWait < 0:
		c.StackWait = 0
	}
	c.Conn.defaults()
}

func (c *ConnLimits) defaults() {
	if c.HeaderTimeout <= 0 {
		c.HeaderTimeout = defaultHeaderTimeout
	}
	if c.BodyIdle <= 0 {
		c.BodyIdle = defaultBodyIdle
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	if c.MaxConns <= 0 {
		c.MaxConns = defaultMaxConns
	}
}

// New opens the data dir and store and builds every service. Nothing
// listens until Listen.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg.defaults()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	sealer, err := openSealer(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	n, err := openNode(cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, st: st, node: n}
	s.build(sealer)
	if err := s.start(ctx); err != nil {
		_ = s.runtime.Close(ctx)
		st.Close()
		n.Close()
		return nil, err
	}
	return s, nil
}

// start readies the root key, the functions and the stack engine, which
// resolves what a stopped server left in progress.
func (s *Server) start(ctx context.Context) error {
	key, err := s.iam.EnsureRootKey(ctx)
	if errors.Is(err, seal.ErrOpen) {
		return fmt.Errorf("the store's secrets were sealed with another master key: every server sharing a store needs the same key (copy master.key from the first server's data dir, or pass --master-key-file)")
	}
	if err != nil {
		return fmt.Errorf("root credentials: %w", err)
	}
	s.rootKey = key
	if err := credfile.Write(filepath.Join(s.cfg.DataDir, "credentials"), "default", key.AccessKeyID, key.Secret.Reveal()); err != nil {
		return err
	}
	s.cfg.Notice(s.runtime.Isolation())
	if err := s.funcs.LoadAll(ctx); err != nil {
		return fmt.Errorf("loading functions: %w", err)
	}
	if err := s.stacks.Start(ctx); err != nil {
		return fmt.Errorf("stack engine: %w", err)
	}
	return nil
}

func (s *Server) build(sealer *seal.Sealer) {
	cfg := s.cfg
	s.iam = iam.New(s.st, sealer, iam.Options{AccountID: cfg.AccountID, Now: cfg.Now, ValidatePolicy: validatePolicy,
		ValidateTrustPolicy: validateTrustPolicy})
	s.objects = s3.New(s.st, cfg.Region, cfg.Now)
	s.logGroups = logs.New(s.st, logs.Options{Region: cfg.Region, AccountID: cfg.AccountID, Now: cfg.Now,
		Logger: s.log.With("component", "logs"), MaxEventsPerGroup: cfg.LogsMaxEvents, MaxBytesPerGroup: cfg.LogsMaxBytes})
	s.apis = apigw.New(s.st, apigw.Options{AccountID: cfg.AccountID, Region: cfg.Region, Now: cfg.Now})
	s.httpAPIs = httpapi.New(s.st, httpapi.Options{AccountID: cfg.AccountID, Region: cfg.Region, Now: cfg.Now})
	s.cognito = cognito.New(s.st, cognito.Options{Region: cfg.Region, AccountID: cfg.AccountID, Sealer: sealer, Now: cfg.Now,
		Logger: s.log.With("component", "cognito"), Deliver: cognitoInbox{s.logGroups, s.log, cfg.Now}.deliver})
	m := newMetrics(time.Now)
	s.runtime = lambda.NewManager(lambda.Options{Logs: logSink{s.logGroups}, Logger: s.log, Now: cfg.Now, Region: cfg.Region,
		Credentials: s.functionCredentials, Observe: m.observeInvoke,
		AccountConcurrency: cfg.LambdaConcurrency, IdleTimeout: cfg.LambdaIdleTimeout, NodeModules: cfg.NodeModules})
	// Function code lives outside the data dir, where function processes
	// cannot reach the data dir's secrets (lambda.Manager.CodeRoot).
	codeRoot, _ := s.runtime.CodeRoot() // "": deploys fail with the reason
	s.funcs = functions.New(s.st, s.runtime, codeRoot, cfg.Region, cfg.AccountID, cfg.Now, functions.WithSealer(sealer),
		functions.WithAccountConcurrency(cfg.LambdaConcurrency))
	s.includes = &includes{objects: s.objects, notice: cfg.Notice, fallbackDir: cfg.IncludeFallbackDir}
	s.audit = newAuditor(cfg, s.st, s.log)
	authn := auditedService{auth.NewService(s.iam, cfg.Now), s.audit}
	s.stacks = stack.New(stack.Options{Store: s.st, Region: cfg.Region, AccountID: cfg.AccountID, Now: cfg.Now,
		Logger: s.log.With("component", "stack"), Includes: s.includes, Sealer: sealer,
		Authz: authn, Sessions: authn, Node: s.node.id, ExecuteWait: cfg.StackWait, CustomResourceTimeout: cfg.CustomResourceTimeout})
	s.stacks.RegisterIAM(s.iam)
	s.stacks.RegisterAPIGateway(s.apis)
	s.stacks.RegisterHTTPAPIs(s.httpAPIs)
	s.stacks.RegisterAPIKeys(s.apis)
	s.stacks.RegisterDomains(s.apis)
	s.stacks.RegisterAPIAuthorizers(s.apis)
	s.stacks.RegisterLambda(s.funcs, s.includes)
	s.stacks.RegisterS3(s.objects, validateResourcePolicy)
	s.stacks.RegisterLogs(s.logGroups, cfg.Region, cfg.AccountID)
	s.stacks.RegisterCognito(s.cognito)
	s.responses = responsebucket.New(s.st, cfg.Region, s.Endpoint, cfg.Now)
	s.stacks.RegisterCustomResources(eventInvoker{s.runtime, s.funcs}, s.responses)
	gw := gateway.New(gateway.Options{APIs: s.apis, APIKeys: s.apis, Usage: s.apis, AccessLogs: logSink{s.logGroups}, Domains: s.apis, Auth: authn, Authz: authn, Invoker: invoker{s.runtime, s.funcs},
		Region: cfg.Region, AccountID: cfg.AccountID, Now: cfg.Now, Logger: s.log,
		// NewRequestID unset: the gateway makes its three ids from one random read.
		FunctionPolicies: functionPolicies{s.funcs}, Roles: authn, HTTPAPIs: s.httpAPIs,
		Tokens: jwtauth.New(tokenKeys{s.cognito, jwtauth.NewRemote(jwtauth.RemoteOptions{Now: cfg.Now})}, cfg.Now)})
	dl, _ := s.st.(store.DecisionLog)
	decisions := &decisionsHandler{authn: authn, authz: authn, log: dl, flush: s.audit.Flush, newID: uuid.NewString}
	why := &whyHandler{gw: gw, authn: authn, authz: authn, newID: uuid.NewString}
	mounted := func(component string) mount.Options {
		return mount.Options{Region: cfg.Region, AccountID: cfg.AccountID, Logger: s.log.With("component", component)}
	}
	s.lambdaAPI = lambdaapi.New(lambdaapi.Options{Functions: s.funcs, Invoker: syncInvoker{s.runtime, s.funcs}, Authz: authn, Roles: s.iam,
		Code: s.objectBytes, Options: mounted("lambda-api")})
	cognitoAPI := cognitoapi.New(cognitoapi.Options{Pools: s.cognito, Authz: authn, Options: mounted("cognito-idp")})
	mounts := map[string]controlplane.Mount{
		"s3": {S3: true, Anonymous: true, Limit: s3api.BodyLimit,
			Handler: s3api.New(s3api.Options{Objects: s.objects, Authz: authn, Now: cfg.Now, Options: mounted("s3")})},
		"lambda": {Handler: s.lambdaAPI, Limit: s.lambdaAPI.BodyLimit},
		"logs": {Limit: logsapi.BodyLimit, Handler: logsapi.New(logsapi.Options{Logs: s.logGroups, Authz: authn,
			Options: mounted("logs")})},
		"apigateway": {Handler: apigatewayMount(
			apigwapi.New(apigwapi.Options{APIs: s.apis, Authz: authn, TestInvoke: testInvoker(s.apis, gw), Options: mounted("apigateway")}),
			apigwv2api.New(apigwv2api.Options{APIs: s.httpAPIs, Authz: authn, Options: mounted("apigatewayv2")}))},
		// Cognito's public operations are unsigned; the handler refuses
		// unsigned calls of the others.
		"cognito-idp": {Anonymous: true, Handler: cognitoAPI},
	}
	mounts["iam"] = controlplane.QueryMount(iamapi.New(iamapi.Options{IAM: s.iam, Authz: authn, Evaluator: authn, Now: cfg.Now,
		Options: mounted("controlplane")}))
	mounts["sts"] = controlplane.QueryMount(stsapi.New(stsapi.Options{IAM: s.iam, Authz: authn, Now: cfg.Now,
		Options: mounted("controlplane")}))
	mounts["cloudformation"] = controlplane.QueryMount(cfnapi.New(cfnapi.Options{Stacks: s.stacks, Authz: authn, Now: cfg.Now,
		Options: mounted("controlplane")}))
	cp := controlplane.New(controlplane.Options{Auth: authn, Services: mounts,
		Region: cfg.Region, AccountID: cfg.AccountID, Now: cfg.Now, Logger: s.log.With("component", "controlplane"), NewRequestID: uuid.NewString})
	furls := functionurl.New(functionurl.Options{URLs: s.funcs, Auth: authn, Authz: authn, Invoker: invoker{s.runtime, s.funcs},
		Region: cfg.Region, AccountID: cfg.AccountID, Now: cfg.Now, Logger: s.log})
	scrape := m.scrapeHandler(authn, authn, uuid.NewString)
	// route classifies (the metrics' series) and dispatches in one pass, so
	// that gateway.Match, which splits the path, runs once per request.
	route := func(r *http.Request) (http.Handler, series) {
		data := gateway.Match(r)
		sr := classifyMatched(r, data)
		switch {
		case sr.scrape(r):
			return scrape, sr
		case isFunctionURL(r):
			return furls, sr
		case data || gw.MatchDomain(r):
			return gw, sr
		// After the API hosts, so that no stage path is shadowed; before
		// S3, whose account does not own the bucket.
		case s.responses.Match(r):
			return s.responses, sr
		case isCognitoWellKnown(r):
			return cognitoAPI, sr
		case r.URL.Path == DecisionsPath:
			return decisions, sr
		case IsWhy(r):
			return why, sr
		}
		return cp, sr
	}
	s.handler = s.audit.Handler(m.routed(route))
	s.handler = bodyIdle(s.handler, cfg.Conn.BodyIdle)
}

// apigatewayMount serves the signing name "apigateway": API Gateway v2
// (HTTP APIs) under /v2/, the REST API control plane elsewhere.
func apigatewayMount(v1, v2 http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if apigwv2api.IsV2(r) {
			v2.ServeHTTP(w, r)
			return
		}
		v1.ServeHTTP(w, r)
	})
}

func openSealer(cfg Config) (*seal.Sealer, error) {
	if cfg.MasterKeyFile == "" {
		return seal.Open(cfg.DataDir)
	}
	key, err := os.ReadFile(cfg.MasterKeyFile)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	return seal.New(key)
}

func validatePolicy(doc string) error {
	_, err := iampolicy.Parse([]byte(doc), iampolicy.IdentityPolicy)
	return err
}

func validateResourcePolicy(doc string) error {
	_, err := iampolicy.Parse([]byte(doc), iampolicy.ResourcePolicy)
	return err
}

func validateTrustPolicy(doc string) error {
	_, err := iampolicy.Parse([]byte(doc), iampolicy.TrustPolicy)
	return err
}

func openStore(ctx context.Context, cfg Config) (store.Store, error) {
	switch {
	case cfg.Store == "" || cfg.Store == "sqlite":
		return openSQLite(filepath.Join(cfg.DataDir, "iamgate.db"))
	case strings.HasPrefix(cfg.Store, "sqlite:"):
		return openSQLite(strings.TrimPrefix(cfg.Store, "sqlite:"))
	case strings.HasPrefix(cfg.Store, "postgres://"), strings.HasPrefix(cfg.Store, "postgresql://"):
		return openPostgres(ctx, cfg.Store)
	}
	return nil, fmt.Errorf("--store %q: want sqlite, sqlite:PATH or a postgres:// URL", cfg.Store)
}

// Handler returns the server's HTTP handler (for tests over httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// rootCaller is the account root as a verified caller, for in-process work
// done with the admin identity (stack.WithCaller in tests).
func (s *Server) rootCaller(ctx context.Context) (*auth.Caller, error) {
	p, err := s.iam.Principal(ctx, s.rootKey.AccessKeyID)
	if err != nil {
		return nil, err
	}
	return &auth.Caller{AccessKeyID: s.rootKey.AccessKeyID, ARN: p.ARN, AccountID: p.AccountID, UserID: p.UserID,
		Username: p.Username, Type: p.Type}, nil
}

// RootKey returns the admin access key id and secret.
func (s *Server) RootKey() (id, secret string) {
	return s.rootKey.AccessKeyID, s.rootKey.Secret.Reveal()
}

// Endpoint returns the server's URL once it listens.
func (s *Server) Endpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoint
}

// Config returns the effective configuration.
func (s *Server) Config() Config { return s.cfg }

// Listen binds the listen address and returns the bound address.
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, err
	}
	ln = limitListener(ln, s.cfg.Conn.MaxConns)
	if ln, err = s.secure(ln); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ln = ln
	s.http = &http.Server{Handler: s.handler, ReadHeaderTimeout: s.cfg.Conn.HeaderTimeout, IdleTimeout: s.cfg.Conn.IdleTimeout}
	s.endpoint = "http://" + ln.Addr().String()
	s.mu.Unlock()
	// Client subcommands find a server on a non-default address through this file.
	if err := os.WriteFile(filepath.Join(s.cfg.DataDir, "endpoint"), []byte(s.endpoint+"\n"), 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln.Addr(), nil
}

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Serve() error {
	s.mu.Lock()
	srv, ln := s.http, s.ln
	s.mu.Unlock()
	if srv == nil {
		return errors.New("server: Serve before Listen")
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown drains HTTP, then the stack operations running (those still
// running when ctx ends stop before their next resource and are resolved at
// the next start), then stops function processes, stores the log events
// they left queued, and closes the store.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	s.mu.Lock()
	srv := s.http
	s.mu.Unlock()
	if srv != nil {
		errs = append(errs, srv.Shutdown(ctx))
	}
	errs = append(errs, s.stacks.Close(ctx))
	errs = append(errs, s.lambdaAPI.Close(ctx), s.runtime.Close(ctx), s.logGroups.Close(ctx), s.audit.Close(ctx), s.st.Close(), s.node.Close())
	return errors.Join(errs...)
}
