package sigv4

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClassify(t *testing.T) {
	scope := Credential{AccessKeyID: "AKIDEXAMPLE", Date: "20150830", Region: "us-east-1", Service: "iam", Terminator: "aws4_request"}
	tests := []struct {
		name, query, authorization string
		want                       Class
	}{
		{"none", "a=1", "", Class{}},
		{"no query", "", "", Class{}},
		{"header", "", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x", Class{Kind: Header, Credential: scope, Scoped: true}},
		{"header without credential", "", "AWS4-HMAC-SHA256 Signature=x", Class{Kind: Header}},
		{"header of another scheme", "", "Basic dXNlcg==", Class{Kind: Header}},
		{"header wins over query", "X-Amz-Credential=A/1/eu-west-1/s3/aws4_request", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request", Class{Kind: Header, Credential: scope, Scoped: true}},
		{"short credential", "", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1", Class{Kind: Header}},
		{"empty service", "", "AWS4-HMAC-SHA256 Credential=A/1/us-east-1//aws4_request", Class{Kind: Header, Credential: Credential{AccessKeyID: "A", Date: "1", Region: "us-east-1", Terminator: "aws4_request"}}},
		{"presigned", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Signature=x",
			"", Class{Kind: Presigned, Credential: scope, Scoped: true}},
		{"presigned, signature only", "X-Amz-Signature=x", "", Class{Kind: Presigned}},
		{"presigned, encoded parameter name", "X-Amz-%43redential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request", "", Class{Kind: Presigned, Credential: scope, Scoped: true}},
		{"presigned, all encoded name", "%58-Amz-Signature=x", "", Class{Kind: Presigned}},
		{"other X-Amz parameters", "X-Amz-Date=20150830T123600Z&X-Amz-Expires=60", "", Class{}},
		{"first value wins", "X-Amz-Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request&X-Amz-Credential=B/1/r/s/t", "", Class{Kind: Presigned, Credential: scope, Scoped: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := "/x"
			if tc.query != "" {
				target += "?" + tc.query
			}
			r := httptest.NewRequest("GET", target, nil)
			if tc.authorization != "" {
				r.Header.Set("Authorization", tc.authorization)
			}
			if diff := cmp.Diff(tc.want, Classify(r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if k := KindOf(r); k != tc.want.Kind {
				t.Errorf("KindOf = %v, Classify's kind %v", k, tc.want.Kind)
			}
		})
	}
}

type noKeys struct{}

func (noKeys) LookupKey(context.Context, string) (Key, bool, error) { return Key{}, false, nil }

// FuzzClassify: Classify agrees with Verify on what matters to its users.
// A request it calls None gets Missing Authentication Token from Verify; a
// request it calls signed never does; and a scope it reads is the one
// Verify would check.
func FuzzClassify(f *testing.F) {
	f.Add("", "a=1")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x", "")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fexecute-api%2Faws4_request&X-Amz-Signature=x&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host")
	f.Add("", "%58-Amz-Signature=x")
	f.Add("", "X-Amz-Signature")
	f.Add("Basic x", "X-Amz-Signature=y")
	v := NewVerifier(noKeys{}, nil)
	f.Fuzz(func(t *testing.T, authorization, rawQuery string) {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.RawQuery = rawQuery
		r.RequestURI = "/x?" + rawQuery
		if authorization != "" {
			r.Header.Set("Authorization", authorization)
			authorization = r.Header.Get("Authorization")
		}
		c := Classify(r)
		if k := KindOf(r); k != c.Kind {
			t.Fatalf("KindOf = %v, Classify's kind %v", k, c.Kind)
		}
		if (c.Kind == Header) != (authorization != "") {
			t.Fatalf("kind %v with Authorization %q", c.Kind, authorization)
		}
		_, err := v.Verify(context.Background(), r, Options{Service: "execute-api"})
		var se *Error
		missing := errors.As(err, &se) && se.Reason == MissingAuthentication
		if missing != (c.Kind == None) {
			t.Fatalf("Classify says %v, Verify says %v", c.Kind, err)
		}
	})
}
