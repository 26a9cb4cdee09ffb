package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/arn"
)

// LogGroups is what the AWS::Logs::LogGroup provider needs; *logs.Service satisfies it.
type LogGroups interface {
	CreateLogGroup(ctx context.Context, name string, retentionDays int) error
	DeleteLogGroup(ctx context.Context, name string) error
	PutRetentionPolicy(ctx context.Context, name string, days int) error
}

// RegisterLogs adds the AWS::Logs::LogGroup provider.
func (e *Engine) RegisterLogs(groups LogGroups, region, account string) {
	g := &logsGuard{in: groups, region: region, account: account}
	e.Register("AWS::Logs::LogGroup", &logGroupProvider{groups: g, region: region, account: account})
}

type logGroupProvider struct {
	groups          LogGroups
	region, account string
}

func (p *logGroupProvider) result(name string) Result {
	return Result{PhysicalID: name, Attrs: map[string]any{"Arn": arn.LogGroup(p.region, p.account, name)}}
}

func (p *logGroupProvider) Create(ctx context.Context, in *Input) (Result, error) {
	name := str(in.Props, "LogGroupName")
	if name == "" {
		name = physicalName(in.StackName, in.LogicalID, 512, true)
	}
	if err := p.groups.CreateLogGroup(ctx, name, intProp(in.Props, "RetentionInDays", 0)); err != nil {
		return Result{}, err
	}
	return p.result(name), nil
}

func (p *logGroupProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if n := str(in.Props, "LogGroupName"); n != "" && n != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	if err := p.groups.PutRetentionPolicy(ctx, prev.PhysicalID, intProp(in.Props, "RetentionInDays", 0)); err != nil {
		return Result{}, err
	}
	return p.result(prev.PhysicalID), nil
}

func (p *logGroupProvider) Delete(ctx context.Context, prev State) error {
	return p.groups.DeleteLogGroup(ctx, prev.PhysicalID)
}
