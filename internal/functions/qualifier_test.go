package functions

import (
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/awserr"
)

func TestQualify(t *testing.T) {
	tests := []struct {
		in, param, name, q string
		err                awserr.Code
	}{
		{in: "f", name: "f"},
		{in: "f:live", name: "f", q: "live"},
		{in: "f", param: "3", name: "f", q: "3"},
		{in: "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST", name: "f", q: "$LATEST"},
		{in: "123456789012:function:f:7", param: "7", name: "f", q: "7"},
		{in: "f:live", param: "2", err: InvalidParameter},
		{in: "f", param: "a/b", err: awserr.ValidationException},
	}
	for _, tc := range tests {
		name, q, err := Qualify(tc.in, tc.param)
		if tc.err != "" {
			if !awserr.Is(err, tc.err) {
				t.Errorf("Qualify(%q, %q) err = %v, want %s", tc.in, tc.param, err, tc.err)
			}
			continue
		}
		if err != nil || name != tc.name || q != tc.q {
			t.Errorf("Qualify(%q, %q) = %q %q %v", tc.in, tc.param, name, q, err)
		}
	}
	for _, bad := range []string{"", "7", strings.Repeat("a", 129), "a.b"} {
		if ValidateAliasName(bad) == nil {
			t.Errorf("alias name %q accepted", bad)
		}
	}
}

// FuzzQualify: whatever a request names, a name and qualifier that pass
// validation never hold a path separator, and Split agrees with NameOf.
func FuzzQualify(f *testing.F) {
	f.Add("f:live", "")
	f.Add("arn:aws:lambda:us-east-1:123456789012:function:f:1", "1")
	f.Add("f", "$LATEST")
	f.Add("../x:..", "a/b")
	f.Fuzz(func(t *testing.T, in, param string) {
		name, q, err := Qualify(in, param)
		if n, _ := Split(in); n != NameOf(in) {
			t.Fatalf("Split(%q) = %q, NameOf = %q", in, n, NameOf(in))
		}
		if err != nil || ValidateName(in) != nil {
			return
		}
		if strings.ContainsAny(name+q, "/\\.") {
			t.Fatalf("Qualify(%q, %q) = %q %q", in, param, name, q)
		}
	})
}

// TestIsVersionIsCanonical: only the decimal form Lambda writes names a
// version, so the qualifier authorized is the version served.
func TestIsVersionIsCanonical(t *testing.T) {
	for q, want := range map[string]bool{"1": true, "12": true, "01": false, "0": false, "+1": false, "": false, "$LATEST": false, "live": false} {
		if got := IsVersion(q); got != want {
			t.Errorf("IsVersion(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestOwner: the FunctionName forms of the Lambda API reference
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#lambda-Invoke-request-FunctionName)
// and the region and account each names.
func TestOwner(t *testing.T) {
	for _, tc := range []struct{ in, region, account string }{
		{"my-function", "", ""},
		{"my-function:v1", "", ""},
		{"123456789012:function:my-function", "", "123456789012"},
		{"arn:aws:lambda:us-west-2:123456789012:function:my-function", "us-west-2", "123456789012"},
		{"arn:aws:lambda:us-west-2:123456789012:function:my-function:live", "us-west-2", "123456789012"},
		{"arn:aws:lambda:123456789012:function:my-function", "", "123456789012"},
	} {
		if r, a := Owner(tc.in); r != tc.region || a != tc.account {
			t.Errorf("Owner(%q) = %q, %q; want %q, %q", tc.in, r, a, tc.region, tc.account)
		}
	}
}
