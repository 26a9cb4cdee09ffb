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

// apply brings the stack's resources to the plan: creates, updates or
// replaces in dependency order, then deletes what the plan dropped. On a
// failure it rolls back what it did and records the failed status.
func (e *Engine) apply(ctx context.Context, rec *record, p *prepared, create bool) error {
	ctx = context.WithoutCancel(ctx)
	inProgress, complete := UpdateInProgress, UpdateComplete
	if create {
		inProgress, complete = CreateInProgress, CreateComplete
	}
	rec.Stack.StackStatus, rec.Stack.StackStatusReason = inProgress, ""
	if !create {
		rec.Stack.LastUpdatedTime = e.now().UTC()
	}
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, inProgress, "User Initiated")
	if err := e.saveStack(ctx, rec); err != nil {
		return err
	}
	before := cloneResources(rec.Resources)
	beforeOrder := append([]string(nil), rec.Order...)
	var done []string     // logical ids created or updated by this run, in order
	var replaced []*State // old resources replaced during this run
	vals := &values{rec: rec}
	for _, id := range p.plan.Order() {
		repl, err := e.applyOne(ctx, rec, p, vals, id)
		if repl != nil {
			replaced = append(replaced, repl)
		}
		if err != nil {
			return e.rollback(ctx, rec, before, done, create, id, err)
		}
		done = append(done, id)
	}
	rec.Order = p.plan.Order()
	outputs, err := p.plan.Outputs(vals)
	if err != nil {
		return e.rollback(ctx, rec, before, done, create, "", err)
	}
	rec.Stack.Outputs = rec.Stack.Outputs[:0]
	for _, o := range outputs {
		rec.Stack.Outputs = append(rec.Stack.Outputs, Output{Key: o.Key, Value: o.Value, Description: o.Description, ExportName: o.ExportName})
	}
	if !create {
		rec.Stack.StackStatus = UpdateCompleteCleanup
		e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, UpdateCompleteCleanup, "")
	}
	e.cleanup(ctx, rec, beforeOrder, p, replaced)
	rec.Stack.StackStatus = complete
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, complete, "")
	return e.saveStack(ctx, rec)
}

// applyOne creates or updates one resource. It returns the old state when
// the resource was replaced.
func (e *Engine) applyOne(ctx context.Context, rec *record, p *prepared, vals *values, id string) (*State, error) {
	typ, props, _ := p.plan.Resource(id)
	prov := e.providers[typ]
	resolved, err := p.plan.Resolve([]string{"Resources", id, "Properties"}, props, vals)
	if err != nil {
		e.event(ctx, rec, id, "", typ, statusFailed(rec, true), err.Error())
		return nil, err
	}
	rp, _ := resolved.(map[string]any)
	if rp == nil {
		rp = map[string]any{}
	}
	in := &Input{StackName: rec.Stack.StackName, StackID: rec.Stack.StackID, LogicalID: id, Type: typ, Props: rp}
	prev, existed := rec.Resources[id]
	if existed && prev.Type == typ && sameJSON(rp, prev.Props) {
		return nil, nil
	}
	if existed && prev.Type == typ {
		e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateInProgress, "")
		res, err := prov.Update(ctx, in, *prev)
		if err == nil {
			rec.Resources[id] = stateOf(id, typ, res, rp, UpdateComplete)
			rec.Resources[id].DeletionPolicy = deletionPolicy(p, id)
			e.event(ctx, rec, id, res.PhysicalID, typ, UpdateComplete, "")
			return nil, e.saveStack(ctx, rec)
		}
		if !errors.Is(err, ErrReplace) {
			e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateFailed, handlerReason(typ, err))
			return nil, err
		}
		e.event(ctx, rec, id, prev.PhysicalID, typ, UpdateInProgress, "Requested update requires the creation of a new physical resource; hence creating one.")
	}
	if !existed {
		e.event(ctx, rec, id, "", typ, CreateInProgress, "")
	}
	res, err := prov.Create(ctx, in)
	if err != nil {
		e.event(ctx, rec, id, "", typ, statusFailed(rec, !existed), handlerReason(typ, err))
		return nil, err
	}
	if !existed {
		e.event(ctx, rec, id, res.PhysicalID, typ, CreateInProgress, "Resource creation Initiated")
	}
	rec.Resources[id] = stateOf(id, typ, res, rp, CreateComplete)
	rec.Resources[id].DeletionPolicy = deletionPolicy(p, id)
	status := CreateComplete
	if existed {
		status = UpdateComplete
	}
	e.event(ctx, rec, id, res.PhysicalID, typ, status, "")
	if err := e.saveStack(ctx, rec); err != nil {
		return nil, err
	}
	if existed {
		return prev, nil
	}
	return nil, nil
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

