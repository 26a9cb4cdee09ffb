package stack

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/awserr"
)

func processedJSON(p *prepared) string {
	b, _ := json.MarshalIndent(p.processed.Root, "", "  ")
	return string(b)
}

// CreateStack creates a stack directly (no change set), as CreateStack does.
func (e *Engine) CreateStack(ctx context.Context, in ChangeSetInput) (string, error) {
	in.ChangeSetType = "CREATE"
	in.ChangeSetName = "iamgate-create-" + uuid.NewString()[:8]
	if strings.Contains(in.TemplateBody, "AWS::Serverless") && !slices.Contains(in.Capabilities, "CAPABILITY_AUTO_EXPAND") {
		return "", awserr.New(awserr.InsufficientCapabilities, "Requires capabilities : [CAPABILITY_AUTO_EXPAND]")
	}
	cs, err := e.CreateChangeSet(ctx, in)
	if err != nil {
		return "", err
	}
	return cs.StackID, e.ExecuteChangeSet(ctx, in.StackName, in.ChangeSetName)
}

// UpdateStack updates a stack directly.
func (e *Engine) UpdateStack(ctx context.Context, in ChangeSetInput) (string, error) {
	in.ChangeSetType = "UPDATE"
	in.ChangeSetName = "iamgate-update-" + uuid.NewString()[:8]
	cs, err := e.CreateChangeSet(ctx, in)
	if err != nil {
		return "", err
	}
	if cs.Status == "FAILED" {
		_ = e.DeleteChangeSet(ctx, in.StackName, in.ChangeSetName)
		return "", awserr.New(awserr.ValidationError, "No updates are to be performed.")
	}
	return cs.StackID, e.ExecuteChangeSet(ctx, in.StackName, in.ChangeSetName)
}

// DeleteStack starts deleting a stack and every resource it created, and
// returns once the deletion is in progress (see Options.ExecuteWait).
// Deleting a stack that does not exist, or is being deleted, succeeds, as
// in CloudFormation.
//
// The deletion acts as roleARN, else the stack's service role (either one
// the caller must be allowed to pass), else the caller.
func (e *Engine) DeleteStack(ctx context.Context, name, roleARN string) error {
	rec, err := e.loadStack(ctx, e.st, name)
	if awserr.Is(err, awserr.ValidationError) {
		return nil
	}
	if err != nil {
		return err
	}
	if rec.Stack.StackStatus == DeleteComplete || rec.Stack.StackStatus == DeleteInProgress {
		return nil
	}
	caller := callerFrom(ctx)
	if caller == nil {
		return errNoCaller
	}
	if roleARN == "" {
		roleARN = rec.Stack.RoleARN
	}
	if err := e.checkServiceRole(ctx, roleARN); err != nil {
		return err
	}
	stackName := rec.Stack.StackName
	op, err := e.locked(ctx, stackName, func() (*operation, error) {
		return e.delete(ctx, stackName, principalOf(caller), roleARN)
	})
	if err != nil || op == nil {
		return err
	}
	e.linger(ctx, op)
	return nil
}

// delete starts a stack's deletion; the caller holds the lease.
func (e *Engine) delete(ctx context.Context, name string, actor *principal, roleARN string) (*operation, error) {
	rec, err := e.loadStack(ctx, e.st, name)
	if awserr.Is(err, awserr.ValidationError) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch s := rec.Stack.StackStatus; {
	case s == DeleteInProgress || s == DeleteComplete:
		return nil, nil
	case inProgress(s) && s != ReviewInProgress:
		// https://github.com/aws-solutions-library-samples/guidance-for-clickstream-analytics-on-aws/issues/573
		return nil, awserr.New(awserr.ValidationError, "Stack [%s] cannot be deleted while in status %s", rec.Stack.StackID, s)
	}
	rec.Actor, rec.Stack.RoleARN = actor, roleARN
	if _, err := e.actAs(ctx, rec.Actor, roleARN); err != nil {
		return nil, err
	}
	if err := e.beginDelete(ctx, rec); err != nil {
		return nil, err
	}
	return e.launch(ctx, name, func(octx context.Context) error {
		actx, err := e.actAs(octx, rec.Actor, rec.Stack.RoleARN)
		if err != nil {
			return e.deleteFailed(octx, rec, err)
		}
		return e.destroy(actx, rec)
	})
}

// deleteFailed ends a deletion that cannot act at all.
func (e *Engine) deleteFailed(ctx context.Context, rec *record, cause error) error {
	ctx = context.WithoutCancel(ctx)
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = DeleteFailed, cause.Error()
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteFailed, rec.Stack.StackStatusReason)
	return errors.Join(cause, e.saveStack(ctx, rec))
}

// DescribeStacks returns one stack by name or id, or every live stack.
func (e *Engine) DescribeStacks(ctx context.Context, name string) ([]Stack, error) {
	if name != "" {
		rec, err := e.loadStack(ctx, e.st, name)
		if err != nil {
			return nil, err
		}
		return []Stack{rec.Stack}, nil
	}
	items, err := e.st.List(ctx, kindStack, "")
	if err != nil {
		return nil, err
	}
	var out []Stack
	for _, it := range items {
		var rec record
		if err := e.decode(kindStack, it.Key, it.Value, &rec); err != nil {
			return nil, err
		}
		out = append(out, rec.Stack)
	}
	return out, nil
}

