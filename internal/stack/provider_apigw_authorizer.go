package stack

import (
	"context"
	"strconv"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
)

// Authorizers is what the AWS::ApiGateway::Authorizer provider needs;
// *apigw.Service satisfies it.
type Authorizers interface {
	CreateAuthorizer(ctx context.Context, apiID string, a apigw.Authorizer) (apigw.Authorizer, error)
	UpdateAuthorizer(ctx context.Context, apiID, id string, fn func(*apigw.Authorizer) error) (apigw.Authorizer, error)
	DeleteAuthorizer(ctx context.Context, apiID, id string) error
}

// RegisterAPIAuthorizers adds AWS::ApiGateway::Authorizer
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html):
// Ref and AuthorizerId are the authorizer id. Each call is authorized as
// the API Gateway REST call it stands for, and AuthorizerCredentials needs
// iam:PassRole to apigateway.amazonaws.com.
func (e *Engine) RegisterAPIAuthorizers(a Authorizers) {
	e.Register("AWS::ApiGateway::Authorizer", &authorizerProvider{in: a, region: e.region})
}

type authorizerProvider struct {
	in     Authorizers
	region string
}

func (p *authorizerProvider) on(ctx context.Context, method, path string) error {
	return allow(ctx, svcAPIGW, "apigateway:"+method, arn.APIGateway(p.region, path), "", nil)
}

func authorizerOf(props map[string]any) apigw.Authorizer {
	a := apigw.Authorizer{
		Name:                         str(props, "Name"),
		Type:                         str(props, "Type"),
		AuthType:                     str(props, "AuthType"),
		AuthorizerURI:                str(props, "AuthorizerUri"),
		AuthorizerCredentials:        str(props, "AuthorizerCredentials"),
		IdentitySource:               str(props, "IdentitySource"),
		IdentityValidationExpression: str(props, "IdentityValidationExpression"),
	}
	if _, ok := props["ProviderARNs"]; ok {
		a.ProviderARNs = strList(props, "ProviderARNs")
	}
	if v, ok := props["AuthorizerResultTtlInSeconds"]; ok && v != nil {
		if n, err := strconv.Atoi(toString(v)); err == nil {
			a.ResultTTL = &n
		} else {
			bad := -1 // refused by validation with API Gateway's message
			a.ResultTTL = &bad
		}
	}
	return a
}

func (p *authorizerProvider) passRole(ctx context.Context, a apigw.Authorizer) error {
	if a.AuthorizerCredentials == "" {
		return nil
	}
	return allow(ctx, svcAPIGW, "iam:PassRole", a.AuthorizerCredentials, "", map[string][]string{"iam:PassedToService": {apigatewayPrincipal}})
}

func (p *authorizerProvider) Create(ctx context.Context, in *Input) (Result, error) {
	api := str(in.Props, "RestApiId")
	a := authorizerOf(in.Props)
	if err := p.on(ctx, "POST", "/restapis/"+api+"/authorizers"); err != nil {
		return Result{}, err
	}
	if err := p.passRole(ctx, a); err != nil {
		return Result{}, err
	}
	out, err := p.in.CreateAuthorizer(ctx, api, a)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: out.ID, Attrs: map[string]any{"AuthorizerId": out.ID}}, nil
}

// Update changes the authorizer in place; another RestApiId replaces it.
func (p *authorizerProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	api := str(in.Props, "RestApiId")
	if api != str(prev.Props, "RestApiId") {
		return Result{}, ErrReplace
	}
	next := authorizerOf(in.Props)
	if err := p.on(ctx, "PATCH", "/restapis/"+api+"/authorizers/"+prev.PhysicalID); err != nil {
		return Result{}, err
	}
	if err := p.passRole(ctx, next); err != nil {
		return Result{}, err
	}
	out, err := p.in.UpdateAuthorizer(ctx, api, prev.PhysicalID, func(a *apigw.Authorizer) error {
		id := a.ID
		*a = next
		a.ID = id
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: out.ID, Attrs: map[string]any{"AuthorizerId": out.ID}}, nil
}

func (p *authorizerProvider) Delete(ctx context.Context, prev State) error {
	api := str(prev.Props, "RestApiId")
	if err := p.on(ctx, "DELETE", "/restapis/"+api+"/authorizers/"+prev.PhysicalID); err != nil {
		return err
	}
	err := p.in.DeleteAuthorizer(ctx, api, prev.PhysicalID)
	if isNotFound(err) {
		return nil
	}
	return err
}
