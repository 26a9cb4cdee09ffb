package lambda

import (
	_ "embed"
	"regexp"
	"strings"
)

// The cfn-response module: CloudFormation adds it to the package of a
// function whose code is inline (ZipFile, SAM InlineCode) when the code
// loads it, and only then
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html:
// "Use this exact import statement. If you use other variants of the import
// statement, CloudFormation doesn't include the response module."). Code
// from S3 never gets it.

//go:embed cfnresponse/cfnresponse.py
var cfnResponsePython []byte

//go:embed cfnresponse/cfn-response.js
var cfnResponseNode []byte

var (
	importsCFNResponse  = regexp.MustCompile(`(?m)^[ \t]*import cfnresponse[ \t]*(#.*)?\r?$`)
	requiresCFNResponse = regexp.MustCompile(`require\(\s*["']cfn-response["']\s*\)`)
)

// InlineModules returns the files, by their path in the package, that
// CloudFormation adds beside inline code src of runtime: cfnresponse.py
// for Python code that imports it, the cfn-response module (where Node's
// require finds it) for Node.js code that requires it; none otherwise.
func InlineModules(runtime, src string) map[string][]byte {
	switch {
	case strings.HasPrefix(runtime, "python") && importsCFNResponse.MatchString(src):
		return map[string][]byte{"cfnresponse.py": cfnResponsePython}
	case strings.HasPrefix(runtime, "nodejs") && requiresCFNResponse.MatchString(src):
		return map[string][]byte{"node_modules/cfn-response/index.js": cfnResponseNode}
	}
	return nil
}
