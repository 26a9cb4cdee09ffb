package lambda

import (
	"bytes"
	"fmt"
	"strings"
)

// Lambda's Node.js runtimes include the AWS SDK for JavaScript: v3
// (@aws-sdk/*) from nodejs18.x, v2 (aws-sdk) before
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included).
// iamgate does not ship it: Options.NodeModules names node_modules folders
// that hold it (NODE_PATH, after the function's own modules, as the
// runtime's /var/runtime/node_modules comes last on Lambda), and a function
// that fails to import it is told so plainly.

// sdkOf names the SDK a Node.js runtime provides.
func sdkOf(runtime string) (pkg, name string) {
	for _, old := range []string{"nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x"} {
		if runtime == old {
			return "aws-sdk", "the AWS SDK for JavaScript v2 (aws-sdk)"
		}
	}
	return "@aws-sdk/", "the AWS SDK for JavaScript v3 (@aws-sdk/*)"
}

// nodePath is NODE_PATH for a Node.js function: the configured folders.
func nodePath(dirs []string) string { return strings.Join(dirs, ":") }

// noticeMissingSDK warns once per function when a Node.js function could
// not import the SDK its runtime would provide on Lambda.
func (m *Manager) noticeMissingSDK(fn Function, res *Result) {
	if res == nil || res.FunctionError == "" || !strings.HasPrefix(fn.Runtime, "nodejs") {
		return
	}
	pkg, name := sdkOf(fn.Runtime)
	if !bytes.Contains(res.Payload, []byte("Cannot find module '"+pkg)) && !bytes.Contains(res.Payload, []byte(`Cannot find package '`+pkg)) {
		return
	}
	hint := "bundle it with the function (npm install) or start iamgate with --node-modules DIR naming a node_modules folder that has it"
	if len(m.opts.NodeModules) > 0 {
		hint = "the --node-modules folders (" + nodePath(m.opts.NodeModules) + ") do not have it either"
	}
	m.warnOnce(fmt.Sprintf("function %s (%s) imports %s, which Lambda's runtime includes but iamgate does not provide: %s",
		fn.Name, fn.Runtime, name, hint))
}
