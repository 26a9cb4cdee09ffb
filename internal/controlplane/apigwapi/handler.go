package apigwapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
)

// APIs is what the handler reads from package apigw; *apigw.Service
// satisfies it.
type APIs interface {
	ListRestAPIs(ctx context.Context) ([]apigw.RestAPI, error)
	GetRestAPI(ctx context.Context, id string) (apigw.RestAPI, error)
	CreateRestAPI(ctx context.Context, in apigw.CreateRestAPIInput) (apigw.RestAPI, error)
	PutRestAPI(ctx context.Context, id string, body any, mode string) (apigw.RestAPI, error)
	UpdateRestAPI(ctx context.Context, id string, fn func(*apigw.RestAPI) error) (apigw.RestAPI, error)
	DeleteRestAPI(ctx context.Context, id string) error
	GetResources(ctx context.Context, apiID string) ([]apigw.Resource, error)
	CreateResource(ctx context.Context, apiID, parentID, pathPart string) (apigw.Resource, error)
	DeleteResource(ctx context.Context, apiID, id string) error
	PutMethod(ctx context.Context, apiID, resourceID string, m apigw.Method, replace bool) (apigw.Method, error)
	UpdateMethod(ctx context.Context, apiID, resourceID, verb string, fn func(*apigw.Method) error) (apigw.Method, error)
	DeleteMethod(ctx context.Context, apiID, resourceID, verb string) error
	GetStages(ctx context.Context, apiID string) ([]apigw.Stage, error)
	GetStage(ctx context.Context, apiID, name string) (apigw.Stage, error)
	CreateStage(ctx context.Context, st apigw.Stage) (apigw.Stage, error)
	UpdateStage(ctx context.Context, apiID, name string, fn func(*apigw.Stage) error) (apigw.Stage, error)
	DeleteStage(ctx context.Context, apiID, name string) error
	GetDeployments(ctx context.Context, apiID string) ([]apigw.Deployment, error)
	GetDeployment(ctx context.Context, apiID, id string) (apigw.Deployment, error)
	GetAuthorizers(ctx context.Context, apiID string) ([]apigw.Authorizer, error)
	GetAuthorizer(ctx context.Context, apiID, id string) (apigw.Authorizer, error)
	CreateDeployment(ctx context.Context, apiID, stageName, description string) (apigw.Deployment, error)
	DeleteDeployment(ctx context.Context, apiID, id string) error
	CreateModel(ctx context.Context, apiID string, m apigw.Model) (apigw.Model, error)
	GetModel(ctx context.Context, apiID, name string) (apigw.Model, error)
	GetModels(ctx context.Context, apiID string) ([]apigw.Model, error)
	DeleteModel(ctx context.Context, apiID, name string) error
	CreateRequestValidator(ctx context.Context, apiID string, v apigw.RequestValidator) (apigw.RequestValidator, error)
	GetRequestValidator(ctx context.Context, apiID, id string) (apigw.RequestValidator, error)
	GetRequestValidators(ctx context.Context, apiID string) ([]apigw.RequestValidator, error)
	DeleteRequestValidator(ctx context.Context, apiID, id string) error
	PutGatewayResponse(ctx context.Context, apiID string, g apigw.GatewayResponse) (apigw.GatewayResponse, error)
	GetGatewayResponse(ctx context.Context, apiID, typ string) (apigw.GatewayResponse, bool, error)
	GetGatewayResponses(ctx context.Context, apiID string) ([]apigw.GatewayResponse, error)
	DeleteGatewayResponse(ctx context.Context, apiID, typ string) error
	CreateAPIKey(ctx context.Context, in apigw.CreateAPIKeyInput) (apigw.APIKey, error)
	GetAPIKey(ctx context.Context, id string, includeValue bool) (apigw.APIKey, error)
	GetAPIKeys(ctx context.Context, includeValues bool) ([]apigw.APIKey, error)
	UpdateAPIKey(ctx context.Context, id string, fn func(*apigw.APIKey)) (apigw.APIKey, error)
	DeleteAPIKey(ctx context.Context, id string) error
	CreateUsagePlan(ctx context.Context, in apigw.UsagePlan) (apigw.UsagePlan, error)
	GetUsagePlan(ctx context.Context, id string) (apigw.UsagePlan, error)
	GetUsagePlans(ctx context.Context) ([]apigw.UsagePlan, error)
	UpdateUsagePlan(ctx context.Context, id string, fn func(*apigw.UsagePlan)) (apigw.UsagePlan, error)
	DeleteUsagePlan(ctx context.Context, id string) error
	CreateUsagePlanKey(ctx context.Context, planID, keyID, keyType string) (apigw.UsagePlanKey, error)
	GetUsagePlanKeys(ctx context.Context, planID string) ([]apigw.UsagePlanKey, error)
	DeleteUsagePlanKey(ctx context.Context, planID, keyID string) error
	GetUsage(ctx context.Context, planID, keyID, startDate, endDate string) (apigw.Usage, error)
	Export(ctx context.Context, apiID, stage, exportType, extensions string, yamlOut bool) ([]byte, error)
	GetAccount(ctx context.Context) (apigw.Account, error)
	SetCloudwatchRole(ctx context.Context, roleARN string) (apigw.Account, error)
}

