package apigwv2api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/controlplane/restroute"
	"github.com/iamgate/iamgate/internal/httpapi"
)

// APIs is what the handler reads from package httpapi; *httpapi.Service
// satisfies it.
type APIs interface {
	GetAPIs(ctx context.Context) ([]httpapi.API, error)
	GetAPI(ctx context.Context, id string) (httpapi.API, error)
	GetRoutes(ctx context.Context, apiID string) ([]httpapi.Route, error)
	GetIntegrations(ctx context.Context, apiID string) ([]httpapi.Integration, error)
	GetAuthorizers(ctx context.Context, apiID string) ([]httpapi.Authorizer, error)
	GetStages(ctx context.Context, apiID string) ([]httpapi.Stage, error)
	GetStage(ctx context.Context, apiID, name string) (httpapi.Stage, error)
	GetDeployments(ctx context.Context, apiID string) ([]httpapi.Deployment, error)
}

var _ APIs = (*httpapi.Service)(nil)

// Options configures a Handler. APIs and Authz are required.
type Options struct {
	APIs  APIs
	Authz auth.Authorizer
	mount.Options
}

// Handler serves the API Gateway v2 control plane.
type Handler struct {
	o   Options
	log *slog.Logger
}

// New returns a Handler.
func New(o Options) *Handler {
	o.Options = o.Options.Filled()
	return &Handler{o: o, log: o.Logger.With("component", "apigwv2api")}
}

// IsV2 tells the apigateway mount which requests are for this handler.
func IsV2(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v2/") }

type route struct {
	op, api, child, id string
}

// ServeHTTP routes, authorizes and answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller, reqID := h.o.Request(r.Context())
	rt, out, err := h.serve(r, caller)
	if err != nil {
		e := mount.LogFailure(h.log, "apigatewayv2", reqID, rt.op, caller.ARN, err)
		awserr.APIGateway.Write(w, e, awserr.Reply{RequestID: reqID, Log: h.log})
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		awserr.APIGateway.Write(w, awserr.As(err), awserr.Reply{RequestID: reqID, Log: h.log})
		return
	}
	controlplane.Reply(w, http.StatusOK, reqID, "application/json", b)
	h.log.Info("request", "request_id", reqID, "operation", rt.op, "principal_arn", caller.ARN)
}

func (h *Handler) serve(r *http.Request, caller *auth.Caller) (route, any, error) {
	rt, ok := parseRoute(r.URL.EscapedPath())
	if !ok {
		return rt, nil, awserr.New(awserr.NotFoundException, "Invalid request path")
	}
	if r.Method != http.MethodGet {
		return rt, nil, awserr.New(awserr.BadRequestException, "This operation is not supported by iamgate; deploy changes through CloudFormation")
	}
	resource := arn.APIGateway(h.o.Region, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2"), "/"))
	err := mount.Authorize(r.Context(), h.o.Authz, caller, auth.Request{Action: "apigateway:GET", Resource: resource}, awserr.AccessDeniedException)
	if err != nil {
		return rt, nil, err
	}
	out, err := h.answer(r.Context(), rt)
	return rt, out, err
}

// routes are the read operations' paths, with the parameter names of the
// API Gateway v2 REST bindings
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/api-reference.html).
// The patterns name no method: iamgate serves GET only, and answers other
// methods on these paths that it does not support them.
var routes = func() *restroute.Router {
	rt := restroute.New()
	rt.Handle("/v2/apis", "GetApis")
	rt.Handle("/v2/apis/{apiId}", "GetApi")
	for _, c := range []struct{ child, list, one, id string }{
		{"routes", "GetRoutes", "GetRoute", "routeId"},
		{"integrations", "GetIntegrations", "GetIntegration", "integrationId"},
		{"authorizers", "GetAuthorizers", "GetAuthorizer", "authorizerId"},
		{"stages", "GetStages", "GetStage", "stageName"},
		{"deployments", "GetDeployments", "GetDeployment", "deploymentId"},
	} {
		rt.Handle("/v2/apis/{apiId}/"+c.child, c.list)
		rt.Handle("/v2/apis/{apiId}/"+c.child+"/{"+c.id+"}", c.one)
	}
	return rt
}()

// children names the collection each operation reads.
var children = map[string]string{
	"GetRoutes": "routes", "GetRoute": "routes", "GetIntegrations": "integrations", "GetIntegration": "integrations",
	"GetAuthorizers": "authorizers", "GetAuthorizer": "authorizers", "GetStages": "stages", "GetStage": "stages",
	"GetDeployments": "deployments", "GetDeployment": "deployments",
}

// parseRoute maps a /v2/apis escaped path to a read operation.
func parseRoute(escapedPath string) (route, bool) {
	m, ok := routes.Match(http.MethodGet, escapedPath)
	if !ok {
		return route{}, false
	}
	r := route{op: m.Op, api: m.Param("apiId"), child: children[m.Op]}
	for _, n := range []string{"routeId", "integrationId", "authorizerId", "stageName", "deploymentId"} {
		if v := m.Param(n); v != "" {
			r.id = v
		}
	}
	if strings.Contains(r.api, "/") || strings.Contains(r.id, "/") {
		return route{}, false // an encoded "/" is in no API Gateway id
	}
	return r, true
}

type items[T any] struct {
	Items []T `json:"items"`
}

func (h *Handler) answer(ctx context.Context, rt route) (any, error) {
	s := h.o.APIs
	switch rt.op {
	case "GetApis":
		l, err := s.GetAPIs(ctx)
		return items[httpapi.API]{nonNil(l)}, err
	case "GetApi":
		return s.GetAPI(ctx, rt.api)
	case "GetStage":
		return s.GetStage(ctx, rt.api, rt.id)
	}
	switch rt.child {
	case "routes":
		l, err := s.GetRoutes(ctx, rt.api)
		return pick(l, err, rt.id, "Route", func(r httpapi.Route) string { return r.RouteID })
	case "integrations":
		l, err := s.GetIntegrations(ctx, rt.api)
		return pick(l, err, rt.id, "Integration", func(r httpapi.Integration) string { return r.IntegrationID })
	case "authorizers":
		l, err := s.GetAuthorizers(ctx, rt.api)
		return pick(l, err, rt.id, "Authorizer", func(r httpapi.Authorizer) string { return r.AuthorizerID })
	case "stages":
		l, err := s.GetStages(ctx, rt.api)
		return pick(l, err, "", "Stage", func(r httpapi.Stage) string { return r.StageName })
	case "deployments":
		l, err := s.GetDeployments(ctx, rt.api)
		return pick(l, err, rt.id, "Deployment", func(r httpapi.Deployment) string { return r.DeploymentID })
	}
	return nil, awserr.New(awserr.NotFoundException, "Invalid request path")
}

// pick answers a collection, or the member named id.
func pick[T any](l []T, err error, id, what string, idOf func(T) string) (any, error) {
	if err != nil {
		return nil, err
	}
	if id == "" {
		return items[T]{nonNil(l)}, nil
	}
	for _, x := range l {
		if idOf(x) == id {
			return x, nil
		}
	}
	return nil, awserr.New(awserr.NotFoundException, "Invalid %s identifier specified %s", what, id)
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
