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

// FuzzParseLastKeyWins checks the lenient reading against the strict one:
// never a panic; where Parse accepts, the same tree and no repeats; where
// it refuses only for a repeated key, the lenient one reports the repeat.
func FuzzParseLastKeyWins(f *testing.F) {
	for _, s := range []string{
		"A: 1\nA: 2\n",
		"Resources:\n  R:\n    Type: X\n    Type: Y\n",
		"A: {B: 1, B: 2}\nA: 3\n",
		"A: &x {B: 1}\nC: *x\n",
		`{"a": 1, "a": 2}`,
		"A: !Sub x\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		strict, serr := Parse("f.yaml", data)
		lenient, dups, lerr := ParseLastKeyWins("f.yaml", data)
		if serr == nil {
			if lerr != nil || len(dups) != 0 {
				t.Fatalf("lenient refused what strict accepts: %v %v", lerr, dups)
			}
			if d := cmp.Diff(strict.Root, lenient.Root); d != "" {
				t.Fatalf("trees differ:\n%s", d)
			}
			return
		}
		if lerr == nil && len(dups) == 0 {
			t.Fatalf("strict refused (%v), lenient accepted without a repeat", serr)
		}
	})
}
