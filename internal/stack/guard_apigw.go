package stack

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/cfn"
)

const apigatewayPrincipal = "apigateway.amazonaws.com"

// apigwGuard authorizes each API Gateway call as apigateway:METHOD on the
// resource path the REST call addresses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-iam-policy-resource-format-for-managing-api.html),
// and asks iam:PassRole for every integration role a body names, as
// PutIntegration with credentials does.
type apigwGuard struct {
	in     APIs
	region string
}

var _ APIs = (*apigwGuard)(nil)

func (g *apigwGuard) on(ctx context.Context, method, path string) error {
	return allow(ctx, svcAPIGW, "apigateway:"+method, arn.APIGateway(g.region, path), "", nil)
}

func (g *apigwGuard) CreateRestAPI(ctx context.Context, in apigw.CreateRestAPIInput) (apigw.RestAPI, error) {
	if err := g.on(ctx, "POST", "/restapis"); err != nil {
		return apigw.RestAPI{}, err
	}
	if err := passIntegrationRoles(ctx, in.Body); err != nil {
		return apigw.RestAPI{}, err
	}
	return g.in.CreateRestAPI(ctx, in)
}

func (g *apigwGuard) PutRestAPI(ctx context.Context, id string, body any, mode string) (apigw.RestAPI, error) {
	if err := g.on(ctx, "PUT", "/restapis/"+id); err != nil {
		return apigw.RestAPI{}, err
	}
	if err := passIntegrationRoles(ctx, body); err != nil {
		return apigw.RestAPI{}, err
	}
	return g.in.PutRestAPI(ctx, id, body, mode)
}

func (g *apigwGuard) UpdateRestAPI(ctx context.Context, id string, fn func(*apigw.RestAPI) error) (apigw.RestAPI, error) {
	if err := g.on(ctx, "PATCH", "/restapis/"+id); err != nil {
		return apigw.RestAPI{}, err
	}
	return g.in.UpdateRestAPI(ctx, id, fn)
}

func (g *apigwGuard) DeleteRestAPI(ctx context.Context, id string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+id); err != nil {
		return err
	}
	return g.in.DeleteRestAPI(ctx, id)
}

func (g *apigwGuard) CreateDeployment(ctx context.Context, apiID, stageName, description string) (apigw.Deployment, error) {
	if err := g.on(ctx, "POST", "/restapis/"+apiID+"/deployments"); err != nil {
		return apigw.Deployment{}, err
	}
	return g.in.CreateDeployment(ctx, apiID, stageName, description)
}

func (g *apigwGuard) DeleteDeployment(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/deployments/"+id); err != nil {
		return err
	}
	return g.in.DeleteDeployment(ctx, apiID, id)
}

func (g *apigwGuard) CreateStage(ctx context.Context, st apigw.Stage) (apigw.Stage, error) {
	if err := g.on(ctx, "POST", "/restapis/"+st.RestAPIID+"/stages"); err != nil {
		return apigw.Stage{}, err
	}
	return g.in.CreateStage(ctx, st)
}

func (g *apigwGuard) GetStage(ctx context.Context, apiID, name string) (apigw.Stage, error) {
	if err := g.on(ctx, "GET", "/restapis/"+apiID+"/stages/"+name); err != nil {
		return apigw.Stage{}, err
	}
	return g.in.GetStage(ctx, apiID, name)
}

func (g *apigwGuard) UpdateStage(ctx context.Context, apiID, name string, fn func(*apigw.Stage) error) (apigw.Stage, error) {
	if err := g.on(ctx, "PATCH", "/restapis/"+apiID+"/stages/"+name); err != nil {
		return apigw.Stage{}, err
	}
	return g.in.UpdateStage(ctx, apiID, name, fn)
}

func (g *apigwGuard) DeleteStage(ctx context.Context, apiID, name string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/stages/"+name); err != nil {
		return err
	}
	return g.in.DeleteStage(ctx, apiID, name)
}

// passIntegrationRoles asks iam:PassRole (to apigateway.amazonaws.com) for
// each role ARN an OpenAPI body gives as x-amazon-apigateway-integration
// credentials or x-amazon-apigateway-authorizer authorizerCredentials. arn:aws:iam::*:user/* (call with the caller's credentials)
// passes no role.
func passIntegrationRoles(ctx context.Context, body any) error {
	if b, ok := body.([]byte); ok {
		var v any
		if json.Unmarshal(b, &v) != nil {
			if t, err := cfn.Parse("body", b); err == nil {
				v = t.Root
			}
		}
		body = v
	}
	for _, role := range integrationRoles(body, nil) {
		if err := allow(ctx, svcAPIGW, "iam:PassRole", role, "", map[string][]string{"iam:PassedToService": {apigatewayPrincipal}}); err != nil {
			return err
		}
	}
	return nil
}

func integrationRoles(v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			key := map[string]string{"x-amazon-apigateway-integration": "credentials", "x-amazon-apigateway-authorizer": "authorizerCredentials"}[k]
			if key != "" {
				if m, ok := x.(map[string]any); ok {
					if c, ok := m[key].(string); ok && strings.HasPrefix(c, "arn:") && strings.Contains(c, ":role/") {
						out = append(out, c)
					}
				}
				continue
			}
			out = integrationRoles(x, out)
		}
	case []any:
		for _, x := range v {
			out = integrationRoles(x, out)
		}
	}
	return out
}
