package iampolicy

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iamgate/iamgate/internal/iampolicy/condition"
)

// FuzzParse checks that Parse never panics, refuses only with *ParseError,
// and that an accepted policy survives MarshalJSON → Parse unchanged and can
// be evaluated.
func FuzzParse(f *testing.F) {
	seeds := []string{
		seedPolicy,
		allowInvoke, denyInvoke, allowS3,
		resPolicy("Allow", "*"),
		resPolicy("Deny", map[string]any{"AWS": []any{acct, userARN}}),
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]},"Null":{"x:y":"true"}}}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		`{"Version":"2012-10-17","Statement":[]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"a:b","Resource":"*"}}`,
	}
	for _, s := range seeds {
		for k := IdentityPolicy; k <= SessionPolicy; k++ {
			f.Add([]byte(s), int(k))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, k int) {
		kind := Kind(k%5 + 1)
		if k < 0 {
			kind = Kind(-k%5 + 1)
		}
		p, err := Parse(doc, kind)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("error %v is not a *ParseError with a message", err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		q, err := Parse(out, kind)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if diff := cmp.Diff(p, q, cmpopts.IgnoreUnexported(condition.Clause{}, Statement{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the policy (-first +second):\n%s", diff)
		}
		r := req(user())
		set := Set{Identity: []Named{{Name: "f", Policy: p}}}
		if kind.hasPrincipal() {
			set = Set{Resource: []Named{{Name: "f", Policy: p}}}
		}
		_ = Evaluate(&r, set)
	})
}
