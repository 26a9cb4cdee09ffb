package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/testutil"
)

// app is a running `iamgate up` of a copy of examples/hello-iam.
type app struct {
	t        *testing.T
	bin      string
	dir      string
	dataDir  string
	endpoint string
	addr     string // the bound host:port, read from up's first line
	cmd      *exec.Cmd
	stderr   *syncBuffer // written by os/exec's copying goroutine
	stdout   string      // up's output until its summary
	pathURL  string
	hostURL  string
	apiID    string
	// lastStderr is the stderr of the last iamgate client command.
	lastStderr string
}

// buildBinary builds the iamgate binary once for all the tests of the run
// (each test runs its own server from it, in its own data dir).
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "iamgate-e2e-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir, built.bin = dir, filepath.Join(dir, "iamgate")
		if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// anyPort asks the server to bind a free port of its choosing.
const anyPort = "127.0.0.1:0"

var listeningLine = regexp.MustCompile(`(?m)^iamgate listening on http://(\S+) `)

// listeningAddr is the address in a server's "iamgate listening on" line.
func listeningAddr(out string) string {
	if m := listeningLine.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// needE2E skips an end-to-end test under -short and needs the tools the
// end-to-end tests drive.
func needE2E(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds the binary and runs Python")
	}
	for _, tool := range []string{"python3", "aws", "curl"} {
		testutil.NeedCommand(t, tool)
	}
}

// copyExample copies examples/hello-iam, the seed application.
func copyExample(t *testing.T) string {
	t.Helper()
	return copyExampleDir(t, "hello-iam")
}

// copyExampleDir copies examples/NAME into a temporary directory.
func copyExampleDir(t *testing.T, name string) string {
	t.Helper()
	return copyTree(t, filepath.Join(testutil.RepoRoot(t), "examples", name))
}

// copyTree copies the tree at src, but for Python's __pycache__
// directories (a local run's leftovers), into a temporary directory named
// after it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == "__pycache__" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var pathStyle = regexp.MustCompile(`path style: (http://\S+)`)
var hostStyle = regexp.MustCompile(`host style: (http://(\w{10})\.execute-api\.localhost:\d+\S+)`)

// startUp runs `iamgate up` and waits until it has printed its summary.
// startUp runs `iamgate up` on addr; anyPort lets the server bind a free
// port, which its first line names ("iamgate listening on http://ADDR"),
// so that no other process can take the port between choosing and binding.
func startUp(t *testing.T, bin, dir, dataDir, addr string, flags ...string) *app {
	t.Helper()
	a := &app{t: t, bin: bin, dir: dir, dataDir: dataDir, stderr: &syncBuffer{}}
	a.cmd = exec.Command(bin, append([]string{"up", dir, "--addr", addr, "--data-dir", dataDir}, flags...)...)
	a.cmd.Env = cleanEnv()
	stdout, err := a.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	a.cmd.Stderr = a.stderr
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			_ = a.cmd.Process.Kill()
			_ = a.cmd.Wait()
		}
	})
	ready := make(chan string, 1)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if !sent && strings.Contains(sc.Text(), "Ctrl-C stops the server.") {
				ready <- all.String()
				sent = true
			}
		}
		if !sent {
			ready <- all.String()
		}
	}()
	var out string
	select {
	case out = <-ready:
	case <-time.After(90 * time.Second):
		t.Fatalf("iamgate up did not finish deploying in 90s; stderr:\n%s", a.stderr)
	}
	if !strings.Contains(out, "Ctrl-C stops the server.") {
		t.Fatalf("iamgate up exited early:\nstdout:\n%s\nstderr:\n%s", out, a.stderr)
	}
	a.stdout = out
	if a.addr = listeningAddr(out); a.addr == "" {
		t.Fatalf("up did not say where it listens:\n%s", out)
	}
	a.endpoint = "http://" + a.addr
	m := pathStyle.FindStringSubmatch(out)
	h := hostStyle.FindStringSubmatch(out)
	if m == nil || h == nil {
		t.Fatalf("no local URLs in up's output:\n%s", out)
	}
	a.pathURL, a.hostURL, a.apiID = m[1], h[1], h[2]
	return a
}

// cleanEnv is the test's environment without AWS settings that would leak in.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+os.TempDir())
}

func (a *app) iamgate(args ...string) (string, error) {
	cmd := exec.Command(a.bin, append(args, "--data-dir", a.dataDir, "--endpoint-url", a.endpoint)...)
	cmd.Env = cleanEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	a.lastStderr = stderr.String()
	if err != nil {
		a.t.Logf("iamgate %v: %v\n%s", args, err, stderr.String())
	}
	return string(out), err
}

// awsEnv is the environment `eval "$(iamgate env)"` produces.
func (a *app) awsEnv() []string {
	out, err := a.iamgate("env")
	if err != nil {
		a.t.Fatal(err)
	}
	env := cleanEnv()
	for _, line := range strings.Split(out, "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			env = append(env, strings.ReplaceAll(kv, "'", ""))
		}
	}
	return env
}

func (a *app) aws(args ...string) []byte {
	a.t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = a.awsEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		a.t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

func (a *app) stop() {
	a.t.Helper()
	if err := a.cmd.Process.Signal(syscall.SIGINT); err != nil {
		a.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			a.t.Fatalf("iamgate up after Ctrl-C: %v\n%s", err, a.stderr)
		}
	case <-time.After(20 * time.Second):
		a.t.Fatal("iamgate up did not stop within 20s of Ctrl-C")
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// signedGET signs a GET with aws-sdk-go-v2's signer at the given time.
func signedGET(t *testing.T, url, id, secret string, at time.Time) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	return signRequest(t, req, id, secret, at)
}

// signRequest signs req (body-less) with aws-sdk-go-v2's signer at the given time.
func signRequest(t *testing.T, req *http.Request, id, secret string, at time.Time) *http.Request {
	t.Helper()
	sum := sha256.Sum256(nil)
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: id, SecretAccessKey: secret},
		req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type accessKey struct {
	AccessKey struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string `json:"SecretAccessKey"`
	} `json:"AccessKey"`
}

func (a *app) createKey(user string) accessKey {
	var k accessKey
	if err := json.Unmarshal(a.aws("iam", "create-access-key", "--user-name", user), &k); err != nil {
		a.t.Fatal(err)
	}
	if k.AccessKey.AccessKeyID == "" || k.AccessKey.SecretAccessKey == "" {
		a.t.Fatalf("create-access-key returned no key")
	}
	return k
}
