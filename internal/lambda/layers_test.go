package lambda

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

// Layers reach the function where Lambda's runtimes look under /opt ("Layer
// paths for each Lambda runtime",
// https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths),
// merged in order: a later layer's file replaces an earlier one's.

const pythonLayerApp = `
import os, shutil, greet, sitepkg
def handler(event, context):
    return {"greet": greet.hi(), "site": sitepkg.X, "tool": shutil.which("layertool") is not None,
            "ld": os.environ.get("LD_LIBRARY_PATH", "").split(":")[-1].endswith("/opt/lib"),
            "opt": os.path.basename(os.path.dirname(greet.__file__))}
`

func TestPythonLayers(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	m := newTestManager(t, Options{Logs: newMemSink()})
	first := writeCode(t, map[string]string{
		"python/greet.py": "def hi():\n    return 'one'\n",
		"python/lib/python3.12/site-packages/sitepkg.py": "X = 'site'\n",
	})
	second := writeCode(t, map[string]string{
		"python/greet.py": "def hi():\n    return 'two'\n",
		"bin/layertool":   "#!/bin/sh\necho tool\n",
	})
	if err := chmodX(filepath.Join(second, "bin/layertool")); err != nil {
		t.Fatal(err)
	}
	code := writeCode(t, map[string]string{"app.py": pythonLayerApp})
	mustDeploy(t, m, Function{Name: "py-layers", Runtime: "python3.12", Handler: "app.handler", CodeDir: code, Layers: []string{first, second}})
	res := mustInvoke(t, m, "py-layers", `{}`, InvokeOptions{})
	want := map[string]any{"greet": "two", "site": "site", "tool": true, "ld": true, "opt": "python"}
	if diff := cmp.Diff(want, decodeJSON(t, res.Payload)); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}

	// Without layers nothing of them is found: the same code fails to import.
	mustDeploy(t, m, Function{Name: "py-nolayers", Runtime: "python3.12", Handler: "app.handler", CodeDir: code})
	res = mustInvoke(t, m, "py-nolayers", `{}`, InvokeOptions{})
	if res.FunctionError == "" || !strings.Contains(string(res.Payload), "No module named 'greet'") {
		t.Errorf("without layers: %s (%q)", res.Payload, res.FunctionError)
	}
}

func TestNodeLayers(t *testing.T) {
	testutil.NeedCommand(t, "node")
	m := newTestManager(t, Options{Logs: newMemSink()})
	layer := writeCode(t, map[string]string{
		"nodejs/node_modules/greet/index.js":      "exports.hi = () => 'hi';\n",
		"nodejs/node20/node_modules/ver/index.js": "exports.v = 'node20';\n",
		"nodejs/node18/node_modules/ver/index.js": "exports.v = 'node18';\n",
		"nodejs/node_modules/ver/index.js":        "exports.v = 'generic';\n",
	})
	code := writeCode(t, map[string]string{"index.js": "exports.h = async () => ({ hi: require('greet').hi(), v: require('ver').v });\n"})
	mustDeploy(t, m, Function{Name: "node-layers", Runtime: "nodejs20.x", Handler: "index.h", CodeDir: code, Layers: []string{layer}})
	res := mustInvoke(t, m, "node-layers", `{}`, InvokeOptions{})
	// nodejs/node20/node_modules comes before nodejs/node_modules on NODE_PATH.
	if diff := cmp.Diff(map[string]any{"hi": "hi", "v": "node20"}, decodeJSON(t, res.Payload)); diff != "" {
		t.Errorf("payload (-want +got):\n%s", diff)
	}
}

func TestLayerEnv(t *testing.T) {
	opt := "/sb/env-1/opt"
	tests := []struct {
		runtime string
		want    map[string]string
	}{
		{"python3.12", map[string]string{"PATH": "/usr/bin:/sb/env-1/opt/bin", "LD_LIBRARY_PATH": "/sb/env-1/task/lib:/sb/env-1/opt/lib",
			"PYTHONPATH": "/sb/env-1/opt/python/lib/python3.12/site-packages:/sb/env-1/opt/python"}},
		{"nodejs22.x", map[string]string{"PATH": "/usr/bin:/sb/env-1/opt/bin", "LD_LIBRARY_PATH": "/sb/env-1/task/lib:/sb/env-1/opt/lib",
			"NODE_PATH": "/sb/env-1/opt/nodejs/node22/node_modules:/sb/env-1/opt/nodejs/node_modules:/m/node_modules"}},
		{"provided.al2023", map[string]string{"PATH": "/usr/bin:/sb/env-1/opt/bin", "LD_LIBRARY_PATH": "/sb/env-1/task/lib:/sb/env-1/opt/lib"}},
	}
	for _, tc := range tests {
		t.Run(tc.runtime, func(t *testing.T) {
			t.Setenv("PATH", "/usr/bin")
			env := buildEnv(envSpec{fn: Function{Name: "f", Runtime: tc.runtime}, taskRoot: "/sb/env-1/task", optDir: opt,
				nodeModules: []string{"/m/node_modules"}})
			got := map[string]string{}
			for _, kv := range env {
				k, v, _ := strings.Cut(kv, "=")
				if _, want := tc.want[k]; want || k == "PYTHONPATH" || k == "NODE_PATH" {
					got[k] = v
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func chmodX(path string) error { return os.Chmod(path, 0o755) }
