package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/functions"
)

// Custom resources (AWS::CloudFormation::CustomResource and Custom::*)
// backed by a Lambda function, as CloudFormation runs them
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html):
// the engine invokes the ServiceToken function asynchronously with a
// request event, then waits for the function's answer, a JSON object PUT to
// the pre-signed S3 URL the event names (ResponseURL), until the
// resource's ServiceTimeout (1 to 3600 s, default 3600) or the engine's own
// bound (Options.CustomResourceTimeout, 5 minutes unless configured),
// whichever is first.

const customResourceType = "AWS::CloudFormation::CustomResource"

// DefaultCustomResourceTimeout is how long the engine waits for a custom
// resource's answer when Options.CustomResourceTimeout is zero. AWS waits
// the resource's ServiceTimeout, an hour by default; a local deployment
// whose function never answers should not hang that long.
const DefaultCustomResourceTimeout = 5 * time.Minute

// maxCustomResponse is the size a response object may have
// (crpg-ref-responses.html: "The total size of the response body can't
// exceed 4096 bytes").
const maxCustomResponse = 4096

// FunctionInvoker runs a function once with payload, as the Lambda Invoke
// API does for an Event invocation: it returns when the invocation ends.
// The error is only for an invocation that could not start (no such
// function or version, throttled); the function's own failure is not one.
type FunctionInvoker interface {
	InvokeFunction(ctx context.Context, functionARN string, payload []byte) error
}

// ResponseBucket is where custom resource providers answer: the bucket
// CloudFormation owns for it (cloudformation-custom-resource-response-*).
type ResponseBucket interface {
	// PresignPut returns a URL that allows one thing, a PUT of key, for
	// expires.
	PresignPut(ctx context.Context, key string, expires time.Duration) (string, error)
	// Take returns the object put at key and removes it; ok is false while
	// nothing was put.
	Take(ctx context.Context, key string) (body []byte, ok bool, err error)
	// Discard closes key when the wait for its answer ended without one.
	Discard(ctx context.Context, key string) error
}

// RegisterCustomResources adds AWS::CloudFormation::CustomResource, which
// also serves every Custom::* type.
func (e *Engine) RegisterCustomResources(fns FunctionInvoker, bucket ResponseBucket) {
	e.Register(customResourceType, &customProvider{e: e, fns: fns, bucket: bucket})
}

// customTypeName is what CloudFormation allows after "Custom::": up to 60
// characters of letters, digits and _@- (crpg-ref-requests.html, ResourceType).
var customTypeName = regexp.MustCompile(`^Custom::[A-Za-z0-9_@-]{1,52}$`)

// provider returns the provider of a resource type; every valid Custom::*
// type is a custom resource.
func (e *Engine) provider(typ string) (Provider, bool) {
	if p, ok := e.providers[typ]; ok {
		return p, true
	}
	if customTypeName.MatchString(typ) {
		p, ok := e.providers[customResourceType]
		return p, ok
	}
	return nil, false
}

type customProvider struct {
	e      *Engine
	fns    FunctionInvoker
	bucket ResponseBucket
}

// customRequest is the request event
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
type customRequest struct {
	RequestType           string         `json:"RequestType"`
	ServiceToken          string         `json:"ServiceToken"`
	ResponseURL           string         `json:"ResponseURL"`
	StackID               string         `json:"StackId"`
	RequestID             string         `json:"RequestId"`
	LogicalResourceID     string         `json:"LogicalResourceId"`
	PhysicalResourceID    string         `json:"PhysicalResourceId,omitempty"`
	ResourceType          string         `json:"ResourceType"`
	ResourceProperties    map[string]any `json:"ResourceProperties"`
	OldResourceProperties map[string]any `json:"OldResourceProperties,omitempty"`
}

func (p *customProvider) Create(ctx context.Context, in *Input) (Result, error) {
	return p.run(ctx, "Create", in.StackID, in.LogicalID, in.Type, "", in.Props, nil)
}

func (p *customProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "ServiceToken") != str(prev.Props, "ServiceToken") {
		return Result{}, errors.New("Modifying service token is not allowed.")
	}
	return p.run(ctx, "Update", in.StackID, in.LogicalID, in.Type, prev.PhysicalID, in.Props, prev.Props)
}

