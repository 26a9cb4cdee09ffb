package seal_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/seal"
)

func newSealer(t *testing.T) *seal.Sealer {
	t.Helper()
	s, err := seal.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpenRoundTrip(t *testing.T) {
	s := newSealer(t)
	tests := []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"secret key", []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), []byte("AKIAIOSFODNN7EXAMPLE")},
		{"empty plaintext", []byte{}, []byte("AKIA")},
		{"nil aad", []byte("a secret value"), nil},
		{"binary", []byte{0, 0xff, 0}, []byte{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sealed, err := s.Seal(tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			// Random nonce and ciphertext bytes hold any one- or two-byte
			// string by chance, so only plaintexts of eight bytes or more
			// can be looked for.
			if len(tc.plaintext) >= 8 && bytes.Contains(sealed, tc.plaintext) {
				t.Fatal("sealed value contains the plaintext")
			}
			got, err := s.Open(sealed, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatalf("Open = %q, want %q", got, tc.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	s := newSealer(t)
	a, _ := s.Seal([]byte("same"), nil)
	b, _ := s.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Fatal("two Seals of the same plaintext are equal")
	}
}

func TestOpenFailures(t *testing.T) {
	s := newSealer(t)
	other := newSealer(t)
	sealed, _ := s.Seal([]byte("secret"), []byte("AKIA1"))
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name   string
		sealer *seal.Sealer
		sealed []byte
		aad    []byte
	}{
		{"wrong aad", s, sealed, []byte("AKIA2")},
		{"wrong key", other, sealed, []byte("AKIA1")},
		{"flipped version", s, flip(0), []byte("AKIA1")},
		{"flipped nonce", s, flip(1), []byte("AKIA1")},
		{"flipped ciphertext", s, flip(14), []byte("AKIA1")},
		{"flipped tag", s, flip(len(sealed) - 1), []byte("AKIA1")},
		{"truncated", s, sealed[:len(sealed)-1], []byte("AKIA1")},
		{"too short", s, sealed[:5], []byte("AKIA1")},
		{"empty", s, nil, []byte("AKIA1")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.sealer.Open(tc.sealed, tc.aad)
			if !errors.Is(err, seal.ErrOpen) {
				t.Fatalf("Open = %q, %v; want ErrOpen", got, err)
			}
		})
	}
}

func TestOpenKeepsKeyAcrossOpens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s1, err := seal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := s1.Seal([]byte("secret"), []byte("id"))
	s2, err := seal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Open(sealed, []byte("id")); err != nil || string(got) != "secret" {
		t.Fatalf("Open after reopen = %q, %v", got, err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, seal.KeyFile): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %o, want %o", path, got, want)
		}
	}
}

func TestOpenRejectsBadKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, seal.KeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Open(dir); err == nil {
		t.Fatal("Open with a 5-byte key succeeded")
	}
}

func TestNewRejectsBadKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if _, err := seal.New(make([]byte, n)); err == nil {
				t.Fatalf("New with %d bytes succeeded", n)
			}
		})
	}
}

func TestSecretRedacts(t *testing.T) {
	const raw = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	s := seal.Secret(raw)
	outputs := map[string]string{
		"%v":     fmt.Sprintf("%v", s),
		"%s":     fmt.Sprintf("%s", s),
		"%q":     fmt.Sprintf("%q", s),
		"%x":     fmt.Sprintf("%x", s),
		"%#v":    fmt.Sprintf("%#v", s),
		"%+v":    fmt.Sprintf("%+v", struct{ K seal.Secret }{s}),
		"Sprint": fmt.Sprint(s),
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "secret", s)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("key", slog.Any("secret", s))
	outputs["slog"] = buf.String()
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, raw) || strings.Contains(out, "wJalr") || !strings.Contains(out, "REDACTED") {
				t.Errorf("output %q leaks or lacks REDACTED", out)
			}
		})
	}
	if s.Reveal() != raw {
		t.Error("Reveal did not return the secret")
	}
}

func TestWriteFile0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := seal.WriteFile0600(path, []byte("[default]\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if diff := cmp.Diff("[default]\n", string(got)); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %o, want 600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("dir has %d entries, want 1 (temp file left behind?)", len(entries))
	}
	if err := seal.WriteFile0600(filepath.Join(t.TempDir(), "missing", "f"), nil); err == nil {
		t.Error("WriteFile0600 into a missing dir succeeded")
	}
}

// FuzzOpen checks that Open never panics and only accepts what Seal made.
func FuzzOpen(f *testing.F) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := seal.New(key)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := s.Seal([]byte("secret"), []byte("AKIA1"))
	f.Add(good, []byte("AKIA1"), []byte("secret"))
	f.Add([]byte{}, []byte{}, []byte{})
	f.Add([]byte{1}, []byte("x"), []byte("x"))
	f.Add(bytes.Repeat([]byte{1}, 40), []byte("x"), []byte{0})
	f.Fuzz(func(t *testing.T, sealed, aad, plaintext []byte) {
		// Arbitrary input: no panic, and a success must round-trip.
		if pt, err := s.Open(sealed, aad); err == nil {
			again, _ := s.Seal(pt, aad)
			if back, err := s.Open(again, aad); err != nil || !bytes.Equal(back, pt) {
				t.Fatalf("re-seal of accepted value failed: %v", err)
			}
		}
		// Property: Seal then Open returns the plaintext, and any flipped
		// byte is rejected.
		sealed2, _ := s.Seal(plaintext, aad)
		back, err := s.Open(sealed2, aad)
		if err != nil || !bytes.Equal(back, plaintext) {
			t.Fatalf("round trip: %v", err)
		}
		i := len(aad) % len(sealed2)
		sealed2[i] ^= 0x80
		if _, err := s.Open(sealed2, aad); err == nil {
			t.Fatalf("flipped byte %d accepted", i)
		}
	})
}
