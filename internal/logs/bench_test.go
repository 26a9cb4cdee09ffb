package logs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store/storetest"
)

// invocationLines is what one Lambda invocation writes: START, the
// function's output, then END and REPORT, in three sink calls as the
// runtime manager makes them.
func invocationLines(i int, now time.Time) [][]Event {
	id := fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)
	return [][]Event{
		{{Timestamp: now, Message: "START RequestId: " + id + " Version: $LATEST"}},
		{{Timestamp: now, Message: "hello from the function"}},
		{{Timestamp: now, Message: "END RequestId: " + id},
			{Timestamp: now, Message: "REPORT RequestId: " + id + "\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"}},
	}
}

// BenchmarkInvocationLogs is the log cost of one invocation on SQLite, as
// the Lambda sink pays it inside the request.
func BenchmarkInvocationLogs(b *testing.B) {
	dir := b.TempDir()
	ctx := context.Background()
	st := storetest.SQLite(b)
	s := New(st, Options{Region: "us-east-1", AccountID: "000000000000"})
	defer s.Close(ctx)
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for _, evs := range invocationLines(i, now) {
			if err := s.Write(ctx, "/aws/lambda/f", "2026/12/03/[$LATEST]0123456789abcdef0123456789abcdef", evs); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if b.N >= 10000 {
		var size int64
		for _, f := range []string{"db", "db-wal"} {
			if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
				size += fi.Size()
			}
		}
		b.ReportMetric(float64(size)/float64(b.N), "disk-B/op")
	}
}
