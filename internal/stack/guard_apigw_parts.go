package stack

import (
	"context"
	"strings"

	"github.com/iamgate/iamgate/internal/apigw"
)

// The guard of APIParts: each call authorized as the REST call API
// Gateway serves for it (PUT /restapis/{id}/resources/{rid}/methods/{verb}
// for PutMethod, ...), integration and CloudWatch roles passed as
// iam:PassRole to apigateway.amazonaws.com.

var _ APIParts = (*apigwGuard)(nil)

func (g *apigwGuard) CreateResource(ctx context.Context, apiID, parentID, pathPart string) (apigw.Resource, error) {
	if err := g.on(ctx, "POST", "/restapis/"+apiID+"/resources/"+parentID); err != nil {
		return apigw.Resource{}, err
	}
	return g.in.CreateResource(ctx, apiID, parentID, pathPart)
}

func (g *apigwGuard) DeleteResource(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/resources/"+id); err != nil {
		return err
	}
	return g.in.DeleteResource(ctx, apiID, id)
}

func (g *apigwGuard) PutMethod(ctx context.Context, apiID, resourceID string, m apigw.Method, replace bool) (apigw.Method, error) {
	if err := g.on(ctx, "PUT", "/restapis/"+apiID+"/resources/"+resourceID+"/methods/"+m.HTTPMethod); err != nil {
		return apigw.Method{}, err
	}
	if m.Integration != nil {
		if err := passAPIGatewayRole(ctx, m.Integration.Credentials); err != nil {
			return apigw.Method{}, err
		}
	}
	return g.in.PutMethod(ctx, apiID, resourceID, m, replace)
}

func (g *apigwGuard) DeleteMethod(ctx context.Context, apiID, resourceID, verb string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/resources/"+resourceID+"/methods/"+verb); err != nil {
		return err
	}
	return g.in.DeleteMethod(ctx, apiID, resourceID, verb)
}

func (g *apigwGuard) CreateModel(ctx context.Context, apiID string, m apigw.Model) (apigw.Model, error) {
	if err := g.on(ctx, "POST", "/restapis/"+apiID+"/models"); err != nil {
		return apigw.Model{}, err
	}
	return g.in.CreateModel(ctx, apiID, m)
}

func (g *apigwGuard) UpdateModel(ctx context.Context, apiID, name string, fn func(*apigw.Model)) (apigw.Model, error) {
	if err := g.on(ctx, "PATCH", "/restapis/"+apiID+"/models/"+name); err != nil {
		return apigw.Model{}, err
	}
	return g.in.UpdateModel(ctx, apiID, name, fn)
}

func (g *apigwGuard) DeleteModel(ctx context.Context, apiID, name string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/models/"+name); err != nil {
		return err
	}
	return g.in.DeleteModel(ctx, apiID, name)
}

func (g *apigwGuard) CreateRequestValidator(ctx context.Context, apiID string, v apigw.RequestValidator) (apigw.RequestValidator, error) {
	if err := g.on(ctx, "POST", "/restapis/"+apiID+"/requestvalidators"); err != nil {
		return apigw.RequestValidator{}, err
	}
	return g.in.CreateRequestValidator(ctx, apiID, v)
}

func (g *apigwGuard) UpdateRequestValidator(ctx context.Context, apiID, id string, fn func(*apigw.RequestValidator)) (apigw.RequestValidator, error) {
	if err := g.on(ctx, "PATCH", "/restapis/"+apiID+"/requestvalidators/"+id); err != nil {
		return apigw.RequestValidator{}, err
	}
	return g.in.UpdateRequestValidator(ctx, apiID, id, fn)
}

func (g *apigwGuard) DeleteRequestValidator(ctx context.Context, apiID, id string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/requestvalidators/"+id); err != nil {
		return err
	}
	return g.in.DeleteRequestValidator(ctx, apiID, id)
}

func (g *apigwGuard) PutGatewayResponse(ctx context.Context, apiID string, r apigw.GatewayResponse) (apigw.GatewayResponse, error) {
	if err := g.on(ctx, "PUT", "/restapis/"+apiID+"/gatewayresponses/"+r.ResponseType); err != nil {
		return apigw.GatewayResponse{}, err
	}
	return g.in.PutGatewayResponse(ctx, apiID, r)
}

func (g *apigwGuard) DeleteGatewayResponse(ctx context.Context, apiID, typ string) error {
	if err := g.on(ctx, "DELETE", "/restapis/"+apiID+"/gatewayresponses/"+typ); err != nil {
		return err
	}
	return g.in.DeleteGatewayResponse(ctx, apiID, typ)
}

func (g *apigwGuard) SetCloudwatchRole(ctx context.Context, roleARN string) (apigw.Account, error) {
	if err := g.on(ctx, "PATCH", "/account"); err != nil {
		return apigw.Account{}, err
	}
	if err := passAPIGatewayRole(ctx, roleARN); err != nil {
		return apigw.Account{}, err
	}
	return g.in.SetCloudwatchRole(ctx, roleARN)
}

// passAPIGatewayRole asks iam:PassRole for a role API Gateway is to act as;
// "" and caller-credential ARNs (arn:aws:iam::*:user/*) pass no role.
func passAPIGatewayRole(ctx context.Context, role string) error {
	if role == "" || !isRoleARN(role) {
		return nil
	}
	return allow(ctx, svcAPIGW, "iam:PassRole", role, "", map[string][]string{"iam:PassedToService": {apigatewayPrincipal}})
}

func isRoleARN(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.Contains(s, ":role/")
}
