package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func chunkCount(t *testing.T, st store.Store) int {
	t.Helper()
	items, err := st.List(context.Background(), kindChunk, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// TestChunkedObjects: an object larger than a chunk round-trips, every
// byte range (within a chunk, across chunks, to the end) reads right,
// replacing or deleting it removes its chunks, a failed upload leaves none,
// and an object stored before chunking still reads.
func TestChunkedObjects(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s := New(st, "us-east-1", time.Now)
	if err := s.CreateBucket(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 2*chunkSize+12345)
	for i := range data {
		data[i] = byte(i * 7)
	}
	o, err := s.PutObject(ctx, "bucket", "big", data, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := chunkCount(t, st); n != 3 || o.Size != int64(len(data)) {
		t.Fatalf("%d chunks, size %d", n, o.Size)
	}
	_, got, err := s.GetObject(ctx, "bucket", "big")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("round trip: %d bytes, %v", len(got), err)
	}
	for _, r := range []struct{ off, n int64 }{{0, 10}, {chunkSize - 5, 10}, {chunkSize, chunkSize}, {2*chunkSize + 12000, -1}, {5, 2*chunkSize + 100}} {
		var b bytes.Buffer
		if err := s.ReadObject(ctx, o, r.off, r.n, &b); err != nil {
			t.Fatal(err)
		}
		end := int64(len(data))
		if r.n >= 0 {
			end = r.off + r.n
		}
		if !bytes.Equal(b.Bytes(), data[r.off:end]) {
			t.Errorf("range %d+%d: got %d bytes, differ", r.off, r.n, b.Len())
		}
	}
	// Two segments (a multipart object) read as one.
	a, _, _ := s.Stage(ctx, bytes.NewReader(data[:chunkSize+1]))
	b, _, _ := s.Stage(ctx, bytes.NewReader(data[chunkSize+1:]))
	mo, err := s.Commit(ctx, "bucket", "big", []Segment{a, b}, `"x-2"`, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := chunkCount(t, st); n != 4 {
		t.Errorf("after replace: %d chunks, want the new object's 4 only", n)
	}
	var buf bytes.Buffer
	if err := s.ReadObject(ctx, mo, chunkSize-2, 6, &buf); err != nil || !bytes.Equal(buf.Bytes(), data[chunkSize-2:chunkSize+4]) {
		t.Errorf("range across segments: %v", err)
	}
	// A failed upload leaves nothing behind.
	boom := errors.New("connection reset")
	if _, _, err := s.Stage(ctx, io.MultiReader(bytes.NewReader(data), iotestErr{boom})); !errors.Is(err, boom) {
		t.Fatalf("Stage = %v", err)
	}
	if n := chunkCount(t, st); n != 4 {
		t.Errorf("after a failed stage: %d chunks", n)
	}
	if err := s.DeleteObject(ctx, "bucket", "big"); err != nil {
		t.Fatal(err)
	}
	if n := chunkCount(t, st); n != 0 {
		t.Errorf("after delete: %d chunks", n)
	}
	// An object written before chunking (one data record) still reads.
	legacy := Object{Bucket: "bucket", Key: "old", Size: 3, ETag: `"e"`}
	mb, _ := json.Marshal(legacy)
	_ = st.Put(ctx, kindMeta, "bucket/old", mb)
	_ = st.Put(ctx, kindData, "bucket/old", []byte("abc"))
	if _, got, err := s.GetObject(ctx, "bucket", "old"); err != nil || string(got) != "abc" {
		t.Errorf("legacy object: %q %v", got, err)
	}
	sum := md5.Sum(data)
	if _, got, _ := s.Stage(ctx, bytes.NewReader(data)); got != sum {
		t.Error("Stage's MD5 differs")
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }
