package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyFile is the master key's file name inside the data dir.
const KeyFile = "master.key"

const keySize = 32 // AES-256

// version prefixes every sealed value so the format can change later.
const version byte = 1

// ErrOpen is returned when a sealed value fails authentication: wrong key,
// wrong associated data, or tampered bytes.
var ErrOpen = errors.New("seal: message authentication failed")

// Sealer seals and opens secrets with the data dir's master key. It is safe
// for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// Open reads {dataDir}/master.key, creating the directory (0700) and a new
// random key (0600) when absent.
func Open(dataDir string) (*Sealer, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	path := filepath.Join(dataDir, KeyFile)
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: master key: %w", err)
	}
	if len(key) != keySize {
		return nil, fmt.Errorf("seal: master key %s: %d bytes, want %d", path, len(key), keySize)
	}
	return New(key)
}

// New returns a Sealer for a 32-byte key (tests and callers with their own
// key storage).
func New(key []byte) (*Sealer, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("seal: key is %d bytes, want %d", len(key), keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// createKey writes a fresh key with O_EXCL, so two processes starting at once
// cannot each write their own; the loser reads the winner's key.
func createKey(path string) ([]byte, error) {
	key := make([]byte, keySize)
	rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return key, f.Close()
}

// Seal encrypts plaintext bound to aad. The result is version || nonce ||
// ciphertext+tag; every call uses a fresh random nonce.
func (s *Sealer) Seal(plaintext, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	out := make([]byte, 1+n, 1+n+len(plaintext)+s.aead.Overhead())
	out[0] = version
	rand.Read(out[1:])
	return s.aead.Seal(out, out[1:1+n], plaintext, aad), nil
}

// Open decrypts a value from Seal; it fails with ErrOpen unless key, aad and
// bytes are all as sealed.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrOpen, len(sealed))
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("%w: unknown version %d", ErrOpen, sealed[0])
	}
	pt, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], aad)
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
