package iampolicy

import (
	"fmt"
	"testing"
)

// BenchmarkEvaluate measures one execute-api:Invoke decision for the seed's
// user with 1, 10 and 100 identity policies of 3 statements each; the
// granting statement is in the last policy so every statement is checked.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("policies=%d", n), func(b *testing.B) {
			var docs []string
			for i := 0; i < n-1; i++ {
				docs = append(docs, doc(
					stmt("Effect", "Allow", "Action", []any{"s3:GetObject", "s3:PutObject"}, "Resource", fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)),
					stmt("Effect", "Allow", "Action", invoke, "Resource", fmt.Sprintf("arn:aws:execute-api:us-east-1:000000000000:api%d/*", i)),
					stmt("Effect", "Deny", "Action", "iam:*", "Resource", "*", "Condition", map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "false"}}),
				))
			}
			docs = append(docs, doc(
				stmt("Effect", "Allow", "Action", invoke, "Resource", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/*",
					"Condition", map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "127.0.0.0/8"}}),
			))
			set := Set{Identity: ids(docs...)}
			r := req(user())
			r.Context = ctx("aws:SourceIp", "127.0.0.1")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if d := Evaluate(&r, set); d.Effect != Allow {
					b.Fatalf("Effect = %v", d.Effect)
				}
			}
		})
	}
}
