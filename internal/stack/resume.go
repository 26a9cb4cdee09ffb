package stack

import (
	"context"
	"errors"
)

// A stack found in progress with a free lease was left so by a process that
// stopped (killed, or closed before the operation's next step). It is
// resolved as CloudFormation resolves an operation that cannot go on: a
// create or update is rolled back (CREATE_IN_PROGRESS → ROLLBACK_COMPLETE,
// UPDATE_IN_PROGRESS → UPDATE_ROLLBACK_COMPLETE with the previous resources,
// template and outputs restored), an interrupted rollback or deletion is
// run to its end, and an update past its resources
// (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS) finishes its cleanup. It acts as
// the stack's recorded actor, as the interrupted operation did.

// errResumed is the reason a rollback gives for an operation it found
// interrupted.
var errResumed = errors.New("The stack operation was interrupted: the iamgate server running it stopped. Rollback requested by iamgate on restart.")

// resumeAll resolves every stack left in progress whose lease is free.
func (e *Engine) resumeAll(ctx context.Context) error {
	items, err := e.st.List(ctx, kindStack, "")
	if err != nil {
		return err
	}
	for _, it := range items {
		var rec record
		if err := e.decode(kindStack, it.Key, it.Value, &rec); err != nil {
			e.log.Warn("stack record unreadable", "stack", it.Key, "err", err)
			continue
		}
		if !resumable(rec.Stack.StackStatus) || e.running(it.Key) {
			continue
		}
		_, err := e.locked(ctx, it.Key, func() (*operation, error) { return e.resume(ctx, it.Key) })
		if err != nil && !errors.Is(err, errBusy) && !errors.Is(err, errClosed) {
			e.log.Warn("interrupted stack operation not resumed", "stack", it.Key, "err", err)
		}
	}
	return nil
}

func resumable(status string) bool { return inProgress(status) && status != ReviewInProgress }

func (e *Engine) running(name string) bool {
	e.opsMu.Lock()
	defer e.opsMu.Unlock()
	return e.ops[name] != nil
}

// resume starts resolving one interrupted stack; the caller holds its lease.
func (e *Engine) resume(ctx context.Context, name string) (*operation, error) {
	rec, err := e.loadStack(ctx, e.st, name) // again, under the lease
	if err != nil || !resumable(rec.Stack.StackStatus) {
		return nil, err
	}
	e.log.Warn("resolving a stack operation a stopped server left in progress", "stack", name, "status", rec.Stack.StackStatus)
	return e.launch(ctx, name, func(octx context.Context) error {
		actx, err := e.actAs(octx, rec.Actor, rec.Stack.RoleARN)
		if err != nil {
			actx = octx // resource calls are refused: the rollback records what it could not undo
		}
		return e.resolve(actx, rec)
	})
}

// resolve takes an interrupted operation to a final status.
func (e *Engine) resolve(ctx context.Context, rec *record) error {
	ctx = context.WithoutCancel(ctx)
	switch rec.Stack.StackStatus {
	case CreateInProgress, UpdateInProgress:
		create := rec.Stack.StackStatus == CreateInProgress
		e.cancelPending(ctx, rec, create)
		if err := e.rollback(ctx, rec, create, "", errResumed); err != errResumed {
			return err
		}
		return nil
	case RollbackInProgress:
		return e.undo(ctx, rec, true)
	case UpdateRollbackInProgress:
		return e.undo(ctx, rec, false)
	case UpdateCompleteCleanup:
		return e.finish(ctx, rec, UpdateComplete)
	case DeleteInProgress:
		return e.destroy(ctx, rec)
	}
	e.log.Warn("stack left in a status iamgate does not resume", "stack", rec.Stack.StackName, "status", rec.Stack.StackStatus)
	return nil
}

// cancelPending records that the resource being applied when the process
// stopped will not finish, in CloudFormation's words for a resource whose
// operation is cancelled. An in-place update under way is put back by the
// rollback like the finished ones. A creation under way was not recorded:
// what its provider may have made before the process stopped is not known
// to be the stack's (a resource of that name may be someone else's), so it
// is left alone, as CloudFormation never deletes what it did not create;
// its event says the creation was cancelled.
func (e *Engine) cancelPending(ctx context.Context, rec *record, create bool) {
	p := rec.Pending
	if p == nil {
		return
	}
	cur, ok := rec.Resources[p.LogicalID]
	if ok && cur.Type == p.Type && rec.Prior != nil && rec.Prior.Resources[p.LogicalID] != nil &&
		rec.Prior.Resources[p.LogicalID].PhysicalID == cur.PhysicalID {
		// The provider may have applied some of the new properties: the
		// rollback puts back the old ones over the new.
		partial := *cur
		partial.Props = p.Props
		rec.Resources[p.LogicalID] = &partial
		rec.Progress = append(rec.Progress, p.LogicalID)
		e.event(ctx, rec, p.LogicalID, cur.PhysicalID, cur.Type, UpdateFailed, "Resource update cancelled")
		return
	}
	e.event(ctx, rec, p.LogicalID, "", p.Type, statusFailed(rec, create || !ok), "Resource creation cancelled")
}