func (p *customProvider) Delete(ctx context.Context, prev State) error {
	stackID, _ := prev.Attrs[stackIDAttr].(string)
	_, err := p.run(ctx, "Delete", stackID, prev.LogicalID, prev.Type, prev.PhysicalID, prev.Props, nil)
	return err
}

// stackIDAttr keeps the stack id with a custom resource's state, for the
// Delete request; GetAtt never sees it (it is not a name Data can use:
// CloudFormation's attribute names have no colon).
const stackIDAttr = "iamgate:StackId"

// run sends one request and waits for its answer.
func (p *customProvider) run(ctx context.Context, typ, stackID, logical, resType, physical string, props, old map[string]any) (Result, error) {
	token := str(props, "ServiceToken")
	fn, err := p.functionARN(token)
	if err != nil {
		return Result{}, err
	}
	timeout, err := p.timeout(props)
	if err != nil {
		return Result{}, err
	}
	if err := allow(ctx, svcLambda, "lambda:InvokeFunction", fn, "", nil); err != nil {
		return Result{}, err
	}
	req := customRequest{RequestType: typ, ServiceToken: token, StackID: stackID, RequestID: uuid.NewString(),
		LogicalResourceID: logical, PhysicalResourceID: physical, ResourceType: resType,
		ResourceProperties: stringified(props)}
	if old != nil {
		req.OldResourceProperties = stringified(old)
	}
	// The object key CloudFormation uses: stack id, logical id and request id.
	key := stackID + "|" + logical + "|" + req.RequestID
	// CloudFormation's URLs are valid for two hours; longer when the
	// resource may take longer.
	if req.ResponseURL, err = p.bucket.PresignPut(ctx, key, max(2*time.Hour, timeout+time.Minute)); err != nil {
		return Result{}, err
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return Result{}, err
	}
	started := make(chan error, 1)
	p.e.calls.Add(1)
	go func() {
		defer p.e.calls.Done()
		// The invocation belongs to the engine, not to this resource: it
		// may outlive the answer (a function runs on after it responds).
		started <- p.fns.InvokeFunction(p.e.base, fn, payload)
	}()
	body, err := p.await(ctx, key, req.RequestID, timeout, started)
	if err != nil {
		if derr := p.bucket.Discard(context.WithoutCancel(ctx), key); derr != nil {
			p.e.log.Warn("custom resource response slot not closed", "key", key, "err", derr)
		}
		return Result{}, err
	}
	return parseCustomResponse(body, typ, req.RequestID, physical, stackID)
}

// functionARN checks that the ServiceToken is a Lambda function of this
// account and region; iamgate does not serve SNS, the other kind.
func (p *customProvider) functionARN(token string) (string, error) {
	prefix := arn.LambdaFunction(p.e.region, p.e.account, "")
	if strings.HasPrefix(token, "arn:aws:sns:") {
		return "", fmt.Errorf("ServiceToken %s is an SNS topic: iamgate runs custom resources backed by Lambda functions only", token)
	}
	name, _ := functions.Split(token)
	if !strings.HasPrefix(token, prefix) || name == "" {
		return "", fmt.Errorf("Invalid service token: %q is not the ARN of a Lambda function in %s of account %s", token, p.e.region, p.e.account)
	}
	return token, nil
}

// timeout is the resource's ServiceTimeout bounded by the engine's.
func (p *customProvider) timeout(props map[string]any) (time.Duration, error) {
	limit := p.e.customTimeout
	v, set := props["ServiceTimeout"]
	if !set {
		return limit, nil
	}
	n, ok := integer(v)
	if !ok || n < 1 || n > 3600 {
		return 0, fmt.Errorf("ServiceTimeout must be an integer from 1 to 3600, got %s", toString(v))
	}
	return min(limit, time.Duration(n)*time.Second), nil
}

// errNoAnswer is CloudFormation's reason when the answer did not come in time.
func errNoAnswer(requestID string) error {
	return fmt.Errorf("CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [%s]. If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.", requestID)
}

