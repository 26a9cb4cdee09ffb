package functions

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

// runtime records what the service hands to the runtime (a fake, in a unit
// test of its consumer).
type runtime struct {
	mu       sync.Mutex
	deployed map[string]lambda.Function
}

func (r *runtime) Deploy(fn lambda.Function) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deployed[fn.Name] = fn
	return nil
}

func (r *runtime) Remove(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.deployed, name)
	return nil
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestPutGetDeletePermissions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	rt := &runtime{deployed: map[string]lambda.Function{}}
	s := New(st, rt, filepath.Join(dir, "code"), "us-east-1", "000000000000", time.Now)
	c, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h"}, zipOf(t, map[string]string{"app.py": "def h(e, c): return 1\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ARN != "arn:aws:lambda:us-east-1:000000000000:function:f" || c.Timeout != 3 || c.MemorySize != 128 || c.LogGroup != "/aws/lambda/f" {
		t.Errorf("defaults: %+v", c)
	}
	fn := rt.deployed["f"]
	if b, err := os.ReadFile(filepath.Join(fn.CodeDir, "app.py")); err != nil || len(b) == 0 {
		t.Errorf("code not extracted: %v", err)
	}
	p := Permission{Sid: "s1", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: "arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/hello"}
	if err := s.AddPermission(ctx, "f", p); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPermission(ctx, "f", p); !awserr.Is(err, ResourceConflict) {
		t.Errorf("duplicate sid: %v", err)
	}
	got, _ := s.Get(ctx, "f")
	var doc map[string]any
	if err := json.Unmarshal([]byte(got.PolicyDocument()), &doc); err != nil || len(doc["Statement"].([]any)) != 1 {
		t.Errorf("policy document: %s", got.PolicyDocument())
	}
	if err := s.RemovePermission(ctx, "f", "nope"); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("remove missing sid: %v", err)
	}
	if err := s.Delete(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "f"); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if _, ok := rt.deployed["f"]; ok {
		t.Error("runtime still has the function")
	}
}

func TestExtractZipRefusesEscapes(t *testing.T) {
	for _, name := range []string{"../evil.py", "/abs.py", "a/../../evil.py"} {
		t.Run(name, func(t *testing.T) {
			err := extractZip(zipOf(t, map[string]string{name: "x"}), filepath.Join(t.TempDir(), "code"))
			if err == nil {
				t.Errorf("%s was extracted", name)
			}
		})
	}
}

// TestExtractZipErrorNamesTheEntry: a file and then an entry under it (what
// a symlink stored as a file leads to) is refused, and the message the caller
// gets names the zip entry, never the server's code directory.
func TestExtractZipErrorNamesTheEntry(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"lnk", "lnk/x.py"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "code")
	err := extractZip(buf.Bytes(), dir)
	if err == nil {
		t.Fatal("lnk/x.py was extracted under the file lnk")
	}
	if msg := err.Error(); strings.Contains(msg, dir) || !strings.HasPrefix(msg, `zip entry "lnk/x.py": `) {
		t.Errorf("error %q: want the entry named and no server path", msg)
	}
}

func TestZipDirRoundTrip(t *testing.T) {
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "pkg", "__pycache__"), 0o755)
	os.WriteFile(filepath.Join(src, "bootstrap"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(src, "pkg", "m.py"), []byte("x = 1\n"), 0o644)
	os.WriteFile(filepath.Join(src, "pkg", "__pycache__", "m.pyc"), []byte("junk"), 0o644)
	data, err := ZipDir(src)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ZipDir(src)
	if !bytes.Equal(data, again) {
		t.Error("zipping the same directory twice differs: redeploys would see a change")
	}
	dst := filepath.Join(t.TempDir(), "out")
	if err := extractZip(data, dst); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dst, "bootstrap"))
	if err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Errorf("bootstrap lost its exec bit: %v %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "pkg", "__pycache__")); err == nil {
		t.Error("__pycache__ was packaged")
	}
}

func FuzzExtractZip(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		_ = extractZip(data, filepath.Join(dir, "code"))
		// Nothing may land outside the target directory.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "code" {
				t.Fatalf("extracted outside: %s", e.Name())
			}
		}
	})
}

// TestSyncAcrossNodes: two nodes share one store; a function put on one runs
// on the other, and a change made on one reaches the other at its first
// Sync once recordTTL has passed since the other last read it.
func TestSyncAcrossNodes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	rtA := &runtime{deployed: map[string]lambda.Function{}}
	rtB := &runtime{deployed: map[string]lambda.Function{}}
	a := New(st, rtA, filepath.Join(dir, "a"), "us-east-1", "000000000000", time.Now)
	var mu sync.Mutex
	bNow := time.Now()
	b := New(st, rtB, filepath.Join(dir, "b"), "us-east-1", "000000000000", func() time.Time { mu.Lock(); defer mu.Unlock(); return bNow })
	if _, err := a.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h"}, zipOf(t, map[string]string{"app.py": "v1"})); err != nil {
		t.Fatal(err)
	}
	if err := b.Sync(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(rtB.deployed["f"].CodeDir, "app.py")); string(got) != "v1" {
		t.Fatalf("node b runs %q", got)
	}
	if _, err := a.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h"}, zipOf(t, map[string]string{"app.py": "v2"})); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	bNow = bNow.Add(recordTTL)
	mu.Unlock()
	if err := b.Sync(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(rtB.deployed["f"].CodeDir, "app.py")); string(got) != "v2" {
		t.Fatalf("node b still runs %q", got)
	}
	if err := b.Sync(ctx, "missing"); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("sync of a missing function: %v", err)
	}
}

func TestNameOf(t *testing.T) {
	for in, want := range map[string]string{
		"f": "f", "f:$LATEST": "f", "123456789012:function:f": "f",
		"arn:aws:lambda:us-east-1:123456789012:function:f": "f", "arn:aws:lambda:us-east-1:123456789012:function:f:prod": "f",
	} {
		if got := NameOf(in); got != want {
			t.Errorf("NameOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLocalWritesSeenAtOnce: within recordTTL a node trusts what it read,
// but never over its own writes: a permission added or a reservation set
// here is in the very next read.
func TestLocalWritesSeenAtOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	s := New(st, &runtime{deployed: map[string]lambda.Function{}}, filepath.Join(dir, "code"), "us-east-1", "000000000000", time.Now)
	if _, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h"}, zipOf(t, map[string]string{"app.py": "v1"})); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Policy(ctx, "f"); err != nil || p != "" {
		t.Fatalf("policy before: %q %v", p, err)
	}
	if err := s.AddPermission(ctx, "f", Permission{Sid: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com"}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Policy(ctx, "f"); err != nil || !strings.Contains(p, `"Sid":"apigw"`) {
		t.Errorf("policy right after AddPermission: %q %v", p, err)
	}
	if err := s.PutConcurrency(ctx, "f", 5); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Get(ctx, "f"); err != nil || c.ReservedConcurrency == nil || *c.ReservedConcurrency != 5 {
		t.Errorf("reservation right after PutConcurrency: %v %v", c.ReservedConcurrency, err)
	}
	if err := s.RemovePermission(ctx, "f", "apigw"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Policy(ctx, "f"); err != nil || p != "" {
		t.Errorf("policy right after RemovePermission: %q %v", p, err)
	}
}
