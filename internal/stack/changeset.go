package stack

import (
	"context"
	"errors"
	"github.com/google/uuid"
	"regexp"
	"sort"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
)

var stackNameRE = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

// emptyChangeSetReason is the exact reason CloudFormation gives; the aws CLI's
// `deploy --no-fail-on-empty-changeset` matches on it.
const emptyChangeSetReason = "The submitted information didn't contain changes. Submit different information to create a change set."

func (e *Engine) templateBody(ctx context.Context, in ChangeSetInput, prev *record) (string, error) {
	switch {
	case in.UsePrevious:
		if prev == nil {
			return "", awserr.New(awserr.ValidationError, "UsePreviousTemplate is not allowed when the stack does not exist")
		}
		return prev.Template, nil
	case in.TemplateBody != "":
		return in.TemplateBody, nil
	case in.TemplateURL != "" && e.includes != nil:
		b, err := e.includes.LoadInclude(ctx, in.TemplateURL)
		var denied *deniedError
		if errors.As(err, &denied) {
			// https://github.com/F5Networks/f5-aws-cloudformation/issues/87
			return "", awserr.New(awserr.ValidationError, "S3 error: Access Denied For more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html")
		}
		if err != nil {
			return "", awserr.New(awserr.ValidationError, "TemplateURL must be a supported URL.")
		}
		return string(b), nil
	}
	return "", awserr.New(awserr.ValidationError, "Either Template URL or Template Body must be specified.")
}

func mergeParams(in []Parameter, prev *record) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range in {
		if p.UsePreviousValue {
			if prev == nil {
				return nil, awserr.New(awserr.ValidationError, "Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", p.Key)
			}
			v, ok := prev.Params[p.Key]
			if !ok {
				return nil, awserr.New(awserr.ValidationError, "Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", p.Key)
			}
			out[p.Key] = v
			continue
		}
		out[p.Key] = p.Value
	}
	return out, nil
}

// CreateChangeSet computes the changes a template would make. It completes
// before returning, so a waiter's first poll sees CREATE_COMPLETE.
func (e *Engine) CreateChangeSet(ctx context.Context, in ChangeSetInput) (ChangeSet, error) {
	if !stackNameRE.MatchString(in.StackName) {
		return ChangeSet{}, awserr.New(awserr.ValidationError, "1 validation error detected: Value '%s' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*", in.StackName)
	}
	if err := e.acquire(ctx, in.StackName); err != nil {
		return ChangeSet{}, e.busy(ctx, in.StackName, err)
	}
	defer e.release(context.WithoutCancel(ctx), in.StackName)
	return e.createChangeSet(ctx, in)
}

