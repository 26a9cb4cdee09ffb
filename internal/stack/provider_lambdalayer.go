package stack

import (
	"context"
	"slices"
	"strconv"

	"github.com/iamgate/iamgate/internal/functions"
)

// FunctionLayers is what the AWS::Lambda::LayerVersion provider needs;
// *functions.Service satisfies it.
type FunctionLayers interface {
	LayerARN(name string) string
	PublishLayerVersion(ctx context.Context, name string, in functions.LayerInput, zipped []byte) (functions.LayerVersion, error)
	DeleteLayerVersion(ctx context.Context, name string, version int64) error
}

// layerProvider is AWS::Lambda::LayerVersion
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-layerversion.html):
// PublishLayerVersion with the content read from S3 as the caller (like
// function code); Ref and GetAtt LayerVersionArn are the version's ARN.
// Every property change publishes a new version (replacement); the engine
// keeps one with DeletionPolicy Retain (SAM's RetentionPolicy default).
type layerProvider struct {
	fns     Functions
	objects Objects
}

func (p *layerProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "LayerName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 64, false)
	}
	if err := functions.ValidateLayerName(name); err != nil {
		return Result{}, err
	}
	content, _ := in.Props["Content"].(map[string]any)
	zipped, err := s3Code(ctx, p.objects, str(content, "S3Bucket"), str(content, "S3Key"))
	if err != nil {
		return Result{}, err
	}
	lv, err := p.fns.PublishLayerVersion(ctx, name, functions.LayerInput{Description: str(in.Props, "Description"),
		LicenseInfo: str(in.Props, "LicenseInfo"), CompatibleRuntimes: strList(in.Props, "CompatibleRuntimes"),
		CompatibleArchitectures: strList(in.Props, "CompatibleArchitectures")}, zipped)
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: lv.LayerVersionArn, Attrs: map[string]any{"LayerVersionArn": lv.LayerVersionArn}}, nil
}

func (p *layerProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *layerProvider) Delete(ctx context.Context, prev State) error {
	name, v, ok := functions.LayerVersionOf(prev.PhysicalID)
	if !ok {
		return nil // never published
	}
	// DeleteLayerVersion succeeds for a version deleted already.
	return p.fns.DeleteLayerVersion(ctx, name, v)
}

// Layers are authorized as the Lambda API authorizes them: publishing on
// the layer ARN, deleting and using on the layer version ARN
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).

func (g *lambdaGuard) LayerARN(name string) string { return g.in.LayerARN(name) }

func (g *lambdaGuard) PublishLayerVersion(ctx context.Context, name string, in functions.LayerInput, zipped []byte) (functions.LayerVersion, error) {
	if err := allow(ctx, svcLambda, "lambda:PublishLayerVersion", g.in.LayerARN(functions.LayerNameOf(name)), "", nil); err != nil {
		return functions.LayerVersion{}, err
	}
	return g.in.PublishLayerVersion(ctx, name, in, zipped)
}

func (g *lambdaGuard) DeleteLayerVersion(ctx context.Context, name string, version int64) error {
	arn := g.in.LayerARN(functions.LayerNameOf(name)) + ":" + strconv.FormatInt(version, 10)
	if err := allow(ctx, svcLambda, "lambda:DeleteLayerVersion", arn, "", nil); err != nil {
		return err
	}
	return g.in.DeleteLayerVersion(ctx, name, version)
}

// functionLayers checks, as Lambda does on CreateFunction and
// UpdateFunctionConfiguration, that the actor may use each layer the
// function gets that it did not have (lambda:GetLayerVersion).
func (g *lambdaGuard) functionLayers(ctx context.Context, c functions.Config, had []functions.LayerRef) error {
	for _, l := range c.Layers {
		if slices.ContainsFunc(had, func(h functions.LayerRef) bool { return h.Arn == l.Arn }) {
			continue
		}
		if err := allow(ctx, svcLambda, "lambda:GetLayerVersion", l.Arn, "", nil); err != nil {
			return err
		}
	}
	return nil
}