// cleanup deletes replaced resources and resources the plan no longer has,
// dependents first: in reverse of the order the previous deployment created
// them.
func (e *Engine) cleanup(ctx context.Context, rec *record, prevOrder []string, p *prepared, replaced []*State) {
	inPlan := map[string]bool{}
	for _, id := range p.plan.Order() {
		inPlan[id] = true
	}
	for i := len(replaced) - 1; i >= 0; i-- {
		e.deleteOne(ctx, rec, replaced[i], false)
	}
	order := deletionOrder(prevOrder, rec.Resources)
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
	prov, ok := e.providers[st.Type]
	var err error
	if ok && st.PhysicalID != "" {
		err = prov.Delete(ctx, *st)
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

// rollback undoes a failed create or update: what this run created is
// deleted and what it updated is put back, as the same actor. A resource it
// cannot undo leaves the stack ROLLBACK_FAILED (UPDATE_ROLLBACK_FAILED).
func (e *Engine) rollback(ctx context.Context, rec *record, before map[string]*State, done []string, create bool, failed string, cause error) error {
	inProgress, complete, stuck := UpdateRollbackInProgress, UpdateRollbackComplete, UpdateRollbackFailed
	verb := "update"
	if create {
		inProgress, complete, stuck, verb = RollbackInProgress, RollbackComplete, RollbackFailed, "create"
	}
	rec.Stack.StackStatus = inProgress
	if failed != "" {
		// "The following resource(s) failed to create: [Fn]. Rollback requested by user."
		rec.Stack.StackStatusReason = "The following resource(s) failed to " + verb + ": [" + failed + "]. Rollback requested by user."
	} else {
		rec.Stack.StackStatusReason = cause.Error()
	}
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, inProgress, rec.Stack.StackStatusReason)
	var left []string // resources the rollback could not undo
	for i := len(done) - 1; i >= 0; i-- {
		id := done[i]
		cur, ok := rec.Resources[id]
		if !ok {
			continue
		}
		old, existed := before[id]
		if existed && old.PhysicalID == cur.PhysicalID {
			if prov := e.providers[old.Type]; prov != nil {
				in := &Input{StackName: rec.Stack.StackName, StackID: rec.Stack.StackID, LogicalID: id, Type: old.Type, Props: old.Props}
				e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateInProgress, "")
				if _, err := prov.Update(ctx, in, *cur); err != nil {
					e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateFailed, handlerReason(cur.Type, err))
					left = append(left, id)
					continue
				}
				e.event(ctx, rec, id, cur.PhysicalID, cur.Type, UpdateComplete, "")
			}
			continue
		}
		if err := e.deleteOne(ctx, rec, cur, true); err != nil {
			left = append(left, id)
		}
	}
	// Resources that failed mid-way are not in done; anything created there
	// was not recorded, so nothing more to undo.
	kept := map[string]*State{}
	for _, id := range left {
		kept[id] = rec.Resources[id]
	}
	if create {
		rec.Resources = kept
	} else {
		rec.Resources = before
		for id, st := range kept {
			if _, ok := before[id]; !ok {
				rec.Resources[id] = st
			}
		}
	}
	if len(left) > 0 {
		rec.Stack.StackStatus = stuck
		rec.Stack.StackStatusReason = "The following resource(s) failed to " + map[bool]string{true: "delete", false: "update"}[create] + ": [" + strings.Join(left, ", ") + "]. "
		e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, stuck, rec.Stack.StackStatusReason)
	} else {
		rec.Stack.StackStatus = complete
		e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, complete, "")
	}
	if err := e.saveStack(ctx, rec); err != nil {
		return err
	}
	return cause
}

// destroy deletes every resource of a stack, dependents first.
func (e *Engine) destroy(ctx context.Context, rec *record) error {
	ctx = context.WithoutCancel(ctx)
	rec.Stack.StackStatus = DeleteInProgress
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteInProgress, "User Initiated")
	if err := e.saveStack(ctx, rec); err != nil {
		return err
	}
	order := deletionOrder(rec.Order, rec.Resources)
	for i := len(order) - 1; i >= 0; i-- {
		st, ok := rec.Resources[order[i]]
		if !ok {
			continue
		}
		if err := e.deleteOne(ctx, rec, st, true); err != nil {
			rec.Stack.StackStatus, rec.Stack.StackStatusReason = DeleteFailed, "The following resource(s) failed to delete: ["+st.LogicalID+"]. "
			e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteFailed, rec.Stack.StackStatusReason)
			return e.saveStack(ctx, rec)
		}
		delete(rec.Resources, order[i])
	}
	rec.Stack.StackStatus = DeleteComplete
	rec.Stack.DeletionTime = e.now().UTC()
	e.event(ctx, rec, rec.Stack.StackName, rec.Stack.StackID, stackType, DeleteComplete, "")
	b, err := e.encode(kindDeleted, rec.Stack.StackID, rec)
	if err != nil {
		return err
	}
	return e.st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Put(ctx, kindDeleted, rec.Stack.StackID, b); err != nil {
			return err
		}
		return tx.Delete(ctx, kindStack, rec.Stack.StackName)
	})
}
