package stack

import (
	"context"
	"errors"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// The engine owns its operations. ExecuteChangeSet, CreateStack,
// UpdateStack and DeleteStack check their input, take the stack's lease,
// record the *_IN_PROGRESS status and hand the rest to a goroutine of the
// engine, as CloudFormation answers those calls once the operation has
// started (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html:
// "CloudFormation ... starts updating the stack. Use the DescribeStacks
// action to view the status of the update"). A client that hangs up stops
// nothing; the operation's error is recorded in the stack's status and
// events and logged, and Wait returns it.
//
// One difference is deliberate: the call itself answers when the operation
// ends or after Options.ExecuteWait, whichever is first. The aws CLI's
// `cloudformation deploy` polls its stack waiter every 30 seconds, so a local
// deployment that ends in a second is seen done at the first poll instead of
// 30 seconds later. Nothing else depends on it.

// errInterrupted ends an operation whose engine is closing (or whose lease
// was lost); the stack stays *_IN_PROGRESS and the next Start resolves it.
var errInterrupted = errors.New("stack: operation interrupted")

// errClosed refuses operations once Close has begun.
var errClosed = awserr.New(awserr.ServiceUnavailable, "The service is shutting down; try again.")

// operation is one stack operation running in this engine.
type operation struct {
	done chan struct{}
	err  error
}

// Start resolves the operations a previous process left in progress (it was
// killed, or its lease expired) and keeps looking for more every lease
// period, until Close.
func (e *Engine) Start(ctx context.Context) error {
	e.opsMu.Lock()
	if e.started {
		e.opsMu.Unlock()
		return errors.New("stack: engine already started")
	}
	e.started = true
	e.opsMu.Unlock()
	if err := e.resumeAll(ctx); err != nil {
		return err
	}
	e.loop.Add(1)
	go func() {
		defer e.loop.Done()
		t := time.NewTicker(leaseTTL)
		defer t.Stop()
		for {
			select {
			case <-e.base.Done():
				return
			case <-t.C:
				if err := e.resumeAll(e.base); err != nil && e.base.Err() == nil {
					e.log.Warn("looking for interrupted stack operations", "err", err)
				}
			}
		}
	}()
	return nil
}

// Close refuses new operations and waits for the running ones. When ctx ends
// first, the running ones stop before their next resource, leaving their
// stacks in progress for the next Start; Close returns once they have.
func (e *Engine) Close(ctx context.Context) error {
	e.opsMu.Lock()
	e.closed = true
	e.opsMu.Unlock()
	idle := make(chan struct{})
	go func() { e.wg.Wait(); close(idle) }()
	var err error
	select {
	case <-idle:
	case <-ctx.Done():
		err = ctx.Err()
	}
	e.stop()
	<-idle
	e.loop.Wait()
	e.calls.Wait()
	return err
}

// Wait waits for the operation running on a stack in this engine, if any,
// and returns its error.
func (e *Engine) Wait(ctx context.Context, name string) error {
	e.opsMu.Lock()
	op := e.ops[name]
	e.opsMu.Unlock()
	if op == nil {
		return nil
	}
	select {
	case <-op.done:
		return op.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// launch runs fn as the operation of stack name, whose lease the caller
// holds; the lease is renewed while fn runs and released after. fn's
// context keeps ctx's values (the caller and its request's condition keys)
// but not its cancellation: the engine's Close cancels it.
func (e *Engine) launch(ctx context.Context, name string, fn func(context.Context) error) (*operation, error) {
	e.opsMu.Lock()
	if e.closed {
		e.opsMu.Unlock()
		e.release(ctx, name)
		return nil, errClosed
	}
	op := &operation{done: make(chan struct{})}
	e.ops[name] = op
	e.wg.Add(1)
	e.opsMu.Unlock()
	octx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(e.base, cancel)
	go func() {
		defer e.wg.Done()
		beat := make(chan struct{})
		go func() { defer close(beat); e.heartbeat(octx, name, cancel) }()
		err := fn(octx)
		unhook()
		cancel()
		<-beat
		switch {
		case errors.Is(err, errInterrupted):
			e.log.Warn("stack operation interrupted; the next start resolves it", "stack", name)
		case err != nil:
			e.log.Error("stack operation failed", "stack", name, "err", err)
		}
		if !errors.Is(err, errInterrupted) {
			e.release(context.WithoutCancel(ctx), name)
		}
		op.err = err
		e.opsMu.Lock()
		if e.ops[name] == op {
			delete(e.ops, name)
		}
		e.opsMu.Unlock()
		close(op.done)
	}()
	return op, nil
}

// heartbeat renews the lease until ctx ends; a lease lost to another node
// (this one stalled past its expiry) interrupts the operation.
func (e *Engine) heartbeat(ctx context.Context, name string, interrupt func()) {
	t := time.NewTicker(leaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.renew(ctx, name); errors.Is(err, errBusy) {
				e.log.Error("stack lease lost to another node; stopping", "stack", name)
				interrupt()
				return
			} else if err != nil && ctx.Err() == nil {
				e.log.Warn("stack lease not renewed", "stack", name, "err", err)
			}
		}
	}
}

// linger waits for op up to the engine's ExecuteWait (see the top of this
// file) or until the caller hangs up.
func (e *Engine) linger(ctx context.Context, op *operation) {
	if e.execWait <= 0 {
		return
	}
	t := time.NewTimer(e.execWait)
	defer t.Stop()
	select {
	case <-op.done:
	case <-t.C:
	case <-ctx.Done():
	}
}

// interrupted reports whether an operation must stop before its next step.
func interrupted(ctx context.Context) bool { return ctx.Err() != nil }
