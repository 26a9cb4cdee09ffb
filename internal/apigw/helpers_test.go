package apigw

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/iamgate/iamgate/internal/testutil"
)

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// resolve replaces the intrinsics SAM leaves in a Body with plausible values,
// as the stack engine would: ${X.Arn} becomes a Lambda function ARN.
func resolve(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, arg := range t {
				switch k {
				case "Fn::Sub":
					if list, ok := arg.([]any); ok && len(list) > 0 {
						arg = list[0]
					}
					s, _ := arg.(string)
					return subVar.ReplaceAllStringFunc(s, subValue)
				case "Ref", "Fn::GetAtt", "Fn::Join", "Fn::If", "Fn::ImportValue":
					return "resolved"
				}
			}
		}
		out := map[string]any{}
		for k, e := range t {
			out[k] = resolve(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = resolve(e)
		}
		return out
	}
	return v
}

func subValue(m string) string {
	name := m[2 : len(m)-1]
	switch {
	case name == "AWS::Region":
		return "us-east-1"
	case name == "AWS::Partition":
		return "aws"
	case name == "AWS::AccountId":
		return "000000000000"
	case name == "__FunctionArn__":
		return "arn:aws:lambda:us-east-1:000000000000:function:AuthorizerFunction"
	case strings.HasSuffix(name, ".Arn"):
		return "arn:aws:lambda:us-east-1:000000000000:function:" + strings.TrimSuffix(name, ".Arn")
	}
	return "x"
}

// seedBody is the seed's api.yaml with its Fn::Sub uri resolved.
func seedBody(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(testutil.Shared(t, "seed", "api.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return resolve(normalize(doc)).(map[string]any)
}

// samBodies returns the resolved Body of every AWS::ApiGateway::RestApi in
// a SAM translator output file, by logical id.
func samBodies(t testing.TB, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(testutil.Shared(t, "conformance", "sam", "output", file))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for id, r := range tpl.Resources {
		if body, ok := r.Properties["Body"]; ok && r.Type == "AWS::ApiGateway::RestApi" {
			out[id] = resolve(body)
		}
	}
	return out
}
