package lambdaapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/lambda"
)

// maxAsync is Lambda's payload limit for Event invocations.
const maxAsync = 262144

// invoke is Invoke: lambda:InvokeFunction on the function ARN, the
// function's resource policy included. RequestResponse answers the
// function's payload with X-Amz-Executed-Version, X-Amz-Function-Error and,
// for LogType Tail, X-Amz-Log-Result; Event answers 202 at once; DryRun 204.
func (c *call) invoke() error {
	// An alias routes each invocation to one version (RoutingConfig).
	cfg, getErr := c.h.o.Functions.Resolve(c.ctx, c.name(), c.qual)
	var policies []auth.Policy
	if getErr == nil {
		// A version or alias has its own policy; the function's covers
		// only unqualified invocations.
		doc, err := c.h.o.Functions.QualifiedPolicy(c.ctx, c.name(), c.qual)
		if err != nil {
			return err
		}
		if doc != "" {
			policies = []auth.Policy{{Name: "function policy", Document: doc}}
		}
	}
	if err := c.authorize("lambda:InvokeFunction", c.arn(), policies...); err != nil {
		return err
	}
	if getErr != nil {
		return getErr
	}
	typ := c.r.Header.Get("X-Amz-Invocation-Type")
	if typ == "" {
		typ = "RequestResponse"
	}
	limit := int64(maxRequest)
	switch typ {
	case "RequestResponse", "DryRun":
	case "Event":
		limit = maxAsync
	default:
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", typ)
	}
	payload, err := c.payload(limit)
	if err != nil {
		return err
	}
	opts := lambda.InvokeOptions{Tail: c.r.Header.Get("X-Amz-Log-Type") == "Tail",
		ClientContext: c.r.Header.Get("X-Amz-Client-Context"), InvokedARN: c.invokedARN()}
	switch typ {
	case "DryRun":
		return c.noContent()
	case "Event":
		c.invokeAsync(cfg, payload, opts)
		c.w.Header().Set("x-amzn-RequestId", c.reqID)
		c.w.Header().Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusAccepted)
		return nil
	}
	res, err := c.h.o.Invoker.Invoke(c.ctx, runName(cfg), payload, opts)
	if err != nil {
		return invokeError(err, cfg)
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(res.Payload)))
	h.Set("X-Amz-Executed-Version", cfg.VersionName())
	// Lambda's response carries the invocation's request id.
	h.Set("x-amzn-RequestId", res.RequestID)
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
	}
	if opts.Tail {
		h.Set("X-Amz-Log-Result", res.LogTail)
	}
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(res.Payload)
	return nil
}

// payload reads the event; a non-empty payload must be JSON, and an empty
// one is the empty object, as Lambda passes it.
func (c *call) payload(limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, awserr.New(RequestTooLarge, "Request must be smaller than %d bytes for the InvokeFunction operation", limit)
	}
	if len(b) == 0 {
		return []byte("{}"), nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, awserr.New(InvalidRequestContent, "Could not parse request body into json: Could not parse payload into json: %s", err.Error())
	}
	return b, nil
}

// invokeAsync runs an Event invocation owned by the Handler, so that it
// outlives the request and Close can stop it.
func (c *call) invokeAsync(cfg functions.Config, payload []byte, opts lambda.InvokeOptions) {
	h := c.h
	h.async.Add(1)
	go func() {
		defer h.async.Done()
		if _, err := h.o.Invoker.Invoke(h.asyncCtx, runName(cfg), payload, opts); err != nil && !errors.Is(err, context.Canceled) {
			h.log.Warn("async invoke", "function", cfg.Name, "err", err)
		}
	}()
}

// invokedARN is the ARN the request invoked, as the function's context
// sees it: qualified when the request was.
func (c *call) invokedARN() string {
	if c.qual != "" {
		return c.unqualifiedARN() + ":" + c.qual
	}
	return c.unqualifiedARN()
}

// runName names the resolved version for the invoker: "name" for $LATEST,
// "name:N" for a version, so that an alias's routing is decided once.
func runName(cfg functions.Config) string {
	if cfg.Version == "" {
		return cfg.Name
	}
	return cfg.Name + ":" + cfg.Version
}

func invokeError(err error, cfg functions.Config) error {
	if e, ok := throttled(err); ok {
		return e
	}
	switch {
	case errors.Is(err, lambda.ErrNotFound):
		return awserr.New(ResourceNotFound, "Function not found: %s", cfg.ARN)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var e *awserr.Error
	if errors.As(err, &e) {
		return e
	}
	return err
}
