package lambdaapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/lambda"
)

// Functions is what the handler needs from package functions;
// *functions.Service satisfies it.
type Functions interface {
	ARN(name string) string
	Get(ctx context.Context, name string) (functions.Config, error)
	List(ctx context.Context) ([]functions.Config, error)
	Put(ctx context.Context, c functions.Config, zipped []byte) (functions.Config, error)
	Delete(ctx context.Context, name string) error
	AddPermission(ctx context.Context, name string, p functions.Permission) error
	RemovePermission(ctx context.Context, name, sid string) error
	PutConcurrency(ctx context.Context, name string, n int) error
	DeleteConcurrency(ctx context.Context, name string) error
	AccountConcurrency(ctx context.Context) (limit, unreserved int, err error)
	Reconfigure(ctx context.Context, c functions.Config) (functions.Config, error)
	Versions
	Layers
	LayerPolicies
}

// Versions is the versions and aliases part of Functions.
type Versions interface {
	Version(ctx context.Context, name, version string) (functions.Config, error)
	PublishVersion(ctx context.Context, name, description, codeSha256, revisionID string) (functions.Config, error)
	ListVersions(ctx context.Context, name string) ([]functions.Config, error)
	DeleteVersion(ctx context.Context, name, version string) error
	CreateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error)
	GetAlias(ctx context.Context, name, alias string) (functions.Alias, error)
	UpdateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error)
	DeleteAlias(ctx context.Context, name, alias string) error
	ListAliases(ctx context.Context, name, version string) ([]functions.Alias, error)
	Resolve(ctx context.Context, name, qualifier string) (functions.Config, error)
	QualifiedPolicy(ctx context.Context, name, qualifier string) (string, error)
	CreateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error)
	GetURL(ctx context.Context, name, q string) (functions.URLConfig, error)
	UpdateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error)
	DeleteURL(ctx context.Context, name, q string) error
	ListURLs(ctx context.Context, name string) ([]functions.URLConfig, error)
}

// Invoker runs functions; *lambda.Manager satisfies it.
type Invoker interface {
	Invoke(ctx context.Context, name string, payload []byte, o lambda.InvokeOptions) (*lambda.Result, error)
}

var (
	_ Functions = (*functions.Service)(nil)
	_ Invoker   = (*lambda.Manager)(nil)
)

// Options configures a Handler. Functions, Invoker and Authz are required.
type Options struct {
	Functions Functions
	Invoker   Invoker
	Authz     auth.Authorizer
	// Code reads an S3 object for CreateFunction/UpdateFunctionCode with
	// S3Bucket and S3Key; nil answers those with InvalidParameterValueException.
	Code func(ctx context.Context, bucket, key string) ([]byte, error)
	// Roles reads execution roles' trust policies; nil refuses every role
	// ("cannot be assumed by Lambda").
	Roles Roles
	// Region, AccountID, Logger, Caller and RequestID, defaulted alike
	// for every mounted service.
	mount.Options
}

// Handler serves Lambda's API. Mount it in controlplane.Options.Services["lambda"].
type Handler struct {
	o   Options
	log *slog.Logger

	// async owns Event invocations: they outlive their request and are
	// waited for by Close.
	async     sync.WaitGroup
	asyncCtx  context.Context
	asyncStop context.CancelFunc
}

// New returns a Handler.
func New(o Options) *Handler {
	o.Options = o.Options.Filled()
	ctx, cancel := context.WithCancel(context.Background())
	return &Handler{o: o, log: o.Logger.With("component", "lambdaapi"), asyncCtx: ctx, asyncStop: cancel}
}

