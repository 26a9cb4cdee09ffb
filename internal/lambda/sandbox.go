package lambda

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// sandbox is where, and as whom, function processes run. Lambda gives each
// execution environment its own microVM; iamgate gives each one:
//   - a private directory under root (os.TempDir()/iamgate-<random>, never
//     inside the data dir): task/ holds the function's code, linked or copied
//     read-only from its code directory, opt/ its layers' content merged in
//     order (what Lambda mounts at /opt), tmp/ is its TMPDIR; removed when
//     the environment stops;
//   - when iamgate runs as root, its own unprivileged uid and gid (no
//     supplementary groups), so it can read neither the data dir (0700,
//     root's) nor another environment's files, environment variables
//     (/proc/PID/environ) or memory, and cannot signal other processes;
//   - a Runtime API endpoint with a per-environment secret (runtimeapi.go).
type sandbox struct {
	dropUID bool // iamgate runs as root: environments get their own uid

	mu     sync.Mutex
	root   string
	err    error
	nextID uint32 // next environment uid, offset from uidBase
}

// Environment uids come from a range that no distribution allocates (above
// the subordinate-id ranges of user namespaces, below 2^31 so that tools
// taking a signed int still work). uidBase itself is the probe uid: what it
// can execute, every environment uid can.
const (
	uidBase = 1_900_000_000
	uidSpan = 100_000_000
)

func newSandbox() *sandbox {
	s := &sandbox{dropUID: os.Geteuid() == 0}
	var b [4]byte
	_, _ = rand.Read(b[:])
	// A random start keeps a restarted server from reusing the uids of files
	// a previous run's functions may have left in shared places (/tmp).
	s.nextID = binary.LittleEndian.Uint32(b[:]) % (uidSpan - 1)
	return s
}

// dir returns the sandbox root, created on first use: 0711 when
// environments run as other uids (they may traverse to their own directory,
// not list the others), else 0700.
func (s *sandbox) dir() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.root != "" || s.err != nil {
		return s.root, s.err
	}
	base := os.TempDir()
	if s.dropUID && !traversable(base) && traversable("/tmp") {
		// A private TMPDIR (0700) would keep every environment uid out of
		// its own directory.
		base = "/tmp"
	}
	root, err := os.MkdirTemp(base, "iamgate-")
	if err == nil && s.dropUID {
		err = os.Chmod(root, 0o711)
	}
	if err != nil {
		s.err = fmt.Errorf("lambda: sandbox directory: %w", err)
		return "", s.err
	}
	s.root = root
	return root, nil
}

// traversable reports whether every directory from / down to dir lets
// others through (the x bit for others).
func traversable(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for d := abs; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

// sub returns a directory of the sandbox root, created with perm.
func (s *sandbox) sub(name string, perm os.FileMode) (string, error) {
	root, err := s.dir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(root, name)
	if err := os.Mkdir(d, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	return d, os.Chmod(d, perm)
}

// cleanup removes everything under the sandbox root.
func (s *sandbox) cleanup() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.root == "" {
		return nil
	}
	err := os.RemoveAll(s.root)
	s.root = ""
	return err
}

// probeCredential is what interpreter probes run as: nil when environments
// run as iamgate's own user.
func (s *sandbox) probeCredential() *syscall.Credential {
	if !s.dropUID {
		return nil
	}
	return &syscall.Credential{Uid: uidBase, Gid: uidBase, Groups: []uint32{}}
}

// describe is the one line iamgate says at start about function isolation.
func (s *sandbox) describe() string {
	where, err := s.dir()
	if err != nil {
		where = os.TempDir()
	}
	if s.dropUID {
		return fmt.Sprintf("function isolation: each execution environment runs as its own unprivileged uid "+
			"(from %d, no groups) in a private directory under %s (not the data dir), with a Runtime API only it "+
			"can use; processes, not microVMs: they share this machine's kernel and network", uidBase+1, where)
	}
	return fmt.Sprintf("function isolation: functions run as your user (uid %d) in private directories under %s "+
		"with a Runtime API only each environment can use, but they can read whatever your user can, the data "+
		"dir included; run iamgate as root to give each environment its own unprivileged uid", os.Getuid(), where)
}

// env is one execution environment's place in the sandbox.
type env struct {
	dir, task, tmp string
	opt            string              // the layers' merged content; "" without layers
	cred           *syscall.Credential // nil: iamgate's own user
}

// newEnv makes an environment directory with codeDir's files in task/ and
// the layers' files in opt/. asServer keeps the environment on iamgate's
// own user (an interpreter the unprivileged uids cannot execute).
func (s *sandbox) newEnv(codeDir string, layers []string, asServer bool) (*env, error) {
	root, err := s.dir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(root, "env-")
	if err != nil {
		return nil, fmt.Errorf("lambda: environment directory: %w", err)
	}
	e := &env{dir: dir, task: filepath.Join(dir, "task"), tmp: filepath.Join(dir, "tmp")}
	if s.dropUID && !asServer {
		s.mu.Lock()
		id := uint32(uidBase + 1 + s.nextID)
		s.nextID = (s.nextID + 1) % (uidSpan - 1)
		s.mu.Unlock()
		e.cred = &syscall.Credential{Uid: id, Gid: id, Groups: []uint32{}}
	}
	if err := e.populate(codeDir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("lambda: environment directory: %w", err)
	}
	if err := e.mergeLayers(layers); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("lambda: environment layers: %w", err)
	}
	return e, nil
}

