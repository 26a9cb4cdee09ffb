package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/arn"
)

// logsGuard authorizes each CloudWatch Logs call on the log group, named as
// CloudWatch Logs names it in its denials
// (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:log-stream:).
type logsGuard struct {
	in              LogGroups
	region, account string
}

var _ LogGroups = (*logsGuard)(nil)

func (g *logsGuard) on(ctx context.Context, action, name string) error {
	return allow(ctx, svcLogs, action, arn.LogStream(g.region, g.account, name, ""), "", nil)
}

func (g *logsGuard) CreateLogGroup(ctx context.Context, name string, retentionDays int) error {
	if err := g.on(ctx, "logs:CreateLogGroup", name); err != nil {
		return err
	}
	if retentionDays > 0 {
		if err := g.on(ctx, "logs:PutRetentionPolicy", name); err != nil {
			return err
		}
	}
	return g.in.CreateLogGroup(ctx, name, retentionDays)
}

func (g *logsGuard) DeleteLogGroup(ctx context.Context, name string) error {
	if err := g.on(ctx, "logs:DeleteLogGroup", name); err != nil {
		return err
	}
	return g.in.DeleteLogGroup(ctx, name)
}

func (g *logsGuard) PutRetentionPolicy(ctx context.Context, name string, days int) error {
	action := "logs:PutRetentionPolicy"
	if days == 0 {
		action = "logs:DeleteRetentionPolicy"
	}
	if err := g.on(ctx, action, name); err != nil {
		return err
	}
	return g.in.PutRetentionPolicy(ctx, name, days)
}
