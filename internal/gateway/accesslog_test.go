package gateway

import (
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/vtl"
)

func accessTestContext() *vtl.Map {
	e := vtl.NewMap()
	e.Put("message", "Forbidden")
	ctx := vtl.NewMap()
	ctx.Put("requestId", "r-1")
	ctx.Put("status", "403")
	ctx.Put("error", e)
	ctx.Put("empty", "")
	return ctx
}

func TestFormatAccessLog(t *testing.T) {
	tests := []struct{ format, want string }{
		{`$context.requestId $context.status`, `r-1 403`},
		{`{"id":"$context.requestId","err":"$context.error.message"}`, `{"id":"r-1","err":"Forbidden"}`},
		{`$context.missing $context.empty $context.error.none`, `- - -`},
		{`$context.status.`, `403.`}, // a trailing dot is text
		{`$contextual $context`, `$contextual $context`},
	}
	for _, tc := range tests {
		if got := formatAccessLog(tc.format, accessTestContext()); got != tc.want {
			t.Errorf("formatAccessLog(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
	for arn, want := range map[string]string{
		"arn:aws:logs:us-east-1:000000000000:log-group:g:*":  "g",
		"arn:aws:logs:us-east-1:000000000000:log-group:/a/b": "/a/b",
		"arn:aws:logs:us-east-1:000000000000:log-group:":     "",
		"log-group:x": "",
	} {
		if got, _ := logGroupName(arn); got != want {
			t.Errorf("logGroupName(%q) = %q, want %q", arn, got, want)
		}
	}
}

// FuzzAccessLogFormat: any format renders, and every variable it names is
// replaced.
func FuzzAccessLogFormat(f *testing.F) {
	f.Add(`$context.requestId - [$context.requestTime] "$context.httpMethod"`)
	f.Add(`$context..x $context.error.message$context.status`)
	f.Fuzz(func(t *testing.T, format string) {
		out := formatAccessLog(format, accessTestContext())
		if contextVar.MatchString(format) && strings.Count(out, "$context.") > strings.Count(format, "$context.") {
			t.Fatalf("%q rendered %q", format, out)
		}
	})
}
