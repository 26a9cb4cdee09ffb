package lambda

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/testutil"
)

const nodeApp = `
exports.hello = async (event, context) => {
  console.log("hello from node", event.name);
  return { statusCode: 200, body: JSON.stringify({ message: "hello " + event.name }), fn: context.functionName,
    id: context.awsRequestId, pid: process.pid };
};
exports.boom = async () => { throw new TypeError("node boom"); };
exports.cb = (event, context, callback) => { callback(null, { via: "callback" }); };
`

func TestNodeFunction(t *testing.T) {
	testutil.NeedCommand(t, "node")
	m := newTestManager(t, Options{Logs: newMemSink()})
	dir := writeCode(t, map[string]string{"index.js": nodeApp})
	for _, h := range []string{"hello", "boom", "cb"} {
		mustDeploy(t, m, Function{Name: "node-" + h, Runtime: "nodejs20.x", Handler: "index." + h, CodeDir: dir})
	}
	t.Run("hello", func(t *testing.T) {
		res := mustInvoke(t, m, "node-hello", `{"name":"n"}`, InvokeOptions{})
		got := decodeJSON(t, res.Payload)
		pid := got["pid"]
		delete(got, "pid")
		want := map[string]any{"statusCode": 200.0, "body": `{"message":"hello n"}`, "fn": "node-hello", "id": res.RequestID}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("payload (-want +got):\n%s", diff)
		}
		if again := decodeJSON(t, mustInvoke(t, m, "node-hello", `{"name":"n"}`, InvokeOptions{}).Payload); again["pid"] != pid {
			t.Errorf("warm process not reused")
		}
	})
	t.Run("error", func(t *testing.T) {
		res := mustInvoke(t, m, "node-boom", `{}`, InvokeOptions{})
		got := decodeJSON(t, res.Payload)
		if got["errorType"] != "TypeError" || got["errorMessage"] != "node boom" || res.FunctionError != "Unhandled" {
			t.Errorf("error payload = %s (%q)", res.Payload, res.FunctionError)
		}
	})
	t.Run("callback", func(t *testing.T) {
		res := mustInvoke(t, m, "node-cb", `{}`, InvokeOptions{})
		if diff := cmp.Diff(map[string]any{"via": "callback"}, decodeJSON(t, res.Payload)); diff != "" {
			t.Errorf("payload (-want +got):\n%s", diff)
		}
	})
}
