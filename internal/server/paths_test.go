package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// pathVariants are names that a server building paths from names would
// resolve outside its directories (issue 10: DeleteFunction of ".." removed
// the data dir).
var pathVariants = []string{"..", "../..", "../../x", ".", "x/../..", "../../../../../../tmp/x", "/etc", "a/b",
	"..\\..", "%2e%2e", "..%2F..", "x\x00", " "}

// TestNoAPICallTouchesFilesOutsideTheDataDir drives every API that takes a
// name which could become a path (function, bucket, object key, log group,
// stack) with path-like variants through botocore, then checks that nothing
// outside the data dir and iamgate's own sandbox changed, that the data dir
// is whole, and that function names were refused with Lambda's
// ValidationException and bucket names with S3's InvalidBucketName.
func TestNoAPICallTouchesFilesOutsideTheDataDir(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	if exec.Command("python3", "-c", "import botocore").Run() != nil {
		testutil.Need(t, false, "botocore is not installed (pip install botocore)")
	}
	base := t.TempDir()
	// Function environments run as other uids when root: the sandbox under
	// base/tmp must be reachable by them.
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(base, "tmp")
	if err := os.Mkdir(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o1777)
	t.Setenv("TMPDIR", tmp)
	dataDir := filepath.Join(base, "work", "data")
	for _, canary := range []string{filepath.Join(base, "x"), filepath.Join(base, "work", "x"), filepath.Join(tmp, "x")} {
		os.MkdirAll(filepath.Dir(canary), 0o755)
		if err := os.WriteFile(canary, []byte("canary"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: dataDir, AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	codeRoot, err := s.runtime.CodeRoot()
	if err != nil || !strings.HasPrefix(codeRoot, tmp+string(filepath.Separator)) {
		t.Fatalf("code root %q (%v): want under TMPDIR %s, outside the data dir", codeRoot, err, tmp)
	}
	sandbox := filepath.Dir(codeRoot)
	before := snapshot(t, base, dataDir, sandbox)

	id, secret := s.RootKey()
	names, _ := json.Marshal(pathVariants)
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, "python3", "testdata/paths_probe.py", string(names))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + id,
		"AWS_SECRET_ACCESS_KEY=" + secret, "AWS_ENDPOINT_URL=" + srv.URL, "AWS_EC2_METADATA_DISABLED=true"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, stderr.String())
	}
	var results map[string]string
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}

	after := snapshot(t, base, dataDir, sandbox)
	for path, was := range before {
		if now, ok := after[path]; !ok {
			t.Errorf("%s was removed", path)
		} else if now != was {
			t.Errorf("%s changed", path)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s was created", path)
		}
	}
	for _, f := range []string{"master.key", "credentials", "iamgate.db"} {
		if _, err := os.Stat(filepath.Join(dataDir, f)); err != nil {
			t.Errorf("data dir lost %s: %v", f, err)
		}
	}
	for _, call := range []string{"create good", "invoke good", "get good", "create-bucket probe-bucket"} {
		if results[call] != "ok" {
			t.Errorf("%s = %s, want ok", call, results[call])
		}
	}
	for _, n := range pathVariants {
		for _, op := range []string{"create", "update-code", "get", "delete", "add-permission", "invoke"} {
			// Lambda refuses the name before anything else.
			if got := results[op+" "+n]; got != "ValidationException" {
				t.Errorf("%s %q = %s, want ValidationException", op, n, got)
			}
		}
		if got := results["create-bucket "+n]; got == "ok" || strings.HasPrefix(got, "exception") {
			t.Errorf("create-bucket %q = %s, want an error", n, got)
		}
	}
	// The sealed environment is nowhere in the data dir in clear.
	filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("probe-env-secret-42")) {
				t.Errorf("%s holds a function's environment value in clear", p)
			}
		}
		return nil
	})
}

// snapshot lists every file under root with its size, mode and modification
// time, skipping the data dir and the sandbox (iamgate's own places).
func snapshot(t *testing.T, root string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, s := range skip {
			if p == s {
				return filepath.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, _ := os.ReadFile(p)
		out[p] = info.Mode().String() + " " + info.ModTime().String() + " " + string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
