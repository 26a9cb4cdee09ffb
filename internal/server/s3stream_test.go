package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// pattern is an endless deterministic body.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte((p.off + int64(i)) * 31 >> 3)
	}
	p.off += int64(len(b))
	return len(b), nil
}

// TestS3PutStreams: a 128 MiB PutObject (UNSIGNED-PAYLOAD, no declared
// hash) goes to the store a chunk at a time: the server's heap grows by far
// less than the object, the object reads back (range across chunks
// included), and a body whose x-amz-content-sha256 does not match leaves
// nothing behind.
func TestS3PutStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 128 MiB")
	}
	s, addr := listening(t, Config{})
	id, secret := s.RootKey()
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}
	ctx := context.Background()
	if err := s.objects.CreateBucket(ctx, "bucket"); err != nil {
		t.Fatal(err)
	}
	const size = 128 << 20
	put := func(body io.Reader, length int64, hash string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest("PUT", "http://"+addr+"/bucket/big", body)
		r.ContentLength = length
		r.Header.Set("X-Amz-Content-Sha256", hash)
		if err := v4.NewSigner().SignHTTP(ctx, creds, r, hash, "s3", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	resp := put(io.LimitReader(&pattern{}, size), size, "UNSIGNED-PAYLOAD")
	close(stop)
	<-sampled
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	if grew := int64(peak.Load()) - int64(before.HeapInuse); grew > size/4 {
		t.Errorf("heap grew by %d MiB during a %d MiB upload", grew>>20, size>>20)
	}

	// A range across a chunk boundary reads back the same bytes.
	r, _ := http.NewRequest("GET", "http://"+addr+"/bucket/big", nil)
	r.Header.Set("Range", "bytes=1048570-1048589")
	empty := hex.EncodeToString(sha256.New().Sum(nil))
	r.Header.Set("X-Amz-Content-Sha256", empty)
	if err := v4.NewSigner().SignHTTP(ctx, creds, r, empty, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	gr, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(gr.Body)
	gr.Body.Close()
	want := make([]byte, 20)
	(&pattern{off: 1048570}).Read(want)
	if gr.StatusCode != 206 || string(got) != string(want) {
		t.Errorf("range: %d %x, want %x", gr.StatusCode, got, want)
	}

	// A payload that does not match its declared SHA-256 is refused and
	// its staged chunks removed; the object stays what it was.
	chunks := func() int {
		items, err := s.st.List(ctx, "s3/chunk", "")
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	n := chunks()
	bad := put(strings.NewReader(strings.Repeat("x", 3<<20)), 3<<20, strings.Repeat("0", 64))
	if bad.StatusCode != 400 {
		t.Errorf("bad hash: %d", bad.StatusCode)
	}
	if after := chunks(); after != n {
		t.Errorf("%d chunks before, %d after a refused upload", n, after)
	}
	if o, err := s.objects.HeadObject(ctx, "bucket", "big"); err != nil || o.Size != size {
		t.Errorf("object after refused replacement: %+v %v", o, err)
	}
}
