package cli

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWatcherChanged(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tmpl := filepath.Join(root, "template.yaml")
	body := "Resources:\n  F:\n    Properties:\n      CodeUri: src/\n  G:\n    Properties:\n      CodeUri: " + outside + "\n  H:\n    Properties:\n      CodeUri: s3://b/k.zip\n"
	write(tmpl, body)
	write(filepath.Join(root, "src", "app.py"), "v1")
	write(filepath.Join(outside, "lib.py"), "v1")
	write(filepath.Join(root, "node_modules", "x.js"), "v1")
	write(filepath.Join(root, "data", "state.db"), "v1")

	w := newWatcher(tmpl, []byte(body), filepath.Join(root, "data"))
	if len(w.roots) != 2 || w.roots[1] != outside {
		t.Fatalf("roots = %v", w.roots)
	}
	if c := w.changed(); len(c) != 0 {
		t.Fatalf("nothing changed, got %v", c)
	}
	later := time.Now().Add(2 * time.Second)
	write(filepath.Join(root, "src", "app.py"), "v2")
	_ = os.Chtimes(filepath.Join(root, "src", "app.py"), later, later)
	write(filepath.Join(root, "src", "new.py"), "new")
	write(filepath.Join(outside, "lib.py"), "v22")
	write(filepath.Join(root, "node_modules", "x.js"), "v2")
	write(filepath.Join(root, "data", "state.db"), "v2")
	if err := os.Remove(tmpl); err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(outside, "lib.py"), filepath.Join("src", "app.py"), filepath.Join("src", "new.py"), "template.yaml"}
	slices.Sort(want)
	if got := w.changed(); !slices.Equal(got, want) {
		t.Errorf("changed = %v, want %v", got, want)
	}
	if c := w.changed(); len(c) != 0 {
		t.Errorf("second call = %v", c)
	}
}
