package cfn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The SAM CLI loads templates with PyYAML, where a repeated key keeps its
// last value (serverless-patterns sam-webapp-cognito repeats
// CachePolicyConfig.Name); CloudFormation's own parser refuses the repeat.
func TestParseLastKeyWins(t *testing.T) {
	src := []byte("Resources:\n  A:\n    Type: T\n    Properties:\n      Name: first\n      Name: second\n")
	if _, err := Parse("t.yaml", src); err == nil {
		t.Fatal("Parse accepted a repeated key")
	}
	tpl, dups, err := ParseLastKeyWins("t.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"Resources/A/Properties/Name"}, dups); d != "" {
		t.Errorf("dups (-want +got):\n%s", d)
	}
	got := tpl.Root["Resources"].(map[string]any)["A"].(map[string]any)["Properties"].(map[string]any)["Name"]
	if got != "second" {
		t.Errorf("Name = %v, want the last value", got)
	}
	if _, dups, _ := ParseLastKeyWins("t.yaml", []byte("A: 1\nB: 2\n")); len(dups) != 0 {
		t.Errorf("dups without repeats: %v", dups)
	}
}
