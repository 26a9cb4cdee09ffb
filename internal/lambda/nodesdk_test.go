package lambda

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// sdkApp imports the SDK v3 the way functions written for nodejs18.x and
// later do, relying on the runtime to provide it.
const sdkApp = `
const { STSClient } = require("@aws-sdk/client-sts");
exports.handler = async () => ({ client: new STSClient().name });
`

// TestNodeSDKFromNodeModules: without --node-modules, a function that
// imports @aws-sdk/* fails with Runtime.ImportModuleError and iamgate says
// once, plainly, that Lambda would provide it and iamgate does not; with a
// node_modules folder that has it, the import resolves through NODE_PATH.
func TestNodeSDKFromNodeModules(t *testing.T) {
	testutil.NeedCommand(t, "node")
	code := writeCode(t, map[string]string{"index.js": sdkApp})
	var mu sync.Mutex
	var logs bytes.Buffer
	m := newTestManager(t, Options{Logs: newMemSink(), Logger: newTextLogger(&mu, &logs)})
	mustDeploy(t, m, Function{Name: "nosdk", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: code})
	for range 2 {
		res := mustInvoke(t, m, "nosdk", `{}`, InvokeOptions{})
		if res.FunctionError == "" || !strings.Contains(string(res.Payload), "Runtime.ImportModuleError") {
			t.Fatalf("payload %s", res.Payload)
		}
	}
	mu.Lock()
	got := strings.Count(logs.String(), "imports the AWS SDK for JavaScript v3 (@aws-sdk/*), which Lambda's runtime includes but iamgate does not provide")
	mu.Unlock()
	if got != 1 {
		t.Errorf("notice logged %d times, want once:\n%s", got, logs.String())
	}

	// A node_modules folder holding the package, readable by function users.
	nm := t.TempDir()
	pkg := filepath.Join(nm, "@aws-sdk", "client-sts")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(pkg, "index.js"), []byte(`exports.STSClient = class { constructor() { this.name = "sts"; } };`), 0o644)
	for _, d := range []string{nm, filepath.Join(nm, "@aws-sdk"), pkg} {
		os.Chmod(d, 0o755)
	}
	os.Chmod(filepath.Dir(nm), 0o755)
	m2 := newTestManager(t, Options{Logs: newMemSink(), NodeModules: []string{nm}})
	mustDeploy(t, m2, Function{Name: "sdk", Runtime: "nodejs20.x", Handler: "index.handler", CodeDir: code})
	res := mustInvoke(t, m2, "sdk", `{}`, InvokeOptions{})
	if res.FunctionError != "" || string(res.Payload) != `{"client":"sts"}` {
		t.Errorf("with --node-modules: %s (%s)", res.Payload, res.FunctionError)
	}
}
