package lambda

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

// envSpec is what a process environment is built from.
type envSpec struct {
	fn          Function
	region      string
	stream      string
	runtimeAPI  string // host:port/secret
	runtimeDir  string
	credentials map[string]string
	taskRoot    string // the environment's copy of the code; "" = fn.CodeDir
	tmpDir      string // the environment's TMPDIR; "" = none set
	nodeModules []string
}

// defaultPath is Lambda's PATH, used when iamgate itself has none.
const defaultPath = "/usr/local/bin:/usr/bin/:/bin"

// buildEnv returns the process environment the way Lambda sets it. Of the
// parent's environment only PATH is passed on (so that python3, node and the
// tools a function shells out to are found); everything else there may hold
// secrets (iamgate's own credentials) and must not reach function code.
// Function variables may override the unreserved LANG and PATH but never a
// reserved key.
func buildEnv(s envSpec) []string {
	env := map[string]string{
		"LANG": "en_US.UTF-8",
		"PATH": os.Getenv("PATH"),
	}
	if env["PATH"] == "" {
		env["PATH"] = defaultPath
	}
	if s.tmpDir != "" {
		// Each environment has its own /tmp on Lambda; here its own TMPDIR
		// (tempfile, os.tmpdir()), which function variables may override.
		env["TMPDIR"] = s.tmpDir
	}
	taskRoot := s.taskRoot
	if taskRoot == "" {
		taskRoot = s.fn.CodeDir
	}
	// Extra platform variables from Options.Credentials (the server adds
	// AWS_ENDPOINT_URL so SDKs reach iamgate) come before the function's own,
	// which may override them.
	for k, v := range s.credentials {
		if !slices.Contains(reservedKeys, k) {
			env[k] = v
		}
	}
	if len(s.nodeModules) > 0 && strings.HasPrefix(s.fn.Runtime, "nodejs") {
		// The function's own NODE_PATH, if it sets one, wins.
		env["NODE_PATH"] = nodePath(s.nodeModules)
	}
	for k, v := range s.fn.Env {
		if !slices.Contains(reservedKeys, k) {
			env[k] = v
		}
	}
	reserved := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        s.fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     s.fn.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(s.fn.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       s.fn.LogGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME":      s.stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_RUNTIME_API":          s.runtimeAPI,
		"AWS_REGION":                      s.region,
		"AWS_DEFAULT_REGION":              s.region,
		"_HANDLER":                        s.fn.Handler,
		"LAMBDA_TASK_ROOT":                taskRoot,
		"LAMBDA_RUNTIME_DIR":              s.runtimeDir,
		"TZ":                              ":UTC",
	}
	if ee := executionEnv(s.fn.Runtime); ee != "" {
		reserved["AWS_EXECUTION_ENV"] = ee
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if v := s.credentials[k]; v != "" {
			reserved[k] = v
		}
	}
	for k, v := range reserved {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}
