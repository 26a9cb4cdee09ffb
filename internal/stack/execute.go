package stack

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

const stackType = "AWS::CloudFormation::Stack"

// begin records that a create or update has started: its status, its
// event and, in rec.Prior, the stack as it was (prior), for a rollback in
// this process or after a restart.
func (e *Engine) begin(ctx context.Context, rec *record, prior *snapshot, create bool) error {
	inProgress := UpdateInProgress
	if create {
		inProgress = CreateInProgress
	}
	rec.Prior, rec.Progress, rec.Pending = prior, nil, nil
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = inProgress, ""
	if !create {
		rec.Stack.LastUpdatedTime = e.now().UTC()
	}
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, inProgress, "User Initiated")
	return e.saveStack(ctx, rec)
}

// apply brings the stack's resources to the plan: creates, updates or
// replaces in dependency order, then deletes what the plan dropped. On a
// failure it rolls back what it did and records the failed status. It stops
// before its next resource when ctx ends (errInterrupted), leaving the
// stack in progress for the next Start.
func (e *Engine) apply(ctx context.Context, rec *record, p *prepared, create bool) error {
	pctx := context.WithoutCancel(ctx) // a resource call, once made, finishes
	complete := UpdateComplete
	if create {
		complete = CreateComplete
	}
	vals := &values{rec: rec}
	for _, id := range p.plan.Order() {
		if interrupted(ctx) {
			return errInterrupted
		}
		if err := e.applyOne(pctx, rec, p, vals, id); err != nil {
			if errors.Is(err, errInterrupted) {
				// A wait the closing engine cut short: the next Start resolves it.
				return err
			}
			return e.rollback(pctx, rec, create, id, err)
		}
	}
	outputs, err := p.plan.Outputs(vals)
	if err != nil {
		return e.rollback(pctx, rec, create, "", err)
	}
	rec.Order = p.plan.Order()
	rec.Stack.Outputs = rec.Stack.Outputs[:0]
	for _, o := range outputs {
		rec.Stack.Outputs = append(rec.Stack.Outputs, Output{Key: o.Key, Value: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	if !create {
		// From here the update stands: a restart finishes the cleanup.
		rec.Stack.StackStatus = UpdateCompleteCleanup
		e.event(pctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, UpdateCompleteCleanup, "")
		if err := e.saveStack(pctx, rec); err != nil {
			return err
		}
	}
	return e.finish(pctx, rec, complete)
}

// finish deletes what the operation replaced or dropped and records the
// final status.
func (e *Engine) finish(ctx context.Context, rec *record, complete string) error {
	if rec.Prior != nil {
		e.cleanup(ctx, rec, rec.Prior)
	}
	rec.Prior, rec.Progress, rec.Pending = nil, nil, nil
	rec.Stack.StackStatus = complete
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, complete, "")
	return e.saveStack(ctx, rec)
}

// applyOne creates, updates or replaces one resource. It records the
// resource as pending before a provider is called, so that a restart knows
// what was under way, and as done (rec.Progress) with its new state after.
// A replaced resource's old state stays in rec.Prior for cleanup.
func (e *Engine) applyOne(ctx context.Context, rec *record, p *prepared, vals *values, id string) error {
	typ, props, _ := p.plan.Resource(id)
	prov, _ := e.provider(typ)
	resolved, err := p.plan.Resolve([]string{"Resources", id, "Properties"}, props, vals)
	if err != nil {
		e.event(ctx, rec, id, "", typ, statusFailed(rec, true), err.Error())
		return err
	}
	rp, _ := resolved.(map[string]any)
	if rp == nil {
		rp = map[string]any{}
	}
	in := &Input{StackName: rec.Stack.StackName, StackID: rec.Stack.StackID, LogicalID: id, Type: typ, Props: rp}
	prev, existed := rec.Resources[id]
	if existed && prev.Type == typ && sameJSON(rp, prev.Props) {
		rec.Progress = append(rec.Progress, id)
		return nil
	}
	rec.Pending = &State{LogicalID: id, Type: typ, Props: rp}
	if err := e.saveStack(ctx, rec); err != nil {
		return err
	}
	if existed && prev.Type == typ {
		e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateInProgress, "")
		res, err := prov.Update(ctx, in, *prev)
		if errors.Is(err, errInterrupted) {
			return err
		}
		if err == nil {
			e.event(ctx, rec, id, res.PhysicalID, typ, UpdateComplete, "")
			return e.done(ctx, rec, stateOf(id, typ, res, rp, UpdateComplete), deletionPolicy(p, id))
		}
		if !errors.Is(err, ErrReplace) {
			e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateFailed, handlerReason(typ, err))
			var fa *failedAnswer
			if errors.As(err, &fa) {
				// The function may have changed the resource: the
				// rollback updates it back from the properties it tried.
				tried := *prev
				tried.Props = rp
				return errors.Join(err, e.done(ctx, rec, &tried, prev.DeletionPolicy))
			}
			return err
		}
		e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateInProgress, "Requested update requires the creation of a new physical resource; hence creating one.")
	}
	if !existed {
		e.event(ctx, rec, id, "", typ, CreateInProgress, "")
	}
	res, err := prov.Create(ctx, in)
	if err != nil {
		if errors.Is(err, errInterrupted) {
			return err
		}
		var fc *failedAnswer
		if errors.As(err, &fc) && !existed && fc.physicalID != "" {
			// The resource may exist (a custom resource answered FAILED
			// with its id): the rollback deletes it.
			e.event(ctx, rec, id, fc.physicalID, typ, CreateFailed, handlerReason(typ, err))
			return errors.Join(err, e.done(ctx, rec, &State{LogicalID: id, Type: typ, PhysicalID: fc.physicalID, Attrs: fc.attrs, Props: rp, Status: CreateFailed}, deletionPolicy(p, id)))
		}
		e.event(ctx, rec, id, "", typ, statusFailed(rec, !existed), handlerReason(typ, err))
		return err
	}
	if !existed {
		e.event(ctx, rec, id, res.PhysicalID, typ, CreateInProgress, "Resource creation Initiated")
	}
	status := CreateComplete
	if existed {
		status = UpdateComplete
	}
	e.event(ctx, rec, id, res.PhysicalID, typ, status, "")
	return e.done(ctx, rec, stateOf(id, typ, res, rp, CreateComplete), deletionPolicy(p, id))
}

