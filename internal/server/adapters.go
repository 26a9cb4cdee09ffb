package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane/apigwapi"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/logs"
)

// logSink writes function output to CloudWatch Logs.
type logSink struct{ logs *logs.Service }

func (l logSink) PutLogLines(ctx context.Context, group, stream string, lines []lambda.LogLine) error {
	evs := make([]logs.Event, len(lines))
	for i, ln := range lines {
		evs[i] = logs.Event{Timestamp: ln.Time, Message: ln.Message}
	}
	return l.logs.Write(ctx, group, stream, evs)
}

// PutAccessLog writes one line of a stage's access log.
func (l logSink) PutAccessLog(ctx context.Context, group, stream string, at time.Time, line string) error {
	return l.logs.Write(ctx, group, stream, []logs.Event{{Timestamp: at, Message: line}})
}

// invoker runs a function named by ARN for the gateway.
type invoker struct {
	rt    *lambda.Manager
	funcs *functions.Service
}

func (i invoker) InvokeFunction(ctx context.Context, functionARN string, payload []byte) ([]byte, string, error) {
	key, err := syncQualified(ctx, i.funcs, functionARN)
	if err != nil {
		return nil, "", err
	}
	// Run, not Invoke: the gateway waits in a goroutine of its own and
	// answers at its integration timeout, a function URL's caller has only
	// this request; the invocation runs to its end either way, and Invoke's
	// own goroutine would be one more hand-off per request.
	res, err := i.rt.Run(ctx, key, payload, lambda.InvokeOptions{InvokedARN: functionARN})
	if errors.Is(err, lambda.ErrThrottled) {
		return nil, "", fmt.Errorf("%w: %w", gateway.ErrInvokeRejected, err)
	}
	if err != nil {
		return nil, "", err
	}
	return res.Payload, res.FunctionError, nil
}

// functionCredentials gives a function temporary credentials of its role,
// as Lambda does, and points its SDKs at this server.
func (s *Server) functionCredentials(ctx context.Context, fn lambda.Function) (map[string]string, error) {
	env := map[string]string{}
	if s.endpoint != "" {
		env["AWS_ENDPOINT_URL"] = s.endpoint
	}
	if fn.Role == "" {
		return env, nil
	}
	sess, err := s.iam.CreateSession(ctx, fn.Role, fn.Name, time.Hour, "")
	if err != nil {
		s.log.Warn("function role could not be assumed; running without credentials", "function", fn.Name, "role", fn.Role, "err", err)
		return env, nil
	}
	env["AWS_ACCESS_KEY_ID"] = sess.AccessKeyID
	env["AWS_SECRET_ACCESS_KEY"] = sess.Secret.Reveal()
	env["AWS_SESSION_TOKEN"] = sess.SessionToken.Reveal()
	return env, nil
}

// syncInvoker is the Lambda API's invoker: it syncs the function from the
// store first, as the gateway's invoker does.
type syncInvoker struct {
	rt    *lambda.Manager
	funcs *functions.Service
}

func (i syncInvoker) Invoke(ctx context.Context, name string, payload []byte, o lambda.InvokeOptions) (*lambda.Result, error) {
	key, err := syncQualified(ctx, i.funcs, name)
	if err != nil {
		return nil, err
	}
	return i.rt.Invoke(ctx, key, payload, o)
}

// syncQualified resolves a FunctionName form with an optional version or
// alias to the version it runs and syncs that version from the store first
// (a replica sharing the store may have deployed or changed it); it returns
// the runtime's key for it.
func syncQualified(ctx context.Context, funcs *functions.Service, functionName string) (string, error) {
	name, q := functions.Split(functionName)
	c, err := funcs.Resolve(ctx, name, q)
	if err != nil {
		return "", err
	}
	return funcs.SyncConfig(ctx, c)
}

// objectBytes reads an S3 object (function code given by S3Bucket/S3Key).
func (s *Server) objectBytes(ctx context.Context, bucket, key string) ([]byte, error) {
	_, data, err := s.objects.GetObject(ctx, bucket, key)
	return data, err
}

// testInvoker runs TestInvokeMethod through the gateway on the API as it
// is now.
func testInvoker(apis *apigw.Service, gw *gateway.Gateway) apigwapi.TestInvoker {
	return func(ctx context.Context, caller *auth.Caller, apiID, resourceID, method string, in apigwapi.TestInvokeInput) (apigwapi.TestInvokeOutput, error) {
		snap, err := apis.Draft(ctx, apiID, in.StageVariables)
		if err != nil {
			return apigwapi.TestInvokeOutput{}, err
		}
		r, err := gw.TestInvoke(ctx, snap, caller, resourceID, method, gateway.TestInvokeRequest{PathWithQueryString: in.PathWithQueryString, Body: in.Body, Headers: in.Headers})
		if err != nil {
			return apigwapi.TestInvokeOutput{}, err
		}
		one, multi := apigwapi.FlatHeaders(r.Headers)
		return apigwapi.TestInvokeOutput{Status: r.Status, Body: r.Body, Headers: one, MultiValueHeaders: multi, Log: r.Log, Latency: r.LatencyMS}, nil
	}
}
