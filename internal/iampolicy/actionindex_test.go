package iampolicy

import (
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/arn"
)

// FuzzActionIndex holds the index to globbing every entry in order: the
// same first match (or none) for any list and action, wildcards, case and
// non-ASCII service names (the Kelvin sign folds to 'k') included.
func FuzzActionIndex(f *testing.F) {
	f.Add("s3:Get*,EC2:Describe*,*:List*,kms:*,s?s:Send*,\u212Ams:Decrypt,iam,ex*-api:Invoke", "execute-api:Invoke")
	f.Add("a4b:Get*,access-analyzer:GetAccessPreview,execute-api:Get*,execute-api:Invoke", "Execute-API:invoke")
	f.Add("kms:Decrypt,KMS:*", "\u212Ams:Decrypt")
	f.Add("s3:*", "s3")
	f.Fuzz(func(t *testing.T, list, action string) {
		patterns := strings.Split(list, ",")
		for len(patterns) < minIndexed { // long enough to be indexed, order kept
			patterns = append(patterns, "filler"+strings.Repeat("x", len(patterns))+":Get*")
		}
		want := -1
		for i, p := range patterns {
			if arn.GlobFold(p, action) {
				want = i
				break
			}
		}
		if got := newActionIndex(patterns).first(patterns, action); got != want {
			t.Fatalf("first(%q, %q) = %d, globbing each %d", patterns, action, got, want)
		}
	})
}