// done records a resource applied by the running operation.
func (e *Engine) done(ctx context.Context, rec *record, st *State, deletionPolicy string) error {
	st.DeletionPolicy = deletionPolicy
	rec.Resources[st.LogicalID] = st
	rec.Progress, rec.Pending = append(rec.Progress, st.LogicalID), nil
	return e.saveStack(ctx, rec)
}

func statusFailed(rec *record, create bool) string {
	if create {
		return CreateFailed
	}
	return UpdateFailed
}

func stateOf(id, typ string, res Result, props map[string]any, status string) *State {
	return &State{LogicalID: id, Type: typ, PhysicalID: res.PhysicalID, Ref: res.Ref, Attrs: res.Attrs, Props: props, Status: status}
}

func cloneResources(m map[string]*State) map[string]*State {
	b, _ := json.Marshal(m)
	out := map[string]*State{}
	_ = json.Unmarshal(b, &out)
	return out
}

// cleanup deletes the resources the operation replaced (their old state is
// in prior) and those the plan (rec.Order) no longer has, dependents first:
// in reverse of the order the previous deployment created them.
func (e *Engine) cleanup(ctx context.Context, rec *record, prior *snapshot) {
	inPlan := map[string]bool{}
	for _, id := range rec.Order {
		inPlan[id] = true
	}
	for i := len(rec.Progress) - 1; i >= 0; i-- {
		id := rec.Progress[i]
		old, cur := prior.Resources[id], rec.Resources[id]
		if old != nil && cur != nil && old.PhysicalID != cur.PhysicalID {
			e.deleteOne(ctx, rec, old, false)
		}
	}
	order := deletionOrder(prior.Order, rec.Resources)
	for i := len(order) - 1; i >= 0; i-- {
		id := order[i]
		if inPlan[id] {
			continue
		}
		e.deleteOne(ctx, rec, rec.Resources[id], false)
		delete(rec.Resources, id)
	}
}

