package stack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// A stack operation holds the stack's lease, a row in the shared store, for
// as long as it runs: replicas over one PostgreSQL (or two servers over one
// SQLite file) never run two operations on a stack at once. The holder
// renews it; a lease past its expiry is free, so an operation whose
// process died is taken over by whoever finds it (Start). A lease held by a
// former incarnation of this very node (same Node, another run) is free at
// once: that process is gone.

const kindLease = "cfn/lease"

// leaseTTL is how long a lease lasts without renewal; renewals come every
// leaseTTL/3, so a live holder never loses it to a slow store.
const leaseTTL = 30 * time.Second

// errBusy means another operation holds the stack's lease.
var errBusy = errors.New("stack: another operation holds the stack")

type leaseRow struct {
	Owner   string    `json:"owner"` // node "/" incarnation
	Expires time.Time `json:"expires"`
}

// free reports whether a lease may be taken by owner at now.
func (l leaseRow) free(owner string, now time.Time) bool {
	if l.Owner == owner || now.After(l.Expires) {
		return true
	}
	node, _, _ := strings.Cut(l.Owner, "/")
	mine, _, _ := strings.Cut(owner, "/")
	return node != "" && node == mine
}

// acquire takes the lease of a stack, in one serializable transaction so
// that two contenders never both win.
func (e *Engine) acquire(ctx context.Context, name string) error {
	return e.st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(ctx, kindLease, name)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			var l leaseRow
			if json.Unmarshal(b, &l) == nil && !l.free(e.owner, e.now()) {
				return errBusy
			}
		}
		return e.putLease(ctx, tx, name)
	})
}

func (e *Engine) putLease(ctx context.Context, tx store.Tx, name string) error {
	b, _ := json.Marshal(leaseRow{Owner: e.owner, Expires: e.now().Add(leaseTTL)})
	return tx.Put(ctx, kindLease, name, b)
}

// renew extends a lease this engine holds; it fails with errBusy when the
// lease was lost (expired and taken), so the holder stops.
func (e *Engine) renew(ctx context.Context, name string) error {
	return e.st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(ctx, kindLease, name)
		if err != nil {
			return err
		}
		var l leaseRow
		if json.Unmarshal(b, &l) != nil || l.Owner != e.owner {
			return errBusy
		}
		return e.putLease(ctx, tx, name)
	})
}

// release frees a lease this engine holds.
func (e *Engine) release(ctx context.Context, name string) {
	err := e.st.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(ctx, kindLease, name)
		if err != nil {
			return err
		}
		var l leaseRow
		if json.Unmarshal(b, &l) == nil && l.Owner != e.owner {
			return nil
		}
		return tx.Delete(ctx, kindLease, name)
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Warn("stack lease not released", "stack", name, "err", err)
	}
}

// locked runs start under the stack's lease. start either launches an
// operation, which then owns the lease, or fails (or has nothing to do:
// nil, nil), and the lease is released.
func (e *Engine) locked(ctx context.Context, name string, start func() (*operation, error)) (*operation, error) {
	if err := e.acquire(ctx, name); err != nil {
		return nil, e.busy(ctx, name, err)
	}
	op, err := start()
	if op == nil {
		e.release(context.WithoutCancel(ctx), name)
	}
	return op, err
}

// busy words a lease that could not be taken as CloudFormation refuses an
// operation on a stack with one running
// (https://github.com/stratospheric-dev/stratospheric/issues/21).
func (e *Engine) busy(ctx context.Context, name string, err error) error {
	if !errors.Is(err, errBusy) {
		return err
	}
	rec, lerr := e.loadStack(ctx, e.st, name)
	if lerr != nil || !inProgress(rec.Stack.StackStatus) {
		return awserr.New(awserr.ValidationError, "Stack:%s is in an operation in progress and can not be updated.", name)
	}
	return notUpdatable(rec.Stack)
}

func notUpdatable(s Stack) error {
	return awserr.New(awserr.ValidationError, "Stack:%s is in %s state and can not be updated.", s.StackID, s.StackStatus)
}

// inProgress reports whether a stack status is one of an operation running.
func inProgress(status string) bool { return strings.HasSuffix(status, "_IN_PROGRESS") }
