package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// BenchmarkStore times the queries every request makes: a Get of a hot
// item (parallel readers, as concurrent requests are), a Put, an Append.
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := range 100 {
		if err := s.Put(ctx, "kind", fmt.Sprintf("key-%03d", i), make([]byte, 512)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("GetParallel", func(b *testing.B) {
		b.ReportAllocs()
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Get(ctx, "kind", fmt.Sprintf("key-%03d", n.Add(1)%100)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("List", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := s.List(ctx, "kind", "key-01"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Put", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if err := s.Put(ctx, "kind", fmt.Sprintf("key-%03d", i%100), make([]byte, 512)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Append", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := s.Append(ctx, "stream", make([]byte, 128)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAppendDecisions is the decision log's write: one batch of 256
// decisions (the auditor's largest) per op, as a busy gateway sends them,
// with the log trimmed to its default bound.
func BenchmarkAppendDecisions(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(filepath.Join(b.TempDir(), "db"))
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
	keep := 100000
	if k := os.Getenv("KEEP"); k != "" {
		keep, _ = strconv.Atoi(k)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.AppendDecisions(ctx, batch, keep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecisions is the decision log's read (`iamgate policy
// suggest`, the decisions API) over a full default log: 100,000
// decisions of four principals in batches of 256. It reports the file's
// size per decision stored.
func BenchmarkDecisions(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "db")
	s, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const total, keep = 100000, 100000
	principal := func(i int) string { return "arn:aws:iam::000000000000:user/bench-" + strconv.Itoa(i%4) }
	t0 := time.Unix(1764700000, 0).UTC()
	batch := make([]store.Decision, 256)
	for n := 0; n < total; n += len(batch) {
		batch = batch[:min(len(batch), total-n)]
		for i := range batch {
			p := principal(n + i)
			batch[i] = store.Decision{Time: t0.Add(time.Duration(n+i) * time.Millisecond), RequestID: fmt.Sprintf("c6af9ac6-7b61-11e6-9a41-%012d", n+i),
				Principal: p, Caller: p, Action: "execute-api:Invoke", Resource: "arn:aws:execute-api:us-east-1:000000000000:abcdefghij/v1/GET/hello",
				Effect: "ImplicitDeny", Reason: "User: " + p + " is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abcdefghij/v1/GET/hello because no identity-based policy allows the execute-api:Invoke action"}
		}
		if err := s.AppendDecisions(ctx, batch, keep); err != nil {
			b.Fatal(err)
		}
	}
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			size += fi.Size()
		}
	}
	for _, q := range []struct {
		name string
		q    store.DecisionQuery
		want int
	}{
		{"principal", store.DecisionQuery{Principal: principal(1), Limit: keep}, total / 4},
		{"principal-since-last-tenth", store.DecisionQuery{Principal: principal(1), Since: t0.Add(total * 9 / 10 * time.Millisecond)}, total / 40},
		{"absent", store.DecisionQuery{Principal: "arn:aws:iam::000000000000:user/nobody"}, 0},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ds, err := s.Decisions(ctx, q.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(ds) != q.want {
					b.Fatalf("%d decisions, want %d", len(ds), q.want)
				}
			}
			b.ReportMetric(float64(size)/total, "file-B/decision")
		})
	}
}