// ListStacks lists live and deleted stacks, filtered by status.
func (e *Engine) ListStacks(ctx context.Context, filter []string) ([]Stack, error) {
	var out []Stack
	for _, kind := range []string{kindStack, kindDeleted} {
		items, err := e.st.List(ctx, kind, "")
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			var rec record
			if err := e.decode(kind, it.Key, it.Value, &rec); err != nil {
				return nil, err
			}
			if len(filter) == 0 || slices.Contains(filter, rec.Stack.StackStatus) {
				out = append(out, rec.Stack)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreationTime.After(out[j].CreationTime) })
	return out, nil
}

// DescribeStackEvents returns a stack's events, newest first.
func (e *Engine) DescribeStackEvents(ctx context.Context, name string) ([]Event, error) {
	rec, err := e.loadStack(ctx, e.st, name)
	if err != nil {
		return nil, err
	}
	return e.Events(ctx, rec.Stack.StackID, 0)
}

// Events returns a stack's events after sequence number after, newest first.
func (e *Engine) Events(ctx context.Context, stackID string, after int64) ([]Event, error) {
	var out []Event
	for {
		recs, err := e.st.Range(ctx, eventStream(stackID), after, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			var ev Event
			if err := json.Unmarshal(r.Value, &ev); err != nil {
				return nil, err
			}
			out = append(out, ev)
			after = r.Seq
		}
		if len(recs) < 1000 {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// DescribeStackResources returns a stack's resources (or one of them).
func (e *Engine) DescribeStackResources(ctx context.Context, name, logicalID string) ([]Resource, error) {
	rec, err := e.loadStack(ctx, e.st, name)
	if err != nil {
		return nil, err
	}
	var out []Resource
	for _, id := range sortedIDs(rec) {
		st := rec.Resources[id]
		if logicalID != "" && id != logicalID {
			continue
		}
		out = append(out, Resource{StackID: rec.Stack.StackID, StackName: rec.Stack.StackName, LogicalResourceID: id,
			PhysicalResourceID: st.PhysicalID, ResourceType: st.Type, ResourceStatus: st.Status, Timestamp: rec.Stack.LastUpdatedTime})
	}
	if logicalID != "" && len(out) == 0 {
		return nil, awserr.New(awserr.ValidationError, "Resource %s does not exist for stack %s", logicalID, rec.Stack.StackName)
	}
	return out, nil
}

// ListStackResources lists a stack's resources.
func (e *Engine) ListStackResources(ctx context.Context, name string) ([]Resource, error) {
	return e.DescribeStackResources(ctx, name, "")
}

func sortedIDs(rec *record) []string {
	ids := make([]string, 0, len(rec.Resources))
	for id := range rec.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// GetTemplate returns a stack's (or change set's) template, Original or Processed.
func (e *Engine) GetTemplate(ctx context.Context, name, changeSet, stage string) (string, error) {
	if changeSet != "" {
		cs, err := e.loadChangeSet(ctx, name, changeSet)
		if err != nil {
			return "", err
		}
		if stage != "Processed" {
			return cs.Template, nil
		}
		rec, err := e.loadStack(ctx, e.st, cs.ChangeSet.StackName)
		if err != nil {
			return "", err
		}
		actx, err := e.actAs(ctx, principalOf(callerFrom(ctx)), cs.RoleARN)
		if err != nil {
			return "", err
		}
		p, err := e.prepare(actx, cs.ChangeSet.StackName, rec.Stack.StackID, cs.Source, cs.Template, cs.Params)
		if err != nil {
			return "", err
		}
		return processedJSON(p), nil
	}
	rec, err := e.loadStack(ctx, e.st, name)
	if err != nil {
		return "", err
	}
	if stage == "Processed" && rec.Processed != "" {
		return rec.Processed, nil
	}
	return rec.Template, nil
}

// ValidateTemplate checks a template and lists its parameters.
func (e *Engine) ValidateTemplate(ctx context.Context, body, url string) (ValidateResult, error) {
	ctx, err := e.actAsCaller(ctx, "")
	if err != nil {
		return ValidateResult{}, err
	}
	b, err := e.templateBody(ctx, ChangeSetInput{TemplateBody: body, TemplateURL: url}, nil)
	if err != nil {
		return ValidateResult{}, err
	}
	p, err := e.prepare(ctx, "validate", "", "", b, nil)
	if err != nil {
		return ValidateResult{}, err
	}
	res := ValidateResult{Description: p.desc, Capabilities: requiredCapabilities(p.plan)}
	if len(res.Capabilities) > 0 {
		res.Reason = "The following resource(s) require capabilities: [" + strings.Join(iamTypes(p), ", ") + "]"
	}
	decl, _ := p.processed.Root["Parameters"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(decl)) {
		d, _ := decl[k].(map[string]any)
		tp := TemplateParameter{Key: k, Description: toString(d["Description"])}
		if v, ok := d["Default"]; ok {
			tp.DefaultValue = toString(v)
		}
		tp.NoEcho = toString(d["NoEcho"]) == "true"
		res.Parameters = append(res.Parameters, tp)
	}
	return res, nil
}

func iamTypes(p *prepared) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range p.plan.Order() {
		typ, _, _ := p.plan.Resource(id)
		if strings.HasPrefix(typ, "AWS::IAM::") && !seen[typ] {
			seen[typ] = true
			out = append(out, typ)
		}
	}
	return out
}