// deletionOrder is the creation order of the resources present, with any
// resource the order does not name (state from an interrupted run) first,
// so that it is deleted last.
func deletionOrder(order []string, resources map[string]*State) []string {
	var unlisted, out []string
	for id := range resources {
		if !slices.Contains(order, id) {
			unlisted = append(unlisted, id)
		}
	}
	sort.Strings(unlisted)
	out = append(out, unlisted...)
	for _, id := range order {
		if _, ok := resources[id]; ok {
			out = append(out, id)
		}
	}
	return out
}

func (e *Engine) deleteOne(ctx context.Context, rec *record, st *State, strict bool) error {
	if st.DeletionPolicy == "Retain" {
		// CloudFormation leaves the resource and says so
		// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
		e.event(ctx, rec, st.LogicalID, st.PhysicalID, st.Type, DeleteSkipped, "")
		return nil
	}
	e.event(ctx, rec, st.LogicalID, st.PhysicalID, st.Type, DeleteInProgress, "")
	prov, ok := e.provider(st.Type)
	var err error
	if ok && st.PhysicalID != "" {
		err = prov.Delete(ctx, *st)
	}
	if errors.Is(err, errInterrupted) {
		return err
	}
	if err != nil && !awserr.Is(err, awserr.NoSuchEntity) && !isNotFound(err) {
		e.event(ctx, rec, st.LogicalID, st.PhysicalID, st.Type, DeleteFailed, handlerReason(st.Type, err))
		if strict {
			return err
		}
		e.log.Warn("resource delete failed", "stack", rec.Stack.StackName, "resource", st.LogicalID, "err", err)
		return nil
	}
	e.event(ctx, rec, st.LogicalID, st.PhysicalID, st.Type, DeleteComplete, "")
	return nil
}

// deletionPolicy reads a resource's DeletionPolicy from the processed
// template; only literal values count (Retain, RetainExceptOnCreate, ...).
func deletionPolicy(p *prepared, id string) string {
	res, _ := p.processed.Root["Resources"].(map[string]any)
	r, _ := res[id].(map[string]any)
	dp, _ := r["DeletionPolicy"].(string)
	return dp
}

func isNotFound(err error) bool {
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case awserr.NotFoundException, awserr.ResourceNotFoundException, awserr.NoSuchEntity:
		return true
	}
	return false
}

// rollback undoes a failed create or update: what the operation created
// (rec.Progress) is deleted and what it updated is put back, as the same
// actor, and the stack's template, parameters and outputs are restored from
// rec.Prior. A resource it cannot undo leaves the stack ROLLBACK_FAILED
// (UPDATE_ROLLBACK_FAILED). failed names the resource that failed, if any;
// the returned error is cause.
func (e *Engine) rollback(ctx context.Context, rec *record, create bool, failed string, cause error) error {
	inProgress := UpdateRollbackInProgress
	verb := "update"
	if create {
		inProgress, verb = RollbackInProgress, "create"
	}
	rec.Stack.StackStatus = inProgress
	if failed != "" {
		// "The following resource(s) failed to create: [Fn]. Rollback requested by user."
		rec.Stack.StackStatusReason = "The following resource(s) failed to " + verb + ": [" + failed + "]. Rollback requested by user."
	} else {
		rec.Stack.StackStatusReason = cause.Error()
	}
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, inProgress, rec.Stack.StackStatusReason)
	if err := e.saveStack(ctx, rec); err != nil {
		return errors.Join(cause, err)
	}
	if err := e.undo(ctx, rec, create); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