// Close cancels asynchronous invocations still running and waits for them,
// or for ctx.
func (h *Handler) Close(ctx context.Context) error {
	h.asyncStop()
	done := make(chan struct{})
	go func() { h.async.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call is one request being served.
type call struct {
	h      *Handler
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context
	caller *auth.Caller
	reqID  string
	rt     route
	fname  string // the function's name
	qual   string // its version or alias, from the path or ?Qualifier; "" none
}

// ServeHTTP routes the request, then runs the operation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, reqID := h.o.Request(r.Context())
	c := &call{h: h, w: w, r: r, ctx: r.Context(), caller: caller, reqID: reqID}
	rt, ok := parseRoute(r.Method, r.URL.EscapedPath())
	if !ok {
		c.fail(awserr.New(awserr.UnknownOperationException, "Unknown operation"))
		return
	}
	c.rt = rt
	if rt.function != "" {
		// Before anything uses it: names must never reach a path (issue 10).
		if err := functions.ValidateName(rt.function); err != nil {
			c.fail(err)
			return
		}
		region, acct := functions.Owner(rt.function)
		if region != "" && region != h.o.Region {
			c.fail(awserr.New(ResourceNotFound, "Functions from '%s' are not reachable in this region ('%s')", region, h.o.Region))
			return
		}
		if acct != "" && acct != h.o.AccountID {
			c.fail(c.otherAccount(acct))
			return
		}
		name, q, err := functions.Qualify(rt.function, r.URL.Query().Get("Qualifier"))
		if err != nil {
			c.fail(err)
			return
		}
		c.fname, c.qual = name, q
	}
	if err := ops[rt.op](c); err != nil {
		c.fail(err)
		return
	}
	h.log.Info("request", "request_id", c.reqID, "operation", rt.op, "principal_arn", c.caller.ARN)
}

// otherAccount answers a call on another account's function. iamgate holds
// one account, so that function is not here; but Lambda decides access
// before existence, and a cross-account call needs the function's
// resource-based policy to allow it, which a function that is not here
// cannot have: the caller gets the one authorizer's denial ("... because
// no resource-based policy allows ..."), never this account's function of
// the same name.
func (c *call) otherAccount(acct string) error {
	name, q := functions.Split(c.rt.function)
	resource := arn.LambdaFunction(c.h.o.Region, acct, name)
	if q != "" {
		resource += ":" + q
	}
	action := "lambda:" + c.rt.op
	if c.rt.op == "Invoke" {
		action = "lambda:InvokeFunction"
	}
	err := mount.Authorize(c.ctx, c.h.o.Authz, c.caller,
		auth.Request{Action: action, Resource: resource, ResourceAccount: acct}, awserr.AccessDeniedException)
	if err != nil {
		return err
	}
	return awserr.New(ResourceNotFound, "Function not found: %s", resource)
}

var ops = map[string]func(*call) error{
	"ListFunctions":                (*call).listFunctions,
	"GetFunction":                  (*call).getFunction,
	"GetFunctionConfiguration":     (*call).getFunctionConfiguration,
	"Invoke":                       (*call).invoke,
	"GetPolicy":                    (*call).getPolicy,
	"AddPermission":                (*call).addPermission,
	"RemovePermission":             (*call).removePermission,
	"CreateFunction":               (*call).createFunction,
	"UpdateFunctionCode":           (*call).updateFunctionCode,
	"DeleteFunction":               (*call).deleteFunction,
	"PutFunctionConcurrency":       (*call).putFunctionConcurrency,
	"GetFunctionConcurrency":       (*call).getFunctionConcurrency,
	"DeleteFunctionConcurrency":    (*call).deleteFunctionConcurrency,
	"GetAccountSettings":           (*call).getAccountSettings,
	"PublishVersion":               (*call).publishVersion,
	"ListVersionsByFunction":       (*call).listVersions,
	"CreateAlias":                  (*call).createAlias,
	"GetAlias":                     (*call).getAlias,
	"UpdateAlias":                  (*call).updateAlias,
	"DeleteAlias":                  (*call).deleteAlias,
	"ListAliases":                  (*call).listAliases,
	"CreateFunctionUrlConfig":      (*call).createURL,
	"GetFunctionUrlConfig":         (*call).getURL,
	"UpdateFunctionUrlConfig":      (*call).updateURL,
	"DeleteFunctionUrlConfig":      (*call).deleteURL,
	"ListFunctionUrlConfigs":       (*call).listURLs,
	"UpdateFunctionConfiguration":  (*call).updateFunctionConfiguration,
	"PublishLayerVersion":          (*call).publishLayerVersion,
	"GetLayerVersion":              (*call).getLayerVersion,
	"ListLayers":                   (*call).listLayers,
	"ListLayerVersions":            (*call).listLayerVersions,
	"DeleteLayerVersion":           (*call).deleteLayerVersion,
	"AddLayerVersionPermission":    (*call).addLayerVersionPermission,
	"GetLayerVersionPolicy":        (*call).getLayerVersionPolicy,
	"RemoveLayerVersionPermission": (*call).removeLayerVersionPermission,
}

func (c *call) fail(err error) {
	e := awserr.As(err)
	if e.Code == awserr.InternalFailure {
		c.h.log.Error("lambda operation", "request_id", c.reqID, "op", c.rt.op, "err", err)
	}
	c.h.log.Info("request failed", "request_id", c.reqID, "code", string(e.Code), "principal_arn", c.caller.ARN)
	awserr.Lambda.Write(c.w, e, awserr.Reply{RequestID: c.reqID, Log: c.h.log})
}

// authorize asks IAM; a denial is Lambda's AccessDeniedException:
// "User: ARN is not authorized to perform: lambda:GetFunction on resource:
// ARN because no identity-based policy allows the lambda:GetFunction action".
func (c *call) authorize(action, resource string, policies ...auth.Policy) error {
	return mount.Authorize(c.ctx, c.h.o.Authz, c.caller,
		auth.Request{Action: action, Resource: resource, ResourcePolicies: policies}, awserr.AccessDeniedException)
}

// writeJSON answers with v as JSON.
func (c *call) writeJSON(status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	controlplane.Reply(c.w, status, c.reqID, "application/json", b)
	return nil
}

func (c *call) noContent() error {
	if c.reqID != "" {
		c.w.Header().Set("x-amzn-RequestId", c.reqID)
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// readJSON decodes a request body; malformed JSON is Lambda's
// InvalidRequestContentException.
func (c *call) readJSON(v any, limit int64) error {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > limit {
		return tooLarge(c.rt.op)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return awserr.New(InvalidRequestContent, "Could not parse request body into json: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// name resolves the route's function name: a name, a partial ARN
// (123456789012:function:name) or a full ARN, with an optional qualifier.
func (c *call) name() string { return c.fname }

// arn is the resource ARN IAM checks for the route's function: the version
// or alias ARN when the request names one (qualified ARNs are resources of
// their own in Lambda's policies), else the function's.
func (c *call) arn() string {
	if c.qual != "" && c.qual != functions.Latest {
		return c.h.o.Functions.ARN(c.fname) + ":" + c.qual
	}
	return c.h.o.Functions.ARN(c.fname)
}

// unqualifiedARN is the function's ARN, for the operations that act on the
// function whatever the request's qualifier (PublishVersion, aliases).
func (c *call) unqualifiedARN() string { return c.h.o.Functions.ARN(c.fname) }

// qualifiedName is the name with its qualifier, as the functions service
// takes it for a version's or alias's policy.
func (c *call) qualifiedName() string {
	if c.qual != "" {
		return c.fname + ":" + c.qual
	}
	return c.fname
}

// timestamp writes LastModified as Lambda does: "2019-10-29T17:31:34.384+0000".
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }
