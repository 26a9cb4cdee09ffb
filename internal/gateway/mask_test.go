package gateway

import (
	"regexp"
	"testing"
)

var maskCases = []struct{ in, want string }{
	{"User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/hello",
		"User: arn:aws:iam::********0000:user/nobody is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abc/v1/GET/hello"},
	{"User: anonymous is not authorized", "User: anonymous is not authorized"},
	{"arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:sts::********3333:assumed-role/r/s"},
	{"arn:aws:execute-api:us-east-1:1234567890123:x", "arn:aws:execute-api:us-east-1:1234567890123:x"},
	{"arn:aws-cn:iam::123456789012:root", "arn:aws-cn:iam::********9012:root"},
	{"arn:aws:iam::123456789012", "arn:aws:iam::********9012"},
	{"arn:aws:iam::12345678901", "arn:aws:iam::12345678901"},
	{"arn:aws:iam::12345678901_", "arn:aws:iam::12345678901_"},
	{"arn:aws:iam::123456789012_", "arn:aws:iam::123456789012_"},
	{"arn:arn:aws:iam::123456789012:x", "arn:arn:aws:iam::********9012:x"},
	{"arn:aws:IAM::123456789012:x", "arn:aws:IAM::123456789012:x"},
	{"xarn:aws:iam::123456789012.", "xarn:aws:iam::********9012."},
	{"arn:aws:s3:::123456789012", "arn:aws:s3:::123456789012"},
	{"arn:aws:a:b:c:123456789012", "arn:aws:a:b:c:123456789012"},
}

func TestMaskAccountIDs(t *testing.T) {
	for _, tt := range maskCases {
		if got := maskAccountIDs(tt.in); got != tt.want {
			t.Errorf("maskAccountIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// maskOracle is the expression the scan replaced: the fuzz test holds the
// scan to it.
var maskOracle = regexp.MustCompile(`(arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:)\d{8}(\d{4})\b`)

func FuzzMaskAccountIDs(f *testing.F) {
	for _, tt := range maskCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := maskAccountIDs(s), maskOracle.ReplaceAllString(s, "${1}********${2}"); got != want {
			t.Fatalf("maskAccountIDs(%q) = %q, the expression gives %q", s, got, want)
		}
	})
}

func BenchmarkMaskAccountIDs(b *testing.B) {
	msg := maskCases[0].in
	b.ReportAllocs()
	for b.Loop() {
		maskAccountIDs(msg)
	}
}
