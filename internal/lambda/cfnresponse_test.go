package lambda

import "testing"

// TestInlineModules: the module comes with inline code that loads it with
// the documented statement, and only then
// (cfn-lambda-function-code-cfnresponsemodule.html: "Use this exact import
// statement").
func TestInlineModules(t *testing.T) {
	tests := []struct {
		runtime, src, want string
	}{
		{"python3.12", "import cfnresponse\ndef handler(e, c): pass\n", "cfnresponse.py"},
		{"python3.9", "import json\n  import cfnresponse  # the module\n", "cfnresponse.py"},
		{"python3.12", "import cfnresponse\r\n", "cfnresponse.py"},
		{"python3.12", "from cfnresponse import send\n", ""},
		{"python3.12", "import cfnresponse as r\n", ""},
		{"python3.12", "# import cfnresponse\n", ""},
		{"python3.12", "import cfnresponse_extra\n", ""},
		{"nodejs20.x", "var response = require('cfn-response');\n", "node_modules/cfn-response/index.js"},
		{"nodejs18.x", `const r = require("cfn-response")`, "node_modules/cfn-response/index.js"},
		{"nodejs20.x", "require('cfn-response-async')", ""},
		{"python3.12", "var response = require('cfn-response');\n", ""},
		{"nodejs20.x", "import cfnresponse\n", ""},
		{"provided.al2", "import cfnresponse\n", ""},
	}
	for _, tc := range tests {
		got := InlineModules(tc.runtime, tc.src)
		if tc.want == "" {
			if len(got) != 0 {
				t.Errorf("%s %q: modules %v, want none", tc.runtime, tc.src, got)
			}
			continue
		}
		if len(got) != 1 || len(got[tc.want]) == 0 {
			t.Errorf("%s %q: modules %v, want %s", tc.runtime, tc.src, got, tc.want)
		}
	}
}