// mergeLayers fills opt/ with each layer's tree in order: a file of a later
// layer replaces the same path of an earlier one, as Lambda extracts layers
// into /opt in the order the function lists them
// (https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html). opt/
// stays iamgate's, read-only to the environment, like task/.
func (e *env) mergeLayers(layers []string) error {
	if len(layers) == 0 {
		return nil
	}
	e.opt = filepath.Join(e.dir, "opt")
	if err := os.Mkdir(e.opt, 0o755); err != nil {
		return err
	}
	for _, l := range layers {
		if err := mergeTree(l, e.opt); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) populate(codeDir string) error {
	if err := os.Mkdir(e.task, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(e.tmp, 0o700); err != nil {
		return err
	}
	if e.cred != nil {
		// The environment owns its directory and tmp/; task/ stays iamgate's,
		// so the code cannot be changed under the next environment.
		for _, d := range []string{e.dir, e.tmp} {
			if err := os.Chown(d, int(e.cred.Uid), int(e.cred.Gid)); err != nil {
				return err
			}
		}
	}
	if codeDir == "" {
		return nil
	}
	return linkTree(codeDir, e.task)
}

// linkTree fills dst with src's tree: read-only files are hard-linked (no
// copy per cold start), files anyone but their owner may write are copied
// without those bits (a hard link would let one environment change the code
// of the next), symbolic links are recreated.
func linkTree(src, dst string) error { return walkLink(src, dst, false) }

// mergeTree is linkTree over a dst that may already hold files: what src
// has replaces them, directories merge.
func mergeTree(src, dst string) error { return walkLink(src, dst, true) }

func walkLink(src, dst string, merge bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if merge {
			if err := clearFor(target, d.IsDir()); err != nil {
				return err
			}
		}
		switch {
		case d.IsDir():
			if merge {
				if fi, err := os.Lstat(target); err == nil && fi.IsDir() {
					return nil
				}
			}
			return os.Mkdir(target, 0o755)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case !info.Mode().IsRegular():
			return nil // devices, sockets, pipes: nothing a function's code needs
		case info.Mode().Perm()&0o022 == 0:
			if os.Link(path, target) == nil {
				return nil
			}
		}
		return copyFile(path, target, info.Mode().Perm()&^0o022)
	})
}

// clearFor removes what a merged layer replaces at target: anything but a
// directory where a directory comes (directories merge), anything where a
// file comes. Lstat: a link from an earlier layer is replaced, never
// followed.
func clearFor(target string, dir bool) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if dir && fi.IsDir() {
		return nil
	}
	return os.RemoveAll(target)
}

func copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// remove ends whatever the environment's uid still runs (a process that left
// the process group) and deletes its directory.
func (e *env) remove() error {
	if e.cred != nil {
		killUID(e.cred.Uid)
	}
	return os.RemoveAll(e.dir)
}

// killUID sends SIGKILL to every process whose real uid is uid.
func killUID(uid uint32) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	want := strconv.FormatUint(uint64(uid), 10)
	for _, de := range entries {
		pid, err := strconv.Atoi(de.Name())
		if err != nil {
			continue
		}
		if procUID(pid) == want {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// procUID is the real uid of pid as /proc/PID/status shows it, or "".
func procUID(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("Uid:")); ok {
			f := bytes.Fields(rest)
			if len(f) > 0 {
				return string(f[0])
			}
		}
	}
	return ""
}
