package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/functions"
)

// FunctionURLs is what the AWS::Lambda::Url provider needs;
// *functions.Service satisfies it.
type FunctionURLs interface {
	CreateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error)
	UpdateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error)
	DeleteURL(ctx context.Context, name, q string) error
}

// urlProvider is AWS::Lambda::Url
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html):
// Ref and GetAtt FunctionArn are the function's (or alias's) ARN, GetAtt
// FunctionUrl its https://{id}.lambda-url.{region}.on.aws/ URL. A new target
// or qualifier replaces it.
type urlProvider struct {
	fns    Functions
	region string
}

// urlTarget reads TargetFunctionArn (a name or ARN, maybe an alias ARN) and
// Qualifier.
func urlTarget(props map[string]any) (name, q string) {
	name, q = functions.Split(str(props, "TargetFunctionArn"))
	if v := str(props, "Qualifier"); v != "" {
		q = v
	}
	return name, q
}

func urlInput(props map[string]any) functions.URLInput {
	in := functions.URLInput{AuthType: str(props, "AuthType"), InvokeMode: str(props, "InvokeMode")}
	if c, ok := props["Cors"].(map[string]any); ok {
		in.Cors = &functions.URLCors{AllowHeaders: strList(c, "AllowHeaders"), AllowMethods: strList(c, "AllowMethods"),
			AllowOrigins: strList(c, "AllowOrigins"), ExposeHeaders: strList(c, "ExposeHeaders"),
			AllowCredentials: boolProp(c, "AllowCredentials"), MaxAge: intProp(c, "MaxAge", 0)}
	}
	return in
}

func (p *urlProvider) result(u functions.URLConfig) Result {
	return Result{PhysicalID: u.ARN, Ref: u.ARN, Attrs: map[string]any{"FunctionArn": u.ARN, "FunctionUrl": u.URL(p.region)}}
}

func (p *urlProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name, q := urlTarget(in.Props)
	u, err := p.fns.CreateURL(ctx, name, q, urlInput(in.Props))
	if err != nil {
		return Result{}, err
	}
	return p.result(u), nil
}

func (p *urlProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	name, q := urlTarget(in.Props)
	if pn, pq := urlTarget(prev.Props); pn != name || pq != q {
		return Result{}, ErrReplace
	}
	u, err := p.fns.UpdateURL(ctx, name, q, urlInput(in.Props))
	if err != nil {
		return Result{}, err
	}
	return p.result(u), nil
}

func (p *urlProvider) Delete(ctx context.Context, prev State) error {
	name, q := urlTarget(prev.Props)
	return p.fns.DeleteURL(ctx, name, q)
}
