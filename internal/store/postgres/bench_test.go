package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/postgres"
)

// BenchmarkAppendDecisions is the decision log's write on PostgreSQL, as
// the SQLite backend's benchmark of the same name: one batch of 256
// decisions (the auditor's largest) per op, the log trimmed to its default
// bound. It needs IAMGATE_TEST_POSTGRES; the server's own CPU is not in
// the numbers, its round trips are.
func BenchmarkAppendDecisions(b *testing.B) {
	ctx := b.Context()
	base := dsn(b)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(context.Background())
	const schema = "bench_append_decisions"
	if _, err := admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	defer admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	s, err := postgres.Open(ctx, withSearchPath(base, schema))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]store.Decision, 256)
	for i := range batch {
		batch[i] = store.Decision{Time: time.Unix(1764700000, int64(i)).UTC(), RequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
			Principal: "arn:aws:iam::000000000000:user/bench-denied", Caller: "arn:aws:iam::000000000000:user/bench-denied",
			Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abcdefghij/v1/GET/hello", Effect: "ImplicitDeny",
			Reason: "User: arn:aws:iam::000000000000:user/bench-denied is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abcdefghij/v1/GET/hello because no identity-based policy allows the execute-api:Invoke action"}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.AppendDecisions(ctx, batch, 100000); err != nil {
			b.Fatal(err)
		}
	}
}
