package stack

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzInteger: ReservedConcurrentExecutions as a template string is read
// only when it is a whole integer, and then it reads back as itself.
func FuzzInteger(f *testing.F) {
	for _, s := range []string{"7", " 3 ", "-1", "1.5", "lots", "", "99999999999999999999", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := integer(s)
		want, err := strconv.Atoi(strings.TrimSpace(s))
		if ok != (err == nil) || (ok && n != want) {
			t.Fatalf("integer(%q) = %d, %v; Atoi says %d, %v", s, n, ok, want, err)
		}
		if n < -(1<<53) || n > 1<<53 {
			return
		}
		if f, ok := integer(float64(n)); !ok || f != n {
			t.Fatalf("integer(float64(%d)) = %d, %v", n, f, ok)
		}
	})
}
