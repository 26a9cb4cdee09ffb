package sigv4

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

func TestKeyCache(t *testing.T) {
	c := newKeyCache(3)
	k1 := c.get("AKID", "s1", "20240101", "us-east-1", "iam")
	t.Run("hit returns the same key", func(t *testing.T) {
		if got := c.get("AKID", "s1", "20240101", "us-east-1", "iam"); !bytes.Equal(got, k1) {
			t.Fatal("different key")
		}
	})
	t.Run("changed secret derives again", func(t *testing.T) {
		got := c.get("AKID", "s2", "20240101", "us-east-1", "iam")
		if bytes.Equal(got, k1) || !bytes.Equal(got, SigningKey("s2", "20240101", "us-east-1", "iam")) {
			t.Fatal("stale key reused")
		}
	})
	t.Run("bounded, least recent evicted", func(t *testing.T) {
		for i := range 10 {
			c.get("AKID", "s", fmt.Sprintf("202401%02d", i+1), "us-east-1", "iam")
		}
		if c.len() != 3 {
			t.Fatalf("len = %d, want 3", c.len())
		}
	})
	t.Run("concurrent use", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for j := range 100 {
					c.get(fmt.Sprint(i), "s", fmt.Sprint(j%5), "r", "s")
				}
			})
		}
		wg.Wait()
	})
}
