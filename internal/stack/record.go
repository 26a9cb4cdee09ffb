package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/google/uuid"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

const (
	kindStack     = "cfn/stack"
	kindDeleted   = "cfn/deleted"
	kindChangeSet = "cfn/changeset"
)

// record is everything the engine keeps about a live stack.
type record struct {
	Stack     Stack             `json:"stack"`
	Template  string            `json:"template"`  // as submitted
	Processed string            `json:"processed"` // after includes and the SAM transform, as JSON
	Params    map[string]string `json:"params"`
	Resources map[string]*State `json:"resources"`
	Order     []string          `json:"order"` // creation order, for deletion in reverse
	NoEcho    map[string]bool   `json:"noEcho,omitempty"`
	// Actor is who started the stack's latest operation; a deployment acts
	// as them (or as Stack.RoleARN) until it ends, even after a restart.
	Actor *principal `json:"actor,omitempty"`
	// Prior is the stack as it was when the running operation began, and
	// Progress the logical ids that operation has applied, in order; with
	// Pending (the resource being applied), they let a rollback, in this
	// process or after a restart, put every resource back.
	Prior    *snapshot `json:"prior,omitempty"`
	Progress []string  `json:"progress,omitempty"`
	Pending  *State    `json:"pending,omitempty"` // logical id, type and the properties being applied
}

// snapshot is what a rollback restores of a stack.
type snapshot struct {
	Stack     Stack             `json:"stack"`
	Template  string            `json:"template"`
	Processed string            `json:"processed"`
	Params    map[string]string `json:"params"`
	NoEcho    map[string]bool   `json:"noEcho,omitempty"`
	Resources map[string]*State `json:"resources"`
	Order     []string          `json:"order"`
}

func snapshotOf(rec *record) *snapshot {
	return &snapshot{Stack: rec.Stack, Template: rec.Template, Processed: rec.Processed, Params: rec.Params,
		NoEcho: rec.NoEcho, Resources: cloneResources(rec.Resources), Order: append([]string(nil), rec.Order...)}
}

// restore puts back what a snapshot holds, keeping the stack's status.
func (rec *record) restore(s *snapshot) {
	status, reason := rec.Stack.StackStatus, rec.Stack.StackStatusReason
	rec.Stack = s.Stack
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = status, reason
	rec.Template, rec.Processed, rec.Params, rec.NoEcho = s.Template, s.Processed, s.Params, s.NoEcho
	rec.Order = s.Order
}

// csRecord is a change set with what is needed to execute it.
type csRecord struct {
	ChangeSet ChangeSet         `json:"changeSet"`
	Template  string            `json:"template"`
	Params    map[string]string `json:"params"`
	Type      string            `json:"type"`
	Source    string            `json:"source,omitempty"`
	RoleARN   string            `json:"roleArn,omitempty"`
	Caller    *principal        `json:"caller,omitempty"` // who created it
}

func (e *Engine) loadStack(ctx context.Context, r store.Reader, name string) (*record, error) {
	b, err := r.Get(ctx, kindStack, name)
	if errors.Is(err, store.ErrNotFound) {
		// A stack id names a stack too.
		if rec, ok := e.findByID(ctx, r, name); ok {
			return rec, nil
		}
		return nil, awserr.New(awserr.ValidationError, "Stack with id %s does not exist", name)
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := e.decode(kindStack, name, b, &rec); err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	return &rec, nil
}

func (e *Engine) findByID(ctx context.Context, r store.Reader, id string) (*record, bool) {
	for _, kind := range []string{kindStack, kindDeleted} {
		items, err := r.List(ctx, kind, "")
		if err != nil {
			return nil, false
		}
		for _, it := range items {
			var rec record
			if e.decode(kind, it.Key, it.Value, &rec) == nil && rec.Stack.StackID == id {
				return &rec, true
			}
		}
	}
	return nil, false
}

func (e *Engine) saveStack(ctx context.Context, rec *record) error {
	b, err := e.encode(kindStack, rec.Stack.StackName, rec)
	if err != nil {
		return err
	}
	return e.st.Put(ctx, kindStack, rec.Stack.StackName, b)
}

func csKey(stack, name string) string { return stack + "/" + name }

func (e *Engine) loadChangeSet(ctx context.Context, stackName, name string) (*csRecord, error) {
	if stackName == "" {
		if rec, ok := e.findChangeSetByID(ctx, name); ok {
			return rec, nil
		}
	}
	b, err := e.st.Get(ctx, kindChangeSet, csKey(stackName, name))
	if errors.Is(err, store.ErrNotFound) {
		if rec, ok := e.findChangeSetByID(ctx, name); ok {
			return rec, nil
		}
		return nil, awserr.New(awserr.ChangeSetNotFound, "ChangeSet [%s] does not exist", name)
	}
	if err != nil {
		return nil, err
	}
	var rec csRecord
	return &rec, e.decode(kindChangeSet, csKey(stackName, name), b, &rec)
}

func (e *Engine) findChangeSetByID(ctx context.Context, id string) (*csRecord, bool) {
	items, err := e.st.List(ctx, kindChangeSet, "")
	if err != nil {
		return nil, false
	}
	for _, it := range items {
		var rec csRecord
		if e.decode(kindChangeSet, it.Key, it.Value, &rec) == nil && rec.ChangeSet.ChangeSetID == id {
			return &rec, true
		}
	}
	return nil, false
}

func (e *Engine) saveChangeSet(ctx context.Context, rec *csRecord) error {
	key := csKey(rec.ChangeSet.StackName, rec.ChangeSet.ChangeSetName)
	b, err := e.encode(kindChangeSet, key, rec)
	if err != nil {
		return err
	}
	return e.st.Put(ctx, kindChangeSet, key, b)
}

func eventStream(stackID string) string { return "cfn/events/" + stackID }

func (e *Engine) event(ctx context.Context, rec *record, logical, physical, typ, status, reason string) {
	ev := Event{
		EventID: logical + "-" + status + "-" + strconv.FormatInt(e.now().UnixNano(), 36), StackID: rec.Stack.StackID,
		StackName: rec.Stack.StackName, LogicalResourceID: logical, PhysicalResourceID: physical,
		ResourceType: typ, Timestamp: e.now().UTC(), ResourceStatus: status, ResourceStatusReason: reason,
	}
	if logical == rec.Stack.StackName && typ == "AWS::CloudFormation::Stack" {
		ev.EventID = uuid.NewString()
	}
	b, _ := json.Marshal(ev)
	if _, err := e.st.Append(context.WithoutCancel(ctx), eventStream(rec.Stack.StackID), b); err != nil {
		e.log.Error("stack event not stored", "stack", rec.Stack.StackName, "err", err)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
