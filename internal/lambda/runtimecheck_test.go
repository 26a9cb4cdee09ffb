package lambda

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckRuntime(t *testing.T) {
	for _, tc := range []struct {
		runtime string
		want    error
	}{
		{"python3.12", nil},
		{"python3.9", nil},
		{"nodejs20.x", nil},
		{"provided.al2023", nil},
		{"go1.x", nil},
		{"java21", ErrInvalidRuntime},
		{"ruby3.3", ErrInvalidRuntime},
		{"python3.99", ErrUnknownRuntime},
		{"Python 3.12", ErrUnknownRuntime},
		{"", ErrUnknownRuntime},
	} {
		err := CheckRuntime(tc.runtime)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckRuntime(%q) = %v, want %v", tc.runtime, err, tc.want)
		}
	}
	err := CheckRuntime("g1.x")
	if !strings.Contains(err.Error(), "Value 'g1.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs, nodejs4.3,") {
		t.Errorf("message = %v", err)
	}
	// Every runtime iamgate runs is one Lambda has.
	for _, r := range []string{"python3.8", "python3.13", "python3.14", "nodejs18.x", "nodejs22.x", "nodejs24.x", "provided", "provided.al2"} {
		if err := CheckRuntime(r); err != nil {
			t.Errorf("CheckRuntime(%q) = %v", r, err)
		}
	}
}
