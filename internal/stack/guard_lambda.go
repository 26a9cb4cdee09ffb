package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/s3"
)

const lambdaPrincipal = "lambda.amazonaws.com"

// errRoleNotAssumable is Lambda's answer to a role whose trust policy does
// not let lambda.amazonaws.com assume it (CreateFunction,
// UpdateFunctionConfiguration).
func errRoleNotAssumable() error {
	return awserr.New(awserr.InvalidParameterValueExc, "The role defined for the function cannot be assumed by Lambda.")
}

// lambdaGuard authorizes each Lambda call on the function's ARN
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html)
// and, for a function with an execution role, does what Lambda does with a
// role it is passed: the actor needs iam:PassRole on it, and its trust
// policy must let lambda.amazonaws.com assume it.
type lambdaGuard struct {
	in Functions
	e  *Engine
}

var _ Functions = (*lambdaGuard)(nil)

// arn is the ARN IAM checks for name, qualified when name is ("fn:live").
func (g *lambdaGuard) arn(name string) string {
	n, q := functions.Split(name)
	fn := arn.LambdaFunction(g.e.region, g.e.account, n)
	if q != "" && q != functions.Latest {
		fn += ":" + q
	}
	return fn
}

func (g *lambdaGuard) on(ctx context.Context, action, name string) error {
	return allow(ctx, svcLambda, action, g.arn(name), "", nil)
}

func (g *lambdaGuard) Put(ctx context.Context, c functions.Config, zipped []byte) (functions.Config, error) {
	actions := []string{"lambda:CreateFunction"}
	old, err := g.in.Get(ctx, c.Name)
	if err == nil {
		actions = []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"}
	}
	for _, a := range actions {
		if err := g.on(ctx, a, c.Name); err != nil {
			return functions.Config{}, err
		}
	}
	if err := g.e.passRole(ctx, svcLambda, c.Role, lambdaPrincipal); err != nil {
		return functions.Config{}, err
	}
	if err := g.functionLayers(ctx, c, old.Layers); err != nil {
		return functions.Config{}, err
	}
	return g.in.Put(ctx, c, zipped)
}

func (g *lambdaGuard) Get(ctx context.Context, name string) (functions.Config, error) {
	if err := g.on(ctx, "lambda:GetFunction", name); err != nil {
		return functions.Config{}, err
	}
	return g.in.Get(ctx, name)
}

func (g *lambdaGuard) Delete(ctx context.Context, name string) error {
	if err := g.on(ctx, "lambda:DeleteFunction", name); err != nil {
		return err
	}
	return g.in.Delete(ctx, name)
}

func (g *lambdaGuard) AddPermission(ctx context.Context, name string, p functions.Permission) error {
	if err := g.on(ctx, "lambda:AddPermission", name); err != nil {
		return err
	}
	return g.in.AddPermission(ctx, name, p)
}

func (g *lambdaGuard) RemovePermission(ctx context.Context, name, sid string) error {
	if err := g.on(ctx, "lambda:RemovePermission", name); err != nil {
		return err
	}
	return g.in.RemovePermission(ctx, name, sid)
}

func (g *lambdaGuard) PutConcurrency(ctx context.Context, name string, n int) error {
	if err := g.on(ctx, "lambda:PutFunctionConcurrency", name); err != nil {
		return err
	}
	return g.in.PutConcurrency(ctx, name, n)
}

func (g *lambdaGuard) DeleteConcurrency(ctx context.Context, name string) error {
	if err := g.on(ctx, "lambda:DeleteFunctionConcurrency", name); err != nil {
		return err
	}
	return g.in.DeleteConcurrency(ctx, name)
}