// await polls the bucket for the answer until the deadline, read from the
// engine's clock. An invocation that could not start fails at once; one
// that ran without answering leaves the wait to its deadline, as on AWS.
// The engine closing interrupts the wait (the next Start resolves the
// operation).
func (p *customProvider) await(ctx context.Context, key, requestID string, timeout time.Duration, started <-chan error) ([]byte, error) {
	deadline := p.e.now().Add(timeout)
	interval := 20 * time.Millisecond
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case err := <-started:
			if err != nil && p.e.base.Err() != nil {
				return nil, errInterrupted
			}
			if err != nil {
				return nil, err
			}
			started = nil
			p.e.log.Debug("custom resource function returned", "key", key)
		case <-p.e.base.Done():
			return nil, errInterrupted
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
			body, ok, err := p.bucket.Take(ctx, key)
			if err != nil {
				return nil, err
			}
			if ok {
				return body, nil
			}
			if !p.e.now().Before(deadline) {
				return nil, errNoAnswer(requestID)
			}
			interval = min(2*interval, 500*time.Millisecond)
			t.Reset(interval)
		}
	}
}

// customResponse is the answer
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
type customResponse struct {
	Status             string          `json:"Status"`
	Reason             string          `json:"Reason"`
	PhysicalResourceID *string         `json:"PhysicalResourceId"`
	NoEcho             bool            `json:"NoEcho"`
	Data               json.RawMessage `json:"Data"`
}

// failedAnswer is a Create or Update answered FAILED: the function may
// have made or changed something, so the rollback sends the resource a
// Delete (a Create that named a physical id) or an Update back to its old
// properties, as CloudFormation does for custom resources.
type failedAnswer struct {
	physicalID string
	attrs      map[string]any
	err        error
}

func (f *failedAnswer) Error() string { return f.err.Error() }
func (f *failedAnswer) Unwrap() error { return f.err }

// NoEcho is read and has nothing to mask here: CloudFormation masks the
// values where it shows resolved properties (stack events), which iamgate's
// events do not carry, and keeps Outputs unmasked; the attributes are
// sealed at rest with the stack's record.

// parseCustomResponse reads an answer as CloudFormation does: the size
// first, then the status; a FAILED answer's Reason becomes the resource's
// status reason, and a SUCCESS needs a physical id (an Update or Delete
// answer may keep the one it was sent).
func parseCustomResponse(body []byte, requestType, requestID, physical, stackID string) (Result, error) {
	if len(body) > maxCustomResponse {
		return Result{}, errors.New("Response object is too long.")
	}
	var r customResponse
	if err := json.Unmarshal(body, &r); err != nil {
		// CloudFormation's wording for an answer that is not JSON is not
		// documented; this one says what is wrong.
		return Result{}, fmt.Errorf("Invalid Response object: the response is not a JSON object (%v)", err)
	}
	id := ""
	if r.PhysicalResourceID != nil {
		id = *r.PhysicalResourceID
	}
	switch r.Status {
	case "SUCCESS":
	case "FAILED":
		err := fmt.Errorf("Received response status [FAILED] from custom resource. Message returned: %s (RequestId: %s)", r.Reason, requestID)
		if requestType == "Delete" {
			return Result{}, err
		}
		return Result{}, &failedAnswer{physicalID: id, attrs: map[string]any{stackIDAttr: stackID}, err: err}
	default:
		return Result{}, fmt.Errorf("Invalid Response object: '%s' is not a valid ResponseStatus", r.Status)
	}
	if id == "" && requestType != "Create" {
		id = physical
	}
	if id == "" || len(id) > 1024 {
		return Result{}, errors.New("Invalid PhysicalResourceId")
	}
	attrs := map[string]any{stackIDAttr: stackID}
	if len(r.Data) > 0 && string(r.Data) != "null" {
		var data map[string]any
		if err := json.Unmarshal(r.Data, &data); err != nil {
			return Result{}, errors.New("Invalid Response object: Data must be a JSON object")
		}
		for k, v := range data {
			attrs[k] = v
		}
	}
	return Result{PhysicalID: id, Attrs: attrs}, nil
}

// stringified is how CloudFormation passes properties to a custom
// resource: every scalar as a string ("3", "true"), lists and objects kept.
func stringified(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = stringValue(v)
	}
	return out
}

func stringValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return stringified(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stringValue(e)
		}
		return out
	case nil:
		return nil
	}
	return toString(v)
}
