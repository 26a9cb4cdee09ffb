package lambda

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBuildEnv(t *testing.T) {
	t.Setenv("PATH", "/usr/bin:/bin")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "iamgate-admin-secret") // the parent's own credentials
	base := Function{Name: "f", Runtime: "python3.12", Handler: "app.h", CodeDir: "/code", MemoryMB: 128,
		Version: "$LATEST", LogGroup: "/aws/lambda/f"}
	platform := map[string]string{
		"_HANDLER": "app.h", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/f",
		"AWS_LAMBDA_LOG_STREAM_NAME": "s", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_REGION": "eu-west-1",
		"LAMBDA_RUNTIME_DIR": "/rt", "LAMBDA_TASK_ROOT": "/code", "LANG": "en_US.UTF-8", "PATH": "/usr/bin:/bin",
		"TZ": ":UTC",
	}
	with := func(extra map[string]string, drop ...string) map[string]string {
		out := map[string]string{}
		for k, v := range platform {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		for _, k := range drop {
			delete(out, k)
		}
		return out
	}
	tests := []struct {
		name  string
		fn    func(Function) Function
		creds map[string]string
		want  map[string]string
	}{
		{name: "defaults", fn: func(f Function) Function { return f }, want: platform},
		{name: "function variables may set LANG and PATH, not reserved keys",
			fn: func(f Function) Function {
				f.Env = map[string]string{"LANG": "C", "PATH": "/opt/bin", "AWS_REGION": "x", "TABLE": "t"}
				return f
			},
			want: with(map[string]string{"LANG": "C", "PATH": "/opt/bin", "TABLE": "t"})},
		{name: "credentials and platform extras",
			fn: func(f Function) Function {
				f.Env = map[string]string{"AWS_ENDPOINT_URL": "http://user"}
				return f
			},
			creds: map[string]string{"AWS_ACCESS_KEY_ID": "ASIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok",
				"AWS_ENDPOINT_URL": "http://127.0.0.1:4566", "LAMBDA_TASK_ROOT": "/evil"},
			want: with(map[string]string{"AWS_ACCESS_KEY_ID": "ASIA", "AWS_SECRET_ACCESS_KEY": "s",
				"AWS_SESSION_TOKEN": "tok", "AWS_ENDPOINT_URL": "http://user"})},
		{name: "custom runtimes get no AWS_EXECUTION_ENV",
			fn:   func(f Function) Function { f.Runtime = "provided.al2023"; return f },
			want: with(nil, "AWS_EXECUTION_ENV")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := buildEnv(envSpec{fn: tc.fn(base), region: "eu-west-1", stream: "s", runtimeAPI: "127.0.0.1:9001",
				runtimeDir: "/rt", credentials: tc.creds})
			got := map[string]string{}
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				got[k] = v
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("environment (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlatformText(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 47, 10, 123456789, time.UTC)
	tests := []struct{ name, got, want string }{
		{"timeout message", timeoutMessage(at, "id-1", 3*time.Second),
			"2026-11-25T10:47:10.123Z id-1 Task timed out after 3.00 seconds"},
		{"timeout payload", string(timeoutError(timeoutMessage(at, "id-1", time.Second)).payload),
			`{"errorMessage":"2026-11-25T10:47:10.123Z id-1 Task timed out after 1.00 seconds"}`},
		{"exit payload", string(platformError("id-2", "Runtime.ExitError", "Runtime exited with error: exit status 1").payload),
			`{"errorMessage":"RequestId: id-2 Error: Runtime exited with error: exit status 1","errorType":"Runtime.ExitError"}`},
		{"too large", string(platformTooLarge().payload),
			`{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got  %s\nwant %s", tc.got, tc.want)
			}
		})
	}
	t.Run("stream name", func(t *testing.T) {
		got := streamName(at, "$LATEST")
		if !regexp.MustCompile(`^2026/11/25/\[\$LATEST\][0-9a-f]{32}$`).MatchString(got) {
			t.Errorf("streamName = %q", got)
		}
	})
	t.Run("request id", func(t *testing.T) {
		got := newRequestID()
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(got) {
			t.Errorf("newRequestID = %q", got)
		}
	})
}