func (e *Engine) createChangeSet(ctx context.Context, in ChangeSetInput) (ChangeSet, error) {
	if in.ChangeSetType == "" {
		in.ChangeSetType = "UPDATE"
	}
	prev, err := e.loadStack(ctx, e.st, in.StackName)
	if err != nil && !awserr.Is(err, awserr.ValidationError) {
		return ChangeSet{}, err
	}
	exists := prev != nil && prev.Stack.StackStatus != ReviewInProgress
	if exists && inProgress(prev.Stack.StackStatus) {
		return ChangeSet{}, notUpdatable(prev.Stack)
	}
	switch {
	case in.ChangeSetType == "CREATE" && exists:
		return ChangeSet{}, awserr.New(awserr.AlreadyExistsException, "Stack [%s] already exists and cannot be created again with the changeSet [%s].", in.StackName, in.ChangeSetName)
	case in.ChangeSetType == "UPDATE" && !exists:
		return ChangeSet{}, awserr.New(awserr.ValidationError, "Stack [%s] does not exist", in.StackName)
	}
	caller := callerFrom(ctx)
	if caller == nil {
		return ChangeSet{}, errNoCaller
	}
	role := in.RoleARN
	if role == "" && exists {
		role = prev.Stack.RoleARN
	}
	if err := e.checkServiceRole(ctx, role); err != nil {
		return ChangeSet{}, err
	}
	actx, err := e.actAs(ctx, principalOf(caller), role)
	if err != nil {
		return ChangeSet{}, err
	}
	body, err := e.templateBody(actx, in, prev)
	if err != nil {
		return ChangeSet{}, err
	}
	params, err := mergeParams(in.Parameters, prev)
	if err != nil {
		return ChangeSet{}, err
	}
	if prev == nil {
		prev = &record{Stack: Stack{StackID: e.stackID(in.StackName), StackName: in.StackName, StackStatus: ReviewInProgress,
			CreationTime: e.now().UTC(), StackStatusReason: "User Initiated"}, Resources: map[string]*State{}}
		e.event(ctx, prev, in.StackName, prev.Stack.StackID, stackType, ReviewInProgress, "User Initiated")
		if err := e.saveStack(ctx, prev); err != nil {
			return ChangeSet{}, err
		}
	}
	p, err := e.prepare(actx, in.StackName, prev.Stack.StackID, in.SourceName, body, params)
	if err != nil {
		return ChangeSet{}, err
	}
	if err := checkCapabilities(p.plan, in.Capabilities); err != nil {
		return ChangeSet{}, err
	}
	cs := ChangeSet{
		ChangeSetID:   arn.CloudFormationChangeSet(e.region, e.account, in.ChangeSetName, uuid.NewString()),
		ChangeSetName: in.ChangeSetName, StackID: prev.Stack.StackID, StackName: in.StackName, Description: in.Description,
		Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: e.now().UTC(),
		Parameters: paramList(p.params, p.noEcho), Capabilities: in.Capabilities, Tags: in.Tags,
		Changes: e.changes(p, prev),
	}
	if len(cs.Changes) == 0 && exists && sameJSON(p.params, prev.Params) {
		cs.Status, cs.ExecutionStatus, cs.StatusReason = "FAILED", "UNAVAILABLE", emptyChangeSetReason
	}
	rec := &csRecord{ChangeSet: cs, Template: body, Params: params, Type: in.ChangeSetType, Source: in.SourceName,
		RoleARN: role, Caller: principalOf(caller)}
	return cs, e.saveChangeSet(ctx, rec)
}

// DescribeChangeSet returns a change set.
func (e *Engine) DescribeChangeSet(ctx context.Context, stackName, name string) (ChangeSet, error) {
	rec, err := e.loadChangeSet(ctx, stackName, name)
	if err != nil {
		return ChangeSet{}, err
	}
	return rec.ChangeSet, nil
}

// ListChangeSets lists a stack's change sets.
func (e *Engine) ListChangeSets(ctx context.Context, stackName string) ([]ChangeSet, error) {
	items, err := e.st.List(ctx, kindChangeSet, stackName+"/")
	if err != nil {
		return nil, err
	}
	var out []ChangeSet
	for _, it := range items {
		var rec csRecord
		if err := e.decode(kindChangeSet, it.Key, it.Value, &rec); err != nil {
			return nil, err
		}
		out = append(out, rec.ChangeSet)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreationTime.Before(out[j].CreationTime) })
	return out, nil
}

// DeleteChangeSet removes a change set that has not been executed.
func (e *Engine) DeleteChangeSet(ctx context.Context, stackName, name string) error {
	rec, err := e.loadChangeSet(ctx, stackName, name)
	if err != nil {
		return err
	}
	if rec.ChangeSet.ExecutionStatus == "EXECUTE_IN_PROGRESS" {
		return awserr.New(awserr.ValidationError, "Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS")
	}
	return e.st.Delete(ctx, kindChangeSet, csKey(rec.ChangeSet.StackName, rec.ChangeSet.ChangeSetName))
}

