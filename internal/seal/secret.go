package seal

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// Secret is a secret string (secret access key, session token) that hides
// itself from logs and fmt. Use Reveal where the value is really needed.
type Secret string

const redacted = "REDACTED"

// String hides the value from %v, %s and Println.
func (Secret) String() string { return redacted }

// GoString hides the value from %#v.
func (Secret) GoString() string { return redacted }

// LogValue hides the value from log/slog.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Format hides the value from every fmt verb, %q and %x included.
func (Secret) Format(f fmt.State, _ rune) { f.Write([]byte(redacted)) }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// WriteFile0600 atomically replaces path with data, mode 0600: it writes a
// temporary file in the same directory, syncs it and renames it over path,
// so readers see the old or the new file, never a partial one.
func WriteFile0600(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it explicit and umask-proof.
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("seal: write %s: %w", path, err)
	}
	ok = true
	return nil
}