// undo is the work of a rollback in progress; a restart that finds a
// rollback interrupted runs it again (each step is safe to repeat).
func (e *Engine) undo(ctx context.Context, rec *record, create bool) error {
	complete, stuck := UpdateRollbackComplete, UpdateRollbackFailed
	if create {
		complete, stuck = RollbackComplete, RollbackFailed
	}
	before := map[string]*State{}
	if rec.Prior != nil {
		before = rec.Prior.Resources
	}
	var left []string // resources the rollback could not undo
	for i := len(rec.Progress) - 1; i >= 0; i-- {
		id := rec.Progress[i]
		cur, ok := rec.Resources[id]
		if !ok {
			continue
		}
		old, existed := before[id]
		if existed && old.PhysicalID == cur.PhysicalID {
			if !e.restoreOne(ctx, rec, id, old, cur) {
				left = append(left, id)
			}
			continue
		}
		if err := e.deleteOne(ctx, rec, cur, true); err != nil {
			left = append(left, id)
		}
	}
	// A resource that failed mid-way is not in Progress; what a provider
	// made of it was not recorded, so nothing more to undo.
	kept := map[string]*State{}
	for _, id := range left {
		kept[id] = rec.Resources[id]
	}
	if create {
		rec.Resources = kept
	} else {
		rec.Resources = cloneResources(before)
		for id, st := range kept {
			if _, ok := before[id]; !ok {
				rec.Resources[id] = st
			}
		}
		if rec.Prior != nil {
			rec.restore(rec.Prior)
		}
	}
	rec.Prior, rec.Progress, rec.Pending = nil, nil, nil
	if len(left) > 0 {
		rec.Stack.StackStatus = stuck
		rec.Stack.StackStatusReason = "The following resource(s) failed to " + map[bool]string{true: "delete", false: "update"}[create] + ": [" + strings.Join(left, ", ") + "]. "
		e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, stuck, rec.Stack.StackStatusReason)
	} else {
		rec.Stack.StackStatus = complete
		e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, complete, "")
	}
	return e.saveStack(ctx, rec)
}

// restoreOne puts an updated resource back to its old properties.
func (e *Engine) restoreOne(ctx context.Context, rec *record, id string, old, cur *State) bool {
	prov, _ := e.provider(old.Type)
	if prov == nil {
		return true
	}
	in := &Input{StackName: rec.Stack.StackName, StackID: rec.Stack.StackID, LogicalID: id, Type: old.Type, Props: old.Props}
	e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateInProgress, "")
	if _, err := prov.Update(ctx, in, *cur); err != nil {
		e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateFailed, handlerReason(cur.Type, err))
		return false
	}
	e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateComplete, "")
	return true
}

// beginDelete records that a stack's deletion has started.
func (e *Engine) beginDelete(ctx context.Context, rec *record) error {
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = DeleteInProgress, "User Initiated"
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteInProgress, "User Initiated")
	return e.saveStack(ctx, rec)
}

// destroy deletes every resource of a stack, dependents first, then its
// change sets. It stops before its next resource when ctx ends; a restart
// goes on with the deletion.
func (e *Engine) destroy(ctx context.Context, rec *record) error {
	pctx := context.WithoutCancel(ctx)
	order := deletionOrder(rec.Order, rec.Resources)
	for i := len(order) - 1; i >= 0; i-- {
		if interrupted(ctx) {
			return errInterrupted
		}
		st, ok := rec.Resources[order[i]]
		if !ok {
			continue
		}
		if err := e.deleteOne(pctx, rec, st, true); err != nil {
			if errors.Is(err, errInterrupted) {
				return err
			}
			rec.Stack.StackStatus, rec.Stack.StackStatusReason = DeleteFailed, "The following resource(s) failed to delete: ["+st.LogicalID+"]. "
			e.event(pctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteFailed, rec.Stack.StackStatusReason)
			return errors.Join(err, e.saveStack(pctx, rec))
		}
		delete(rec.Resources, order[i])
		if err := e.saveStack(pctx, rec); err != nil {
			return err
		}
	}
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = DeleteComplete, ""
	rec.Stack.DeletionTime = e.now().UTC()
	e.event(pctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteComplete, "")
	b, err := e.encode(kindDeleted, rec.Stack.StackID, rec)
	if err != nil {
		return err
	}
	err = e.st.Update(pctx, func(tx store.Tx) error {
		if err := tx.Put(pctx, kindDeleted, rec.Stack.StackID, b); err != nil {
			return err
		}
		return tx.Delete(pctx, kindStack, rec.Stack.StackName)
	})
	if err != nil {
		return err
	}
	items, err := e.st.List(pctx, kindChangeSet, rec.Stack.StackName+"/")
	for _, it := range items {
		err = errors.Join(err, e.st.Delete(pctx, kindChangeSet, it.Key))
	}
	return err
}
