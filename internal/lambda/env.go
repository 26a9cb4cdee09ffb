package lambda

import (
	"os"
	"path/filepath"
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
	optDir      string // the environment's merged layers (Lambda's /opt); "" = no layers
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
		// HOME too: an environment's uid has no passwd entry, so without it
		// os.homedir() fails (the JavaScript SDK v3 crashed on ENOENT), and
		// a function must not find the server user's ~/.aws files.
		env["HOME"] = s.tmpDir
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
	if np := nodePath(append(layerNodePaths(s.fn.Runtime, s.optDir), s.nodeModules...)); np != "" && strings.HasPrefix(s.fn.Runtime, "nodejs") {
		// The function's own NODE_PATH, if it sets one, wins.
		env["NODE_PATH"] = np
	}
	layerPaths(env, s.fn.Runtime, taskRoot, s.optDir)
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

// Where Lambda's runtimes look for layer content under /opt ("Layer paths
// for each Lambda runtime",
// https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths):
// Python python and python/lib/python3.x/site-packages, Node.js
// nodejs/nodeNN/node_modules and nodejs/node_modules (NODE_PATH), every
// runtime bin (PATH, after the system's, as Lambda's
// /usr/local/bin:/usr/bin/:/bin:/opt/bin) and lib (LD_LIBRARY_PATH, after
// the task's lib, as Lambda's .../var/task/lib:/opt/lib). Here opt is the
// environment's own merged copy, not /opt: a function that names /opt
// literally does not find it.

// layerPaths sets PATH, LD_LIBRARY_PATH and, for Python, PYTHONPATH of an
// environment with layers; a function's own PYTHONPATH or LD_LIBRARY_PATH
// wins, as its NODE_PATH does.
func layerPaths(env map[string]string, runtime, taskRoot, opt string) {
	if opt == "" {
		return
	}
	env["PATH"] = env["PATH"] + ":" + filepath.Join(opt, "bin")
	env["LD_LIBRARY_PATH"] = filepath.Join(taskRoot, "lib") + ":" + filepath.Join(opt, "lib")
	if strings.HasPrefix(runtime, "python3") {
		// After the task root, which the bootstrap puts first on sys.path.
		env["PYTHONPATH"] = filepath.Join(opt, "python", "lib", runtime, "site-packages") + ":" + filepath.Join(opt, "python")
	}
}

// layerNodePaths are the NODE_PATH folders of a Node.js runtime's layers:
// nodejs/node20/node_modules for nodejs20.x, then nodejs/node_modules.
func layerNodePaths(runtime, opt string) []string {
	if opt == "" || !strings.HasPrefix(runtime, "nodejs") {
		return nil
	}
	var out []string
	if v := strings.TrimSuffix(strings.TrimPrefix(runtime, "nodejs"), ".x"); v != "" && !strings.Contains(v, ".") {
		out = append(out, filepath.Join(opt, "nodejs", "node"+v, "node_modules"))
	}
	return append(out, filepath.Join(opt, "nodejs", "node_modules"))
}
