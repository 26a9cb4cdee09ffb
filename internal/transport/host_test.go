package transport

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Endpoint forms from https://docs.aws.amazon.com/general/latest/gr/rande.html
// (service.region.amazonaws.com, global iam/sts), API Gateway's invoke URL
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-call-api.html)
// and S3's path-style, virtual-hosted, legacy dash and dual-stack forms
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		want Host
	}{
		{"sts.amazonaws.com", Host{Kind: AWS, Service: "sts"}},
		{"STS.us-east-1.AmazonAWS.com.", Host{Name: "sts.us-east-1.amazonaws.com", Kind: AWS, Service: "sts", Region: "us-east-1"}},
		{"iam.amazonaws.com", Host{Kind: AWS, Service: "iam"}},
		{"cloudformation.ap-northeast-1.amazonaws.com", Host{Kind: AWS, Service: "cloudformation", Region: "ap-northeast-1"}},
		{"sts-fips.us-gov-west-1.amazonaws.com", Host{Kind: AWS, Service: "sts", Region: "us-gov-west-1"}},
		{"abc1234567.execute-api.ap-northeast-1.amazonaws.com", Host{Kind: AWS, Service: "execute-api", Region: "ap-northeast-1", APIID: "abc1234567"}},
		{"s3.amazonaws.com", Host{Kind: AWS, Service: "s3"}},
		{"s3.eu-west-1.amazonaws.com", Host{Kind: AWS, Service: "s3", Region: "eu-west-1"}},
		{"my-bucket.s3.amazonaws.com", Host{Kind: AWS, Service: "s3", Bucket: "my-bucket"}},
		{"my.dotted.bucket.s3.us-east-1.amazonaws.com", Host{Kind: AWS, Service: "s3", Region: "us-east-1", Bucket: "my.dotted.bucket"}},
		{"bucket.s3-us-west-2.amazonaws.com", Host{Kind: AWS, Service: "s3", Region: "us-west-2", Bucket: "bucket"}},
		{"s3-external-1.amazonaws.com", Host{Kind: AWS, Service: "s3", Region: "us-east-1"}},
		{"bucket.s3.dualstack.us-east-1.amazonaws.com", Host{Kind: AWS, Service: "s3", Region: "us-east-1", Bucket: "bucket"}},
		{"s3.x.s3.amazonaws.com", Host{Kind: AWS, Service: "s3", Bucket: "s3.x"}},
		{"localhost", Host{Kind: Local}},
		{"abc1234567.execute-api.localhost", Host{Kind: Local}},
		{"127.0.0.1", Host{Kind: Local}},
		{"127.8.9.10", Host{Kind: Local}},
		{"::1", Host{Kind: Local}},
		{"[::1]", Host{Name: "[::1]", Kind: Local}},
		{"10.0.0.1", Host{}},
		{"amazonaws.com", Host{}},
		{"evil.com", Host{}},
		{"amazonaws.com.evil.com", Host{}},
		{"sts.amazonaws.com.evil.com", Host{}},
		{"evilamazonaws.com", Host{}},
		{"a.b.c.amazonaws.com", Host{}},
		{"abc_123.execute-api.us-east-1.amazonaws.com", Host{}},
		{"abc.execute-api.nowhere.amazonaws.com", Host{}},
		{"sts.notaregion.amazonaws.com", Host{}},
		{"ab.s3.amazonaws.com", Host{}}, // bucket names have 3 characters at least
		{"bucket.s3-accelerate.amazonaws.com", Host{}},
		{"-sts.amazonaws.com", Host{}},
		{"sts..amazonaws.com", Host{}},
		{"execute-api.us-east-1.amazonaws.com", Host{}},
		{"", Host{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want.Name == "" {
				want.Name = strings.TrimSuffix(strings.ToLower(tt.name), ".")
			}
			if diff := cmp.Diff(want, Classify(tt.name)); diff != "" {
				t.Errorf("Classify(%q) (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		port uint16
		err  bool
	}{
		{in: "sts.amazonaws.com:443", kind: AWS, port: 443},
		{in: "127.0.0.1:4566", kind: Local, port: 4566},
		{in: "[::1]:4566", kind: Local, port: 4566},
		{in: "example.com:443", kind: Other, port: 443},
		{in: "sts.amazonaws.com", err: true},
		{in: "sts.amazonaws.com:", err: true},
		{in: ":443", err: true},
		{in: "sts.amazonaws.com:0", err: true},
		{in: "sts.amazonaws.com:0443", err: true},
		{in: "sts.amazonaws.com:+443", err: true},
		{in: "sts.amazonaws.com:65536", err: true},
		{in: "user@sts.amazonaws.com:443", err: true},
		{in: "sts.amazonaws.com/x:443", err: true},
		{in: "http://sts.amazonaws.com:443", err: true},
		{in: "sts amazonaws.com:443", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, port, err := ParseTarget(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("ParseTarget(%q) error = %v, want error %v", tt.in, err, tt.err)
			}
			if err == nil && (h.Kind != tt.kind || port != tt.port) {
				t.Errorf("ParseTarget(%q) = %v port %d, want %v port %d", tt.in, h.Kind, port, tt.kind, tt.port)
			}
		})
	}
}

// FuzzParseTarget checks properties of the CONNECT target parser: it never
// panics; what it classifies as AWS is under amazonaws.com with a service,
// what it calls Local is localhost or a loopback address; and the
// classification survives a round trip through host:port.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"sts.amazonaws.com:443", "abc1234567.execute-api.ap-northeast-1.amazonaws.com:443",
		"my.bucket.s3.us-east-1.amazonaws.com:443", "[::1]:4566", "127.0.0.1:4566", "localhost:4566",
		"example.com:443", "s3-us-west-2.amazonaws.com:443", "amazonaws.com:443", ":", "[::1]", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, port, err := ParseTarget(s)
		if err != nil {
			return
		}
		if port == 0 {
			t.Fatalf("%q: port 0 accepted", s)
		}
		switch h.Kind {
		case AWS:
			if !strings.HasSuffix(h.Name, ".amazonaws.com") || h.Service == "" {
				t.Fatalf("%q: AWS host %+v", s, h)
			}
			if h.Service == "execute-api" && h.APIID == "" {
				t.Fatalf("%q: execute-api without an API id", s)
			}
		case Local:
			if ip := net.ParseIP(strings.Trim(h.Name, "[]")); ip == nil && h.Name != "localhost" && !strings.HasSuffix(h.Name, ".localhost") {
				t.Fatalf("%q: local host %q", s, h.Name)
			} else if ip != nil && !ip.IsLoopback() {
				t.Fatalf("%q: non-loopback %q is local", s, h.Name)
			}
		}
		h2, port2, err := ParseTarget(net.JoinHostPort(strings.Trim(h.Name, "[]"), strconv.Itoa(int(port))))
		if err != nil || port2 != port || h2.Kind != h.Kind || h2.Service != h.Service || h2.Region != h.Region ||
			h2.APIID != h.APIID || h2.Bucket != h.Bucket {
			t.Fatalf("%q: round trip %+v %d %v, want %+v %d", s, h2, port2, err, h, port)
		}
	})
}
