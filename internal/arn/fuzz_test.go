package arn

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks the round trip parse → String → parse and that String
// reproduces the input exactly.
func FuzzParse(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.in)
	}
	f.Add("arn:aws:iam::123:user/a:b:c")
	f.Add("arn:::::")
	f.Add("arn:a:b:c:d:\xff")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if got := a.String(); got != s {
			t.Fatalf("String() = %q, want input %q", got, s)
		}
		b, err := Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("round trip: %+v, %v; want %+v", b, err, a)
		}
		if !Match(s, s) && !strings.ContainsAny(s, "*?") {
			t.Fatalf("an ARN without wildcards must match itself: %q", s)
		}
	})
}

// FuzzFields checks Fields against strings.SplitN (the split it stands
// for), its round trip, and its agreement with Parse on whole ARNs.
func FuzzFields(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.in)
	}
	for _, s := range []string{"", "*", "arn", "arn:", "arn:aws", "arn:aws:s3", "arn:*:iam::*:user/*", "arn:aws:s3:::b/k:x:y", ":::::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields, n := Fields(s)
		want := strings.SplitN(s, ":", 6)
		if n != len(want) || !slices.Equal(fields[:n], want) {
			t.Fatalf("Fields(%q) = %q (%d), SplitN gives %q", s, fields[:n], n, want)
		}
		if got := strings.Join(fields[:n], ":"); got != s {
			t.Fatalf("Fields(%q) joins back to %q", s, got)
		}
		if a, err := Parse(s); err == nil {
			if n != 6 || (ARN{fields[1], fields[2], fields[3], fields[4], fields[5]}) != a {
				t.Fatalf("Parse(%q) = %+v, Fields %q", s, a, fields[:n])
			}
		}
	})
}

// FuzzGlob checks Glob against a second implementation, a regular
// expression built from the pattern.
func FuzzGlob(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Add("??*", "ab")
	f.Add("execute-api:*", "execute-api:Invoke")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 64 || strings.ContainsAny(pattern, string([]rune{LiteralStar, LiteralQuestion})) {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`$`)
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := Glob(pattern, s); got != want {
			t.Fatalf("Glob(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}
