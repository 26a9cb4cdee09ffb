package lambdaapi

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCLIConcurrency drives PutFunctionConcurrency, GetFunctionConcurrency,
// DeleteFunctionConcurrency and GetAccountSettings with the real aws CLI
// (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html):
// the reservation shows in GetFunction's Concurrency, is carved out of the
// account's 1000, may not leave less than 100 unreserved, and survives an
// UpdateFunctionCode.
func TestCLIConcurrency(t *testing.T) {
	e := newEnv(t)
	e.deploy(t, "fn")
	e.deploy(t, "other")

	// The CLI prints nothing for an empty answer ({}).
	if got := e.Must(t, e.Root, "lambda", "get-function-concurrency", "--function-name", "fn"); strings.TrimSpace(got) != "" {
		t.Errorf("get-function-concurrency without a reservation = %s, want {}", got)
	}
	got := decode(t, e.Must(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "fn", "--reserved-concurrent-executions", "300"))
	if diff := cmp.Diff(map[string]any{"ReservedConcurrentExecutions": 300.0}, got); diff != "" {
		t.Errorf("put-function-concurrency (-want +got):\n%s", diff)
	}
	got = decode(t, e.Must(t, e.Root, "lambda", "get-function-concurrency", "--function-name", "fn"))
	if diff := cmp.Diff(map[string]any{"ReservedConcurrentExecutions": 300.0}, got); diff != "" {
		t.Errorf("get-function-concurrency (-want +got):\n%s", diff)
	}
	fn := decode(t, e.Must(t, e.Root, "lambda", "get-function", "--function-name", "fn"))
	if diff := cmp.Diff(map[string]any{"ReservedConcurrentExecutions": 300.0}, fn["Concurrency"]); diff != "" {
		t.Errorf("get-function Concurrency (-want +got):\n%s", diff)
	}
	settings := decode(t, e.Must(t, e.Root, "lambda", "get-account-settings"))
	limit := settings["AccountLimit"].(map[string]any)
	if limit["ConcurrentExecutions"] != 1000.0 || limit["UnreservedConcurrentExecutions"] != 700.0 ||
		settings["AccountUsage"].(map[string]any)["FunctionCount"] != 2.0 {
		t.Errorf("get-account-settings = %v", settings)
	}

	// 300 + 601 leaves 99 < 100 unreserved; 300 + 600 leaves exactly 100.
	_, stderr, err := e.AWS(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "other", "--reserved-concurrent-executions", "601")
	want := "An error occurred (InvalidParameterValueException) when calling the PutFunctionConcurrency operation: " +
		"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
	if err == nil || strings.TrimSpace(stderr) != want {
		t.Errorf("over the minimum: err %v, stderr %q, want %q", err, stderr, want)
	}
	e.Must(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "other", "--reserved-concurrent-executions", "600")
	// Lowering one's own reservation counts it once.
	e.Must(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "fn", "--reserved-concurrent-executions", "200")

	_, stderr, err = e.AWS(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "fn", "--reserved-concurrent-executions", "-1")
	if err == nil || !strings.Contains(stderr, "InvalidParameterValueException") && !strings.Contains(stderr, "Parameter validation failed") {
		t.Errorf("negative reservation: err %v, stderr %q", err, stderr)
	}

	e.deploy(t, "fn") // UpdateFunctionCode keeps the reservation
	got = decode(t, e.Must(t, e.Root, "lambda", "get-function-concurrency", "--function-name", "fn"))
	if diff := cmp.Diff(map[string]any{"ReservedConcurrentExecutions": 200.0}, got); diff != "" {
		t.Errorf("after a code update (-want +got):\n%s", diff)
	}

	if out := e.Must(t, e.Root, "lambda", "delete-function-concurrency", "--function-name", "fn"); strings.TrimSpace(out) != "" {
		t.Errorf("delete-function-concurrency printed %q", out)
	}
	if got := e.Must(t, e.Root, "lambda", "get-function-concurrency", "--function-name", "fn"); strings.TrimSpace(got) != "" {
		t.Errorf("after delete = %s, want {}", got)
	}

	_, stderr, err = e.AWS(t, e.Root, "lambda", "put-function-concurrency", "--function-name", "nope", "--reserved-concurrent-executions", "1")
	if err == nil || !strings.Contains(stderr, "(ResourceNotFoundException)") {
		t.Errorf("unknown function: err %v, stderr %q", err, stderr)
	}
	_, stderr, err = e.AWS(t, e.User, "lambda", "put-function-concurrency", "--function-name", "fn", "--reserved-concurrent-executions", "1")
	if err == nil || !strings.Contains(stderr, "(AccessDeniedException)") || !strings.Contains(stderr, "lambda:PutFunctionConcurrency") {
		t.Errorf("user without a policy: err %v, stderr %q", err, stderr)
	}
}