// ExecuteChangeSet starts applying a change set and returns once the
// stack is in progress (or done: see Options.ExecuteWait); the deployment
// runs in the engine.
func (e *Engine) ExecuteChangeSet(ctx context.Context, stackName, name string) error {
	cs, err := e.loadChangeSet(ctx, stackName, name)
	if err != nil {
		return err
	}
	// The executor's authority (or the change set's service role, which the
	// executor must be allowed to pass) deploys it, not its creator's.
	caller := callerFrom(ctx)
	if caller == nil {
		return errNoCaller
	}
	if err := e.checkServiceRole(ctx, cs.RoleARN); err != nil {
		return err
	}
	op, err := e.locked(ctx, cs.ChangeSet.StackName, func() (*operation, error) {
		return e.execute(ctx, cs.ChangeSet.StackName, cs.ChangeSet.ChangeSetName, principalOf(caller))
	})
	if err != nil {
		return err
	}
	e.linger(ctx, op)
	return nil
}

// execute starts a change set's deployment; the caller holds the lease.
func (e *Engine) execute(ctx context.Context, stackName, name string, actor *principal) (*operation, error) {
	cs, err := e.loadChangeSet(ctx, stackName, name) // again, under the lease
	if err != nil {
		return nil, err
	}
	if cs.ChangeSet.ExecutionStatus != "AVAILABLE" {
		return nil, awserr.New(awserr.InvalidChangeSetStatus, "ChangeSet [%s] cannot be executed in its current execution status of [%s]", cs.ChangeSet.ChangeSetID, cs.ChangeSet.ExecutionStatus)
	}
	rec, err := e.loadStack(ctx, e.st, stackName)
	if err != nil {
		return nil, err
	}
	if inProgress(rec.Stack.StackStatus) && rec.Stack.StackStatus != ReviewInProgress {
		return nil, notUpdatable(rec.Stack)
	}
	actx, err := e.actAs(ctx, actor, cs.RoleARN)
	if err != nil {
		return nil, err
	}
	create := rec.Stack.StackStatus == ReviewInProgress
	p, err := e.prepare(actx, rec.Stack.StackName, rec.Stack.StackID, cs.Source, cs.Template, cs.Params)
	if err != nil {
		return nil, err
	}
	cs.ChangeSet.ExecutionStatus = "EXECUTE_IN_PROGRESS"
	if err := e.saveChangeSet(ctx, cs); err != nil {
		return nil, err
	}
	e.retire(ctx, rec.Stack.StackName, cs.ChangeSet.ChangeSetName)
	prior := snapshotOf(rec)
	rec.Actor, rec.Stack.RoleARN = actor, cs.RoleARN
	rec.Template, rec.Params, rec.NoEcho = cs.Template, p.params, p.noEcho
	rec.Processed = processedJSON(p)
	rec.Stack.Description, rec.Stack.Parameters = p.desc, paramList(p.params, p.noEcho)
	rec.Stack.Capabilities, rec.Stack.Tags, rec.Stack.ChangeSetID = cs.ChangeSet.Capabilities, cs.ChangeSet.Tags, cs.ChangeSet.ChangeSetID
	if err := e.begin(ctx, rec, prior, create); err != nil {
		return nil, err
	}
	return e.launch(ctx, stackName, func(octx context.Context) error {
		actx, err := e.actAs(octx, rec.Actor, rec.Stack.RoleARN)
		if err == nil {
			err = e.apply(actx, rec, p, create)
		} else {
			err = e.rollback(octx, rec, create, "", err)
		}
		if !errors.Is(err, errInterrupted) {
			cs.ChangeSet.ExecutionStatus = "EXECUTE_COMPLETE"
			err = errors.Join(err, e.saveChangeSet(context.WithoutCancel(octx), cs))
		}
		return err
	})
}

// retire marks a stack's other change sets obsolete once one is executed.
func (e *Engine) retire(ctx context.Context, stackName, executed string) {
	items, err := e.st.List(ctx, kindChangeSet, stackName+"/")
	if err != nil {
		return
	}
	for _, it := range items {
		var rec csRecord
		if e.decode(kindChangeSet, it.Key, it.Value, &rec) != nil || rec.ChangeSet.ChangeSetName == executed {
			continue
		}
		_ = e.st.Delete(ctx, kindChangeSet, it.Key)
	}
}
