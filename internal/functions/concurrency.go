package functions

import (
	"context"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/store"
)

// WithAccountConcurrency sets the account's concurrent executions quota that
// reservations are carved out of (default lambda.DefaultAccountConcurrency).
func WithAccountConcurrency(n int) Option { return func(svc *Service) { svc.concurrencyQuota = n } }

// minUnreserved is what reservations must leave of the account's quota:
// Lambda keeps 100 unreserved ("UnreservedConcurrentExecutionMinimum"),
// or the whole quota of an account below 100.
func (s *Service) minUnreserved() int { return min(100, s.accountConcurrency()) }

func (s *Service) accountConcurrency() int {
	if s.concurrencyQuota <= 0 {
		return lambda.DefaultAccountConcurrency
	}
	return s.concurrencyQuota
}

// AccountConcurrency is the quota and what reservations leave of it, as
// GetAccountSettings reports them.
func (s *Service) AccountConcurrency(ctx context.Context) (limit, unreserved int, err error) {
	all, err := s.List(ctx)
	if err != nil {
		return 0, 0, err
	}
	limit = s.accountConcurrency()
	unreserved = limit
	for _, c := range all {
		if c.ReservedConcurrency != nil {
			unreserved -= *c.ReservedConcurrency
		}
	}
	return limit, unreserved, nil
}

// PutConcurrency sets a function's ReservedConcurrentExecutions
// (PutFunctionConcurrency). A reservation that would leave the account
// less than its unreserved minimum is refused with Lambda's text
// (https://github.com/aws-samples/siem-on-amazon-opensearch-service/issues/175:
// 400, "Specified ReservedConcurrentExecutions for function decreases
// account's UnreservedConcurrentExecution below its minimum value of [50].").
func (s *Service) PutConcurrency(ctx context.Context, name string, n int) error {
	if n < 0 {
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%d' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
	}
	return s.setConcurrency(ctx, name, &n)
}

// DeleteConcurrency removes a function's reservation
// (DeleteFunctionConcurrency); the function shares the unreserved pool
// again.
func (s *Service) DeleteConcurrency(ctx context.Context, name string) error {
	return s.setConcurrency(ctx, name, nil)
}

func (s *Service) setConcurrency(ctx context.Context, name string, n *int) error {
	var c Config
	err := s.st.Update(ctx, func(tx store.Tx) error {
		var err error
		c, err = getTx(ctx, tx, name, s)
		if err != nil {
			return err
		}
		if n != nil {
			if err := s.checkReservation(ctx, tx, name, *n); err != nil {
				return err
			}
		}
		c.ReservedConcurrency = n
		b, err := s.encode(c)
		if err != nil {
			return err
		}
		return tx.Put(ctx, kindFunction, name, b)
	})
	s.forget(name)
	if err != nil {
		return err
	}
	return s.deploy(c)
}

// checkReservation sums the other functions' reservations in tx, so that
// two concurrent reservations cannot both pass.
func (s *Service) checkReservation(ctx context.Context, tx store.Tx, name string, n int) error {
	items, err := tx.List(ctx, kindFunction, "")
	if err != nil {
		return err
	}
	reserved := n
	for _, it := range items {
		if it.Key == name {
			continue
		}
		o, err := s.decode(it.Value)
		if err != nil {
			return err
		}
		if o.ReservedConcurrency != nil {
			reserved += *o.ReservedConcurrency
		}
	}
	if minimum := s.minUnreserved(); s.accountConcurrency()-reserved < minimum {
		return awserr.New(InvalidParameter, "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", minimum)
	}
	return nil
}
