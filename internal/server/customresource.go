package server

import (
	"context"

	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/lambda"
)

// eventInvoker runs a custom resource's function for the stack engine, as
// CloudFormation invokes it: one Event invocation of the ServiceToken ARN
// (plain, version or alias). The function's own failure is no error here;
// the engine waits for its answer in the response bucket.
type eventInvoker struct {
	rt    *lambda.Manager
	funcs *functions.Service
}

func (i eventInvoker) InvokeFunction(ctx context.Context, functionARN string, payload []byte) error {
	key, err := syncQualified(ctx, i.funcs, functionARN)
	if err != nil {
		return err
	}
	_, err = i.rt.Invoke(ctx, key, payload, lambda.InvokeOptions{InvokedARN: functionARN})
	return err
}
