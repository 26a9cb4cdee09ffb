package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
)

// apiKeysGuard authorizes each API key and usage plan call as the REST
// call API Gateway serves for it (POST /apikeys, PATCH /usageplans/{id},
// ...), as the stack's actor.
type apiKeysGuard struct {
	in     APIKeys
	region string
}

var _ APIKeys = (*apiKeysGuard)(nil)

func (g *apiKeysGuard) on(ctx context.Context, method, path string) error {
	return allow(ctx, svcAPIGW, "apigateway:"+method, arn.APIGateway(g.region, path), "", nil)
}

func (g *apiKeysGuard) CreateAPIKey(ctx context.Context, in apigw.CreateAPIKeyInput) (apigw.APIKey, error) {
	if err := g.on(ctx, "POST", "/apikeys"); err != nil {
		return apigw.APIKey{}, err
	}
	return g.in.CreateAPIKey(ctx, in)
}

func (g *apiKeysGuard) UpdateAPIKey(ctx context.Context, id string, fn func(*apigw.APIKey)) (apigw.APIKey, error) {
	if err := g.on(ctx, "PATCH", "/apikeys/"+id); err != nil {
		return apigw.APIKey{}, err
	}
	return g.in.UpdateAPIKey(ctx, id, fn)
}

func (g *apiKeysGuard) DeleteAPIKey(ctx context.Context, id string) error {
	if err := g.on(ctx, "DELETE", "/apikeys/"+id); err != nil {
		return err
	}
	return g.in.DeleteAPIKey(ctx, id)
}

func (g *apiKeysGuard) CreateUsagePlan(ctx context.Context, in apigw.UsagePlan) (apigw.UsagePlan, error) {
	if err := g.on(ctx, "POST", "/usageplans"); err != nil {
		return apigw.UsagePlan{}, err
	}
	return g.in.CreateUsagePlan(ctx, in)
}

func (g *apiKeysGuard) UpdateUsagePlan(ctx context.Context, id string, fn func(*apigw.UsagePlan)) (apigw.UsagePlan, error) {
	if err := g.on(ctx, "PATCH", "/usageplans/"+id); err != nil {
		return apigw.UsagePlan{}, err
	}
	return g.in.UpdateUsagePlan(ctx, id, fn)
}

func (g *apiKeysGuard) DeleteUsagePlan(ctx context.Context, id string) error {
	if err := g.on(ctx, "DELETE", "/usageplans/"+id); err != nil {
		return err
	}
	return g.in.DeleteUsagePlan(ctx, id)
}

func (g *apiKeysGuard) CreateUsagePlanKey(ctx context.Context, planID, keyID, keyType string) (apigw.UsagePlanKey, error) {
	if err := g.on(ctx, "POST", "/usageplans/"+planID+"/keys"); err != nil {
		return apigw.UsagePlanKey{}, err
	}
	return g.in.CreateUsagePlanKey(ctx, planID, keyID, keyType)
}

func (g *apiKeysGuard) DeleteUsagePlanKey(ctx context.Context, planID, keyID string) error {
	if err := g.on(ctx, "DELETE", "/usageplans/"+planID+"/keys/"+keyID); err != nil {
		return err
	}
	return g.in.DeleteUsagePlanKey(ctx, planID, keyID)
}
