package storetest

import (
	"sync"
	"testing"
)

var (
	dirsMu sync.Mutex
	dirs   = map[*testing.T]string{}
)

// Dir returns a temporary directory for t, the same one on every call with
// the same t, so a file-based Opener can reopen the same file. It is removed
// when t ends.
func Dir(t *testing.T) string {
	t.Helper()
	dirsMu.Lock()
	defer dirsMu.Unlock()
	if d, ok := dirs[t]; ok {
		return d
	}
	d := t.TempDir()
	dirs[t] = d
	t.Cleanup(func() {
		dirsMu.Lock()
		delete(dirs, t)
		dirsMu.Unlock()
	})
	return d
}
