package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

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
