package apigwapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
)

// APIs is what the handler reads from package apigw; *apigw.Service
// satisfies it.
type APIs interface {
	ListRestAPIs(ctx context.Context) ([]apigw.RestAPI, error)
	GetRestAPI(ctx context.Context, id string) (apigw.RestAPI, error)
	GetResources(ctx context.Context, apiID string) ([]apigw.Resource, error)
	GetStages(ctx context.Context, apiID string) ([]apigw.Stage, error)
	GetStage(ctx context.Context, apiID, name string) (apigw.Stage, error)
	GetDeployments(ctx context.Context, apiID string) ([]apigw.Deployment, error)
	GetDeployment(ctx context.Context, apiID, id string) (apigw.Deployment, error)
	GetAuthorizers(ctx context.Context, apiID string) ([]apigw.Authorizer, error)
	GetAuthorizer(ctx context.Context, apiID, id string) (apigw.Authorizer, error)
}

var _ APIs = (*apigw.Service)(nil)

// Options configures a Handler. APIs and Authz are required.
type Options struct {
	APIs  APIs
	Authz auth.Authorizer
	// Region (the resource ARNs' region), Logger, Caller and RequestID,
	// defaulted alike for every mounted service; AccountID is unused.
	controlplane.MountOptions
}

// Handler serves the API Gateway control plane. Mount it in
// controlplane.Options.Services["apigateway"].
type Handler struct {
	o   Options
	log *slog.Logger
}

// New returns a Handler.
func New(o Options) *Handler {
	o.MountOptions = o.MountOptions.Filled()
	return &Handler{o: o, log: o.Logger.With("component", "apigwapi")}
}

type call struct {
	h      *Handler
	ctx    context.Context
	caller *auth.Caller
	r      *http.Request
	rt     route
}

// ServeHTTP routes, authorizes and answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, reqID := h.o.Request(r.Context())
	c := &call{h: h, ctx: r.Context(), caller: caller, r: r}
	out, err := c.serve()
	if err != nil {
		e := awserr.As(err)
		h.log.Info("request failed", "request_id", reqID, "operation", c.rt.op, "code", string(e.Code), "principal_arn", c.caller.ARN)
		if e.Code == awserr.InternalFailure {
			h.log.Error("apigateway operation", "request_id", reqID, "err", err)
		}
		awserr.WriteRESTJSON(w, e, reqID)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		awserr.WriteRESTJSON(w, awserr.As(err), reqID)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	if reqID != "" {
		hd.Set("x-amzn-RequestId", reqID)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	h.log.Info("request", "request_id", reqID, "operation", c.rt.op, "principal_arn", c.caller.ARN)
}

func (c *call) serve() (any, error) {
	rt, ok := parseRoute(c.r.URL.Path)
	if !ok {
		return nil, awserr.New(awserr.NotFoundException, "Invalid request path")
	}
	c.rt = rt
	if c.r.Method != http.MethodGet {
		// Writes go through CloudFormation here; answer as API Gateway
		// does for a method a resource does not support.
		return nil, awserr.New(awserr.BadRequestException, "This operation is not supported by iamgate; deploy changes through CloudFormation")
	}
	if err := c.authorize(); err != nil {
		return nil, err
	}
	return handlers[rt.op](c)
}

// authorize checks apigateway:GET on the resource path, the ARN form API
// Gateway's management permissions use: arn:aws:apigateway:REGION::/restapis/ID/...
func (c *call) authorize() error {
	resource := "arn:aws:apigateway:" + c.h.o.Region + "::" + strings.TrimSuffix(c.r.URL.Path, "/")
	action := "apigateway:" + c.r.Method
	return controlplane.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: action, Resource: resource}, awserr.AccessDeniedException)
}

// route is a decoded /restapis path.
type route struct {
	op                                  string
	api, resource, method, stage, depID string
	authorizer                          string
}

// parseRoute maps a /restapis path to a read operation.
func parseRoute(path string) (route, bool) {
	p := strings.Split(strings.Trim(path, "/"), "/")
	if p[0] != "restapis" {
		return route{}, false
	}
	switch {
	case len(p) == 1:
		return route{op: "GetRestApis"}, true
	case p[1] == "":
		return route{}, false
	case len(p) == 2:
		return route{op: "GetRestApi", api: p[1]}, true
	}
	r := route{api: p[1]}
	switch {
	case len(p) == 3 && p[2] == "resources":
		r.op = "GetResources"
	case len(p) == 4 && p[2] == "resources":
		r.op, r.resource = "GetResource", p[3]
	case len(p) == 6 && p[2] == "resources" && p[4] == "methods":
		r.op, r.resource, r.method = "GetMethod", p[3], strings.ToUpper(p[5])
	case len(p) == 3 && p[2] == "stages":
		r.op = "GetStages"
	case len(p) == 4 && p[2] == "stages":
		r.op, r.stage = "GetStage", p[3]
	case len(p) == 3 && p[2] == "deployments":
		r.op = "GetDeployments"
	case len(p) == 4 && p[2] == "deployments":
		r.op, r.depID = "GetDeployment", p[3]
	case len(p) == 3 && p[2] == "authorizers":
		r.op = "GetAuthorizers"
	case len(p) == 4 && p[2] == "authorizers":
		r.op, r.authorizer = "GetAuthorizer", p[3]
	default:
		return route{}, false
	}
	return r, true
}
