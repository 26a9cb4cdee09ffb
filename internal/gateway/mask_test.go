package gateway

import "testing"

func TestMaskAccountIDs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc/v1/GET/hello",
			"User: arn:aws:iam::********0000:user/nobody is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:abc/v1/GET/hello"},
		{"User: anonymous is not authorized", "User: anonymous is not authorized"},
		{"arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:sts::********3333:assumed-role/r/s"},
		{"arn:aws:execute-api:us-east-1:1234567890123:x", "arn:aws:execute-api:us-east-1:1234567890123:x"},
	}
	for _, tt := range tests {
		if got := maskAccountIDs(tt.in); got != tt.want {
			t.Errorf("maskAccountIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
