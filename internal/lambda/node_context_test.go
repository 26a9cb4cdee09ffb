package lambda

import (
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// nodeLegacyApp ends invocations the legacy ways Lambda's Node.js runtime
// still offers: context.done, context.succeed and context.fail (what
// cfn-response's send calls).
const nodeLegacyApp = `
exports.done = (event, context) => { context.done(null, { via: "done" }); };
exports.succeed = (event, context) => { context.succeed({ via: "succeed" }); };
exports.fail = (event, context) => { context.fail(new Error("legacy fail")); };
`

func TestNodeLegacyContextEnds(t *testing.T) {
	testutil.NeedCommand(t, "node")
	m := newTestManager(t, Options{Logs: newMemSink()})
	dir := writeCode(t, map[string]string{"index.js": nodeLegacyApp})
	for _, h := range []string{"done", "succeed", "fail"} {
		mustDeploy(t, m, Function{Name: "legacy-" + h, Runtime: "nodejs20.x", Handler: "index." + h, CodeDir: dir})
	}
	for h, want := range map[string]string{"done": "done", "succeed": "succeed"} {
		res := mustInvoke(t, m, "legacy-"+h, `{}`, InvokeOptions{})
		if got := decodeJSON(t, res.Payload); got["via"] != want || res.FunctionError != "" {
			t.Errorf("%s: %s %q", h, res.Payload, res.FunctionError)
		}
	}
	res := mustInvoke(t, m, "legacy-fail", `{}`, InvokeOptions{})
	if got := decodeJSON(t, res.Payload); got["errorMessage"] != "legacy fail" || res.FunctionError != "Unhandled" {
		t.Errorf("fail: %s %q", res.Payload, res.FunctionError)
	}
}
