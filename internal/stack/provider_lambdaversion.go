package stack

import (
	"context"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// FunctionVersions is what the AWS::Lambda::Version and AWS::Lambda::Alias
// providers need; *functions.Service satisfies it.
type FunctionVersions interface {
	PublishVersion(ctx context.Context, name, description, codeSha256, revisionID string) (functions.Config, error)
	DeleteVersion(ctx context.Context, name, version string) error
	CreateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error)
	UpdateAlias(ctx context.Context, name, alias string, in functions.AliasInput) (functions.Alias, error)
	DeleteAlias(ctx context.Context, name, alias string) error
}

// versionProvider is AWS::Lambda::Version
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-version.html):
// PublishVersion of the function's current code; Ref is the version ARN,
// GetAtt Version the number and FunctionArn the function. Every property
// change publishes a new version (replacement).
type versionProvider struct{ fns Functions }

func (p *versionProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := functions.NameOf(str(in.Props, "FunctionName"))
	if name == "" {
		return Result{}, awserr.New(awserr.InvalidParameterValueExc, "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null")
	}
	v, err := p.fns.PublishVersion(ctx, name, str(in.Props, "Description"), str(in.Props, "CodeSha256"), "")
	if err != nil {
		return Result{}, err
	}
	fnARN := strings.TrimSuffix(v.ARN, ":"+v.Version)
	return Result{PhysicalID: v.ARN, Attrs: map[string]any{"Version": v.Version, "FunctionArn": fnARN}}, nil
}

func (p *versionProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *versionProvider) Delete(ctx context.Context, prev State) error {
	name, v := functions.Split(prev.PhysicalID)
	return p.fns.DeleteVersion(ctx, name, v)
}

// aliasProvider is AWS::Lambda::Alias
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-alias.html):
// Ref is the alias ARN, GetAtt AliasArn too. A new Name or FunctionName
// replaces it; the rest updates in place.
type aliasProvider struct{ fns Functions }

func aliasInput(props map[string]any) functions.AliasInput {
	in := functions.AliasInput{FunctionVersion: str(props, "FunctionVersion")}
	if d, ok := props["Description"]; ok {
		s := toString(d)
		in.Description = &s
	} else {
		empty := ""
		in.Description = &empty
	}
	rc, _ := props["RoutingConfig"].(map[string]any)
	weights, _ := rc["AdditionalVersionWeights"].([]any)
	for _, w := range weights {
		m, _ := w.(map[string]any)
		in.AdditionalVersion = str(m, "FunctionVersion")
		switch f := m["FunctionWeight"].(type) {
		case float64:
			in.AdditionalWeight = f
		case int:
			in.AdditionalWeight = float64(f)
		case string:
			in.AdditionalWeight, _ = strconv.ParseFloat(f, 64)
		}
	}
	return in
}

func (p *aliasProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := functions.NameOf(str(in.Props, "FunctionName"))
	a, err := p.fns.CreateAlias(ctx, name, str(in.Props, "Name"), aliasInput(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: a.ARN, Attrs: map[string]any{"AliasArn": a.ARN}}, nil
}

func (p *aliasProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "Name") != str(prev.Props, "Name") || functions.NameOf(str(in.Props, "FunctionName")) != functions.NameOf(str(prev.Props, "FunctionName")) {
		return Result{}, ErrReplace
	}
	name, alias := functions.Split(prev.PhysicalID)
	a, err := p.fns.UpdateAlias(ctx, name, alias, aliasInput(in.Props))
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: a.ARN, Attrs: map[string]any{"AliasArn": a.ARN}}, nil
}

func (p *aliasProvider) Delete(ctx context.Context, prev State) error {
	name, alias := functions.Split(prev.PhysicalID)
	return p.fns.DeleteAlias(ctx, name, alias)
}