// passRole is what a service checks when it is given roleARN to act as
// later: the actor may pass it to that service (iam:PassRole with
// iam:PassedToService), and the service principal may assume it.
func (e *Engine) passRole(ctx context.Context, svc service, roleARN, servicePrincipal string) error {
	if roleARN == "" {
		return nil
	}
	if err := allow(ctx, svc, "iam:PassRole", roleARN, "", map[string][]string{"iam:PassedToService": {servicePrincipal}}); err != nil {
		return err
	}
	name, ok := roleName(roleARN)
	if !ok || e.roles == nil {
		return errRoleNotAssumable()
	}
	role, err := e.roles.GetRole(ctx, name)
	if err != nil || role.ARN != roleARN || e.authz == nil || !e.serviceMayAssume(ctx, role, servicePrincipal) {
		return errRoleNotAssumable()
	}
	return nil
}

// objectGuard authorizes each object read (function code, AWS::Include
// snippets, TemplateURL, RestApi BodyS3Location) as s3:GetObject on
// arn:aws:s3:::BUCKET/KEY.
type objectGuard struct{ in Objects }

func (g objectGuard) LoadInclude(ctx context.Context, loc string) ([]byte, error) {
	bucket, key, ok := s3.ParseLocation(loc)
	if !ok {
		return nil, awserr.New(awserr.ValidationError, "%s is not an S3 location", loc)
	}
	object := arn.S3Object(bucket, key)
	// S3 quotes the resource in its denials.
	if err := allow(ctx, svcS3, "s3:GetObject", object, `"`+object+`"`, nil); err != nil {
		return nil, err
	}
	return g.in.LoadInclude(ctx, loc)
}

// Versions and aliases: IAM checks them on the unqualified function ARN
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html).

func (g *lambdaGuard) PublishVersion(ctx context.Context, name, description, codeSha256, revisionID string) (functions.Config, error) {
	if err := g.on(ctx, "lambda:PublishVersion", name); err != nil {
		return functions.Config{}, err
	}
	return g.in.PublishVersion(ctx, name, description, codeSha256, revisionID)
}

func (g *lambdaGuard) DeleteVersion(ctx context.Context, name, version string) error {
	if err := allow(ctx, svcLambda, "lambda:DeleteFunction", g.arn(name)+":"+version, "", nil); err != nil {
		return err
	}
	return g.in.DeleteVersion(ctx, name, version)
}

func (g *lambdaGuard) CreateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error) {
	if err := g.on(ctx, "lambda:CreateAlias", name); err != nil {
		return functions.Alias{}, err
	}
	return g.in.CreateAlias(ctx, name, alias, in)
}

func (g *lambdaGuard) UpdateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error) {
	if err := g.on(ctx, "lambda:UpdateAlias", name); err != nil {
		return functions.Alias{}, err
	}
	return g.in.UpdateAlias(ctx, name, alias, in)
}

func (g *lambdaGuard) DeleteAlias(ctx context.Context, name, alias string) error {
	if err := g.on(ctx, "lambda:DeleteAlias", name); err != nil {
		return err
	}
	return g.in.DeleteAlias(ctx, name, alias)
}

func (g *lambdaGuard) CreateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error) {
	if err := g.on(ctx, "lambda:CreateFunctionUrlConfig", qualifiedName(name+":"+q)); err != nil {
		return functions.URLConfig{}, err
	}
	return g.in.CreateURL(ctx, name, q, in)
}

func (g *lambdaGuard) UpdateURL(ctx context.Context, name, q string, in functions.URLInput) (functions.URLConfig, error) {
	if err := g.on(ctx, "lambda:UpdateFunctionUrlConfig", qualifiedName(name+":"+q)); err != nil {
		return functions.URLConfig{}, err
	}
	return g.in.UpdateURL(ctx, name, q, in)
}

func (g *lambdaGuard) DeleteURL(ctx context.Context, name, q string) error {
	if err := g.on(ctx, "lambda:DeleteFunctionUrlConfig", qualifiedName(name+":"+q)); err != nil {
		return err
	}
	return g.in.DeleteURL(ctx, name, q)
}
