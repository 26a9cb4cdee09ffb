package functions

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func TestValidateName(t *testing.T) {
	valid := []string{"f", "HelloWorldFunction", "my-fn_2", strings.Repeat("a", 64), "f:$LATEST", "f:prod",
		"123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:function:f",
		"arn:aws:lambda:us-gov-west-1:123456789012:function:f:$LATEST", "arn:aws-cn:lambda:cn-north-1:123456789012:function:f"}
	for _, v := range valid {
		if err := ValidateName(v); err != nil {
			t.Errorf("ValidateName(%q) = %v", v, err)
		}
	}
	pattern := "Member must satisfy regular expression pattern: " + FunctionNamePattern
	invalid := map[string]string{
		"":        "Value null at 'functionName' failed to satisfy constraint: Member must not be null",
		"..":      pattern,
		".":       pattern,
		"../../x": pattern,
		"a/b":     pattern,
		"f\x00":   pattern,
		"f.py":    pattern,
		"f:..":    pattern,
		"arn:aws:lambda:us-east-1:123456789012:function:..": pattern,
		"%2e%2e":                 pattern,
		" f":                     pattern,
		strings.Repeat("a", 65):  "Member must have length less than or equal to 64",
		strings.Repeat("a", 141): "Member must have length less than or equal to 140",
	}
	for v, want := range invalid {
		err := ValidateName(v)
		e := awserr.As(err)
		if e == nil || e.Code != awserr.ValidationException || !strings.Contains(e.Message, want) ||
			!strings.HasPrefix(e.Message, "1 validation error detected: ") {
			t.Errorf("ValidateName(%q) = %v, want ValidationException with %q", v, err, want)
		}
	}
}

// TestNamesNeverBecomePaths: every operation refuses names like ".." before
// touching the store or the disk, and code lives by content hash, so
// deleting a function named like a directory removes nothing else.
func TestNamesNeverBecomePaths(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	codeRoot := filepath.Join(dir, "root", "code")
	canary := filepath.Join(dir, "root", "canary")
	os.MkdirAll(filepath.Dir(canary), 0o700)
	os.WriteFile(canary, []byte("keep"), 0o600)
	rt := &runtime{deployed: map[string]lambda.Function{}}
	s := New(st, rt, codeRoot, "us-east-1", "000000000000", time.Now)
	code := zipOf(t, map[string]string{"app.py": "x"})
	for _, name := range []string{"..", "../..", "../../x", "code/..", "/etc", "."} {
		if _, err := s.Put(ctx, Config{Name: name, Runtime: "python3.11", Handler: "app.h"}, code); !awserr.Is(err, awserr.ValidationException) {
			t.Errorf("Put(%q) = %v", name, err)
		}
		for op, call := range map[string]func() error{
			"Delete": func() error { return s.Delete(ctx, name) },
			"Sync":   func() error { return s.Sync(ctx, name) },
			"Get":    func() error { _, err := s.Get(ctx, name); return err },
			"AddPermission": func() error {
				return s.AddPermission(ctx, name, Permission{Sid: "s", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com"})
			},
			"RemovePermission": func() error { return s.RemovePermission(ctx, name, "s") },
		} {
			if err := call(); !awserr.Is(err, awserr.ValidationException) {
				t.Errorf("%s(%q) = %v", op, name, err)
			}
		}
	}
	c, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h"}, code)
	if err != nil {
		t.Fatal(err)
	}
	codeDir := rt.deployed["f"].CodeDir
	if filepath.Dir(codeDir) != codeRoot || strings.Contains(filepath.Base(codeDir), "f") && !strings.HasPrefix(filepath.Base(codeDir), "sha256-") {
		t.Errorf("code dir %s: want %s/sha256-<hex>", codeDir, codeRoot)
	}
	if err := s.Delete(ctx, c.Name); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(canary); err != nil || string(b) != "keep" {
		t.Errorf("canary beside the code root: %q %v", b, err)
	}
	if _, err := os.Stat(codeDir); !os.IsNotExist(err) {
		t.Errorf("code of a deleted function kept: %v", err)
	}
}

// TestEnvironmentSealedAtRest: environment variables are sealed with the
// master key; no value appears anywhere in the database files, and they
// read back whole.
func TestEnvironmentSealedAtRest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "iamgate.db"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := seal.Open(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	rt := &runtime{deployed: map[string]lambda.Function{}}
	s := New(st, rt, filepath.Join(dir, "code"), "us-east-1", "000000000000", time.Now, WithSealer(sealer))
	env := map[string]string{"DB_PASSWORD": "hunter2-sealed-value", "API_TOKEN": "tok-9f8e7d6c5b4a"}
	if _, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.11", Handler: "app.h", Env: env}, zipOf(t, map[string]string{"app.py": "x"})); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPermission(ctx, "f", Permission{Sid: "s", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "f")
	if err != nil || got.Env["DB_PASSWORD"] != env["DB_PASSWORD"] || got.Env["API_TOKEN"] != env["API_TOKEN"] {
		t.Fatalf("Get = %v, %v", got.Env, err)
	}
	if rt.deployed["f"].Env["DB_PASSWORD"] != env["DB_PASSWORD"] {
		t.Errorf("runtime got %v", rt.deployed["f"].Env)
	}
	// A second node with the same key reads it; one without a key cannot.
	other := New(st, rt, filepath.Join(dir, "code2"), "us-east-1", "000000000000", time.Now)
	if _, err := other.Get(ctx, "f"); err == nil {
		t.Errorf("a node without the master key read a sealed environment")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "iamgate.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for k, v := range env {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds the value of %s in clear", filepath.Base(f), k)
			}
		}
	}
}

// FuzzPlainName: the bare-name shortcut of ValidateName accepts only what
// the pattern matches, so skipping the expression for it changes nothing.
func FuzzPlainName(f *testing.F) {
	for _, s := range []string{"f", "my-fn_2", "a:b", "..", "f.py", "-", "_", "", "ä", "f\x00", "A-Z_09"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if plainName(v) && !functionName.MatchString(v) {
			t.Fatalf("plainName(%q) but the pattern does not match it", v)
		}
		if !plainName(v) && v != "" && !strings.ContainsFunc(v, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_')
		}) {
			t.Fatalf("plainName(%q) = false for a name of the name characters only", v)
		}
	})
}
