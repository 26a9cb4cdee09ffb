package lambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
)

// Function is the configuration of one deployed function version.
type Function struct {
	Name, ARN string            // ARN: arn:aws:lambda:{region}:{account}:function:{name}
	Runtime   string            // python3.x, nodejs*, provided.al2, provided.al2023, go1.x
	Handler   string            // "app.lambda_handler"
	CodeDir   string            // directory with the extracted code
	Timeout   time.Duration     // default 3s
	MemoryMB  int               // default 128
	Env       map[string]string // Environment.Variables
	Role      string            // execution role ARN (informational here)
	LogGroup  string            // "/aws/lambda/{name}"
	Version   string            // "$LATEST"
	// Layers are directories holding the extracted content of the
	// function's layers, in order: each environment merges them into its own
	// opt/ (Lambda's /opt), later layers over earlier ones (sandbox.go).
	Layers []string
	// ReservedConcurrency is the function's ReservedConcurrentExecutions:
	// nil shares the account's unreserved concurrency; 0 throttles every
	// invocation.
	ReservedConcurrency *int
}

// Key names a deployed function version in the Manager: the function's
// name for $LATEST, "name:N" for published version N. Invoke, Get and Remove
// take it.
func (fn Function) Key() string {
	if fn.Version == "" || fn.Version == latestVersion {
		return fn.Name
	}
	return fn.Name + ":" + fn.Version
}

// Lambda's defaults for a function created without these settings.
const (
	DefaultTimeout  = 3 * time.Second
	DefaultMemoryMB = 128
	latestVersion   = "$LATEST"
)

// LogSink receives the function's log lines (stdout/stderr lines of the
// process, plus the platform START/END/REPORT lines), per log stream, in order.
// Package logs implements it.
type LogSink interface {
	PutLogLines(ctx context.Context, group, stream string, lines []LogLine) error
}

// LogLine is one log event of a function's log stream.
type LogLine struct {
	Time    time.Time
	Message string
}

// Options configures a Manager.
type Options struct {
	Logs   LogSink
	Logger *slog.Logger
	Now    func() time.Time
	Region string
	// Credentials returns the environment credentials for a function's role
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); nil = none set.
	Credentials func(ctx context.Context, fn Function) (map[string]string, error)
	// AccountConcurrency is the account's concurrent executions quota
	// (default 1000), shared by functions without a reservation.
	AccountConcurrency int
	// IdleTimeout is how long an idle instance stays warm before it is
	// stopped (default DefaultIdleTimeout; < 0 keeps instances until Close).
	IdleTimeout time.Duration
	// NodeModules are node_modules folders put on NODE_PATH of Node.js
	// functions: where the AWS SDK for JavaScript that Lambda's runtime
	// includes can be provided (nodesdk.go).
	NodeModules []string
	// Observe, when set, sees every invocation start, finish and throttle
	// (metrics). It is called on the invoking goroutine and must not block.
	Observe func(InvokeEvent)
}

// Sentinel errors; Invoke and Deploy wrap them with context.
var (
	ErrNotFound       = errors.New("function not found")
	ErrClosed         = errors.New("lambda manager closed")
	ErrInvalidRuntime = errors.New("unsupported runtime")
	// ErrReservedKeys is wrapped by a ReservedKeysError.
	ErrReservedKeys = errors.New("reserved environment variable keys")
)

// ReservedKeysError reports Environment.Variables that Lambda does not let a
// function set. Its message is Lambda's InvalidParameterValueException text
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
type ReservedKeysError struct{ Keys []string }

func (e *ReservedKeysError) Error() string {
	return "Lambda was unable to configure your environment variables because the environment " +
		"variables you have provided contains reserved keys that are currently not supported for " +
		"modification. Reserved keys used in this request: " + strings.Join(e.Keys, ",")
}

func (e *ReservedKeysError) Unwrap() error { return ErrReservedKeys }

// reservedKeys are the variables Lambda sets itself and refuses in
// Environment.Variables (LANG, PATH and the like are not reserved).
var reservedKeys = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
}

// withDefaults fills what Lambda fills when a setting is absent.
func (fn Function) withDefaults(region string) Function {
	if fn.Timeout <= 0 {
		fn.Timeout = DefaultTimeout
	}
	if fn.MemoryMB <= 0 {
		fn.MemoryMB = DefaultMemoryMB
	}
	if fn.Version == "" {
		fn.Version = latestVersion
	}
	if fn.LogGroup == "" {
		fn.LogGroup = "/aws/lambda/" + fn.Name
	}
	if fn.ARN == "" {
		fn.ARN = arn.LambdaFunction(region, "000000000000", fn.Name)
	}
	return fn
}

// validate rejects what Lambda's CreateFunction would reject and what this
// package cannot run.
func (fn Function) validate() error {
	if fn.Name == "" {
		return errors.New("lambda: function name is empty")
	}
	if _, err := runtimeKindOf(fn.Runtime); err != nil {
		return fmt.Errorf("lambda: function %s: %w", fn.Name, err)
	}
	return CheckEnvironment(fn.Env)
}

// CheckEnvironment refuses Environment.Variables that set a reserved key,
// with a *ReservedKeysError (Lambda's InvalidParameterValueException
// text), so that the control plane can refuse them before storing anything.
func CheckEnvironment(env map[string]string) error {
	var bad []string
	for k := range env {
		if slices.Contains(reservedKeys, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return &ReservedKeysError{Keys: bad}
	}
	return nil
}
