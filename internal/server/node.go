package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/google/uuid"
)

// A node is one server process's identity among the replicas sharing a
// store, kept in {data dir}/node-id so that it survives restarts: a stack
// operation this node left in progress (the process was killed) is taken
// over by its next run at once rather than after its lease expires. The
// file is locked while the server runs, so two live processes never share
// an identity; a second server on a locked data dir gets a fresh one.

var nodeIDRE = regexp.MustCompile(`^[0-9a-f-]{36}$`)

// node is a held node identity.
type node struct {
	id   string
	file *os.File // nil when the identity is not the data dir's
}

func openNode(dataDir string) (*node, error) {
	path := filepath.Join(dataDir, "node-id")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("node id: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return &node{id: uuid.NewString()}, nil
		}
		return nil, fmt.Errorf("node id: %w", err)
	}
	id, err := readNodeID(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &node{id: id, file: f}, nil
}

func readNodeID(f *os.File) (string, error) {
	b, err := os.ReadFile(f.Name())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("node id: %w", err)
	}
	if id := strings.TrimSpace(string(b)); nodeIDRE.MatchString(id) {
		return id, nil
	}
	id := uuid.NewString()
	if err := f.Truncate(0); err != nil {
		return "", fmt.Errorf("node id: %w", err)
	}
	if _, err := f.WriteAt([]byte(id+"\n"), 0); err != nil {
		return "", fmt.Errorf("node id: %w", err)
	}
	return id, nil
}

// Close releases the identity (the lock goes with the file).
func (n *node) Close() error {
	if n == nil || n.file == nil {
		return nil
	}
	return n.file.Close()
}
