package stack

import (
	"context"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/httpapi"
)

// httpAPIGuard authorizes each API Gateway v2 call as apigateway:METHOD on
// the resource path it addresses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html),
// and asks iam:PassRole for every role an integration or authorizer is
// given, as CreateIntegration with CredentialsArn does.
type httpAPIGuard struct {
	in     HTTPAPIs
	region string
}

func (g *httpAPIGuard) on(ctx context.Context, method, path string) error {
	return allow(ctx, svcAPIGW2, "apigateway:"+method, arn.APIGateway(g.region, path), "", nil)
}

// passRole asks iam:PassRole for a role ARN given to API Gateway; the
// caller-credentials form arn:aws:iam::*:user/* passes no role.
func passRole(ctx context.Context, arn string) error {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":role/") {
		return nil
	}
	return allow(ctx, svcAPIGW2, "iam:PassRole", arn, "", map[string][]string{"iam:PassedToService": {apigatewayPrincipal}})
}

func (g *httpAPIGuard) CreateAPI(ctx context.Context, in httpapi.CreateAPIInput) (httpapi.API, error) {
	if err := g.on(ctx, "POST", "/apis"); err != nil {
		return httpapi.API{}, err
	}
	if err := passIntegrationRoles(ctx, in.Body); err != nil {
		return httpapi.API{}, err
	}
	if err := passRole(ctx, in.CredentialsARN); err != nil {
		return httpapi.API{}, err
	}
	return g.in.CreateAPI(ctx, in)
}

func (g *httpAPIGuard) ReimportAPI(ctx context.Context, id string, body any) (httpapi.API, error) {
	if err := g.on(ctx, "PUT", "/apis/"+id); err != nil {
		return httpapi.API{}, err
	}
	if err := passIntegrationRoles(ctx, body); err != nil {
		return httpapi.API{}, err
	}
	return g.in.ReimportAPI(ctx, id, body)
}

func (g *httpAPIGuard) UpdateAPI(ctx context.Context, id string, fn func(*httpapi.API) error) (httpapi.API, error) {
	if err := g.on(ctx, "PATCH", "/apis/"+id); err != nil {
		return httpapi.API{}, err
	}
	return g.in.UpdateAPI(ctx, id, fn)
}

func (g *httpAPIGuard) DeleteAPI(ctx context.Context, id string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+id); err != nil {
		return err
	}
	return g.in.DeleteAPI(ctx, id)
}

func (g *httpAPIGuard) CreateRoute(ctx context.Context, apiID string, r httpapi.Route) (httpapi.Route, error) {
	if err := g.on(ctx, "POST", "/apis/"+apiID+"/routes"); err != nil {
		return httpapi.Route{}, err
	}
	return g.in.CreateRoute(ctx, apiID, r)
}

func (g *httpAPIGuard) UpdateRoute(ctx context.Context, apiID, id string, fn func(*httpapi.Route) error) (httpapi.Route, error) {
	if err := g.on(ctx, "PATCH", "/apis/"+apiID+"/routes/"+id); err != nil {
		return httpapi.Route{}, err
	}
	return g.in.UpdateRoute(ctx, apiID, id, fn)
}

func (g *httpAPIGuard) DeleteRoute(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+apiID+"/routes/"+id); err != nil {
		return err
	}
	return g.in.DeleteRoute(ctx, apiID, id)
}

func (g *httpAPIGuard) CreateIntegration(ctx context.Context, apiID string, in httpapi.Integration) (httpapi.Integration, error) {
	if err := g.on(ctx, "POST", "/apis/"+apiID+"/integrations"); err != nil {
		return httpapi.Integration{}, err
	}
	if err := passRole(ctx, in.CredentialsARN); err != nil {
		return httpapi.Integration{}, err
	}
	return g.in.CreateIntegration(ctx, apiID, in)
}

// UpdateIntegration replaces an integration's settings by next's.
func (g *httpAPIGuard) UpdateIntegration(ctx context.Context, apiID, id string, next httpapi.Integration) (httpapi.Integration, error) {
	if err := g.on(ctx, "PATCH", "/apis/"+apiID+"/integrations/"+id); err != nil {
		return httpapi.Integration{}, err
	}
	if err := passRole(ctx, next.CredentialsARN); err != nil {
		return httpapi.Integration{}, err
	}
	return g.in.UpdateIntegration(ctx, apiID, id, func(in *httpapi.Integration) error { *in = next; return nil })
}

func (g *httpAPIGuard) DeleteIntegration(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+apiID+"/integrations/"+id); err != nil {
		return err
	}
	return g.in.DeleteIntegration(ctx, apiID, id)
}

func (g *httpAPIGuard) CreateAuthorizer(ctx context.Context, apiID string, a httpapi.Authorizer) (httpapi.Authorizer, error) {
	if err := g.on(ctx, "POST", "/apis/"+apiID+"/authorizers"); err != nil {
		return httpapi.Authorizer{}, err
	}
	if err := passRole(ctx, a.AuthorizerCredentialsARN); err != nil {
		return httpapi.Authorizer{}, err
	}
	return g.in.CreateAuthorizer(ctx, apiID, a)
}

// UpdateAuthorizer replaces an authorizer's settings by next's.
func (g *httpAPIGuard) UpdateAuthorizer(ctx context.Context, apiID, id string, next httpapi.Authorizer) (httpapi.Authorizer, error) {
	if err := g.on(ctx, "PATCH", "/apis/"+apiID+"/authorizers/"+id); err != nil {
		return httpapi.Authorizer{}, err
	}
	if err := passRole(ctx, next.AuthorizerCredentialsARN); err != nil {
		return httpapi.Authorizer{}, err
	}
	return g.in.UpdateAuthorizer(ctx, apiID, id, func(a *httpapi.Authorizer) error { *a = next; return nil })
}

func (g *httpAPIGuard) DeleteAuthorizer(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+apiID+"/authorizers/"+id); err != nil {
		return err
	}
	return g.in.DeleteAuthorizer(ctx, apiID, id)
}

func (g *httpAPIGuard) CreateStage(ctx context.Context, st httpapi.Stage) (httpapi.Stage, error) {
	if err := g.on(ctx, "POST", "/apis/"+st.APIID+"/stages"); err != nil {
		return httpapi.Stage{}, err
	}
	return g.in.CreateStage(ctx, st)
}

func (g *httpAPIGuard) UpdateStage(ctx context.Context, apiID, name string, fn func(*httpapi.Stage) error) (httpapi.Stage, error) {
	if err := g.on(ctx, "PATCH", "/apis/"+apiID+"/stages/"+name); err != nil {
		return httpapi.Stage{}, err
	}
	return g.in.UpdateStage(ctx, apiID, name, fn)
}

func (g *httpAPIGuard) DeleteStage(ctx context.Context, apiID, name string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+apiID+"/stages/"+name); err != nil {
		return err
	}
	return g.in.DeleteStage(ctx, apiID, name)
}

func (g *httpAPIGuard) CreateDeployment(ctx context.Context, apiID, stageName, description string) (httpapi.Deployment, error) {
	if err := g.on(ctx, "POST", "/apis/"+apiID+"/deployments"); err != nil {
		return httpapi.Deployment{}, err
	}
	return g.in.CreateDeployment(ctx, apiID, stageName, description)
}

func (g *httpAPIGuard) DeleteDeployment(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/apis/"+apiID+"/deployments/"+id); err != nil {
		return err
	}
	return g.in.DeleteDeployment(ctx, apiID, id)
}