var _ APIs = (*apigw.Service)(nil)

// Options configures a Handler. APIs and Authz are required.
type Options struct {
	APIs  APIs
	Authz auth.Authorizer
	// TestInvoke runs TestInvokeMethod; without it the operation answers
	// that it is not available.
	TestInvoke TestInvoker
	// Region (the resource ARNs' region), Logger, Caller and RequestID,
	// defaulted alike for every mounted service; AccountID is unused.
	mount.Options
}

// Handler serves the API Gateway control plane. Mount it in
// controlplane.Options.Services["apigateway"].
type Handler struct {
	o   Options
	log *slog.Logger
}

// New returns a Handler.
func New(o Options) *Handler {
	o.Options = o.Options.Filled()
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
	o, out, err := c.serve()
	if err != nil {
		e := mount.LogFailure(h.log, "apigateway", reqID, c.rt.op, c.caller.ARN, err)
		awserr.APIGateway.Write(w, e, awserr.Reply{RequestID: reqID, Log: h.log})
		return
	}
	status := o.status
	if status == 0 {
		status = http.StatusOK
	}
	h.log.Info("request", "request_id", reqID, "operation", c.rt.op, "principal_arn", c.caller.ARN)
	switch v := out.(type) {
	case nil:
		// Deletes answer 202 with no body.
		controlplane.Reply(w, status, reqID, "", nil)
	case rawBody:
		controlplane.Reply(w, status, reqID, v.contentType, v.data)
	default:
		b, err := json.Marshal(out)
		if err != nil {
			awserr.APIGateway.Write(w, awserr.As(err), awserr.Reply{RequestID: reqID, Log: h.log})
			return
		}
		controlplane.Reply(w, status, reqID, "application/json", b)
	}
}

// rawBody is an answer that is not a JSON shape (GetExport's document).
type rawBody struct {
	contentType string
	data        []byte
}

func (c *call) serve() (op, any, error) {
	rt, ok := parseRoute(c.r.Method, c.r.URL.EscapedPath())
	o, found := ops[c.r.Method+" "+rt.shape]
	if !ok || !found {
		return op{}, nil, awserr.New(awserr.NotFoundException, "Invalid request path")
	}
	rt.op = o.name
	c.rt = rt
	if err := c.authorize(); err != nil {
		return o, nil, err
	}
	out, err := o.fn(c)
	return o, out, err
}

// authorize checks apigateway:{METHOD} on the resource path, the ARN form
// API Gateway's management permissions use:
// arn:aws:apigateway:REGION::/restapis/ID/...
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-iam-policy-resource-format-for-managing-api.html).
func (c *call) authorize() error {
	resource := arn.APIGateway(c.h.o.Region, strings.TrimSuffix(c.r.URL.Path, "/"))
	action := "apigateway:" + c.r.Method
	return mount.Authorize(c.ctx, c.h.o.Authz, c.caller, auth.Request{Action: action, Resource: resource}, awserr.AccessDeniedException)
}
