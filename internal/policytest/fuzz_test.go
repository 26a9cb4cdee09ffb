package policytest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any input parses or fails with a located *Error, never a
// panic; every parsed row has the required fields and a resolvable shape.
func FuzzParse(f *testing.F) {
	f.Add([]byte(issueTable))
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("- {principal: !Ref A, action: 'a:b', resource: {Fn::Sub: '${!x}'}, expect: deny, context: {a:b: [1, 2]}}\n"))
	f.Add([]byte("- &a {principal: a}\n- *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, err := Parse("f.yaml", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %v is not a located *Error", err)
			}
			return
		}
		env := &Env{Region: "r", AccountID: "1", StackName: "S"}
		for _, c := range cases {
			if c.Principal.Text == "" || c.Action.Text == "" || c.Resource.Text == "" || (c.Expect != "allow" && c.Expect != "deny") {
				t.Fatalf("incomplete row %+v", c)
			}
			_, _ = resolve(env, c)
		}
	})
}
