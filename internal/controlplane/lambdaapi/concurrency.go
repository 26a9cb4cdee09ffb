package lambdaapi

import (
	"errors"
	"net/http"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
)

// TooManyRequests is Lambda's throttle: 429, Reason naming the limit, the
// message "Rate Exceeded." (API_Invoke.html, Errors; body as seen from
// Lambda: {"Reason":"…","Type":"User","message":"Rate Exceeded."}).
const TooManyRequests awserr.Code = "TooManyRequestsException"

// concurrency is the answer of the concurrency operations.
type concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions,omitempty"`
}

// putFunctionConcurrency is PutFunctionConcurrency
// (lambda:PutFunctionConcurrency on the function ARN).
func (c *call) putFunctionConcurrency() error {
	if err := c.authorize("lambda:PutFunctionConcurrency", c.arn()); err != nil {
		return err
	}
	var in struct {
		ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions"`
	}
	if err := c.readJSON(&in, maxRequest); err != nil {
		return err
	}
	if in.ReservedConcurrentExecutions == nil {
		return awserr.New(InvalidParameter, "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")
	}
	if _, err := c.get(); err != nil {
		return err
	}
	if err := c.h.o.Functions.PutConcurrency(c.ctx, c.name(), *in.ReservedConcurrentExecutions); err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, concurrency{in.ReservedConcurrentExecutions})
}

// getFunctionConcurrency is GetFunctionConcurrency: {} without a
// reservation.
func (c *call) getFunctionConcurrency() error {
	if err := c.authorize("lambda:GetFunctionConcurrency", c.arn()); err != nil {
		return err
	}
	f, err := c.get()
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, concurrency{f.ReservedConcurrency})
}

// deleteFunctionConcurrency is DeleteFunctionConcurrency: 204.
func (c *call) deleteFunctionConcurrency() error {
	if err := c.authorize("lambda:DeleteFunctionConcurrency", c.arn()); err != nil {
		return err
	}
	if _, err := c.get(); err != nil {
		return err
	}
	if err := c.h.o.Functions.DeleteConcurrency(c.ctx, c.name()); err != nil {
		return err
	}
	return c.noContent()
}

// Lambda's code size quotas, as GetAccountSettings reports them
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
// 75 GB of code per Region, 250 MB unzipped, 50 MB zipped.
const (
	totalCodeSize    = 80530636800
	codeSizeUnzipped = 262144000
	codeSizeZipped   = 52428800
)

// getAccountSettings is GetAccountSettings (lambda:GetAccountSettings, "*").
func (c *call) getAccountSettings() error {
	if err := c.authorize("lambda:GetAccountSettings", "*"); err != nil {
		return err
	}
	limit, unreserved, err := c.h.o.Functions.AccountConcurrency(c.ctx)
	if err != nil {
		return err
	}
	all, err := c.h.o.Functions.List(c.ctx)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range all {
		size += f.CodeSize
	}
	type accountLimit struct {
		TotalCodeSize                  int64
		CodeSizeUnzipped               int64
		CodeSizeZipped                 int64
		ConcurrentExecutions           int
		UnreservedConcurrentExecutions int
	}
	type accountUsage struct {
		TotalCodeSize int64
		FunctionCount int
	}
	return c.writeJSON(http.StatusOK, struct {
		AccountLimit accountLimit
		AccountUsage accountUsage
	}{accountLimit{totalCodeSize, codeSizeUnzipped, codeSizeZipped, limit, unreserved}, accountUsage{size, len(all)}})
}

// throttled is Lambda's answer to an invocation past a concurrency limit.
func throttled(err error) (*awserr.Error, bool) {
	var te *lambda.ThrottleError
	if !errors.As(err, &te) {
		return nil, false
	}
	return &awserr.Error{Code: TooManyRequests, Message: "Rate Exceeded.", Reason: te.Reason}, true
}
