package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// memSink is an in-memory LogSink.
type memSink struct {
	mu      sync.Mutex
	streams map[string][]LogLine // by group + " " + stream
	changed chan struct{}
}

func newMemSink() *memSink {
	return &memSink{streams: map[string][]LogLine{}, changed: make(chan struct{}, 1)}
}

func (s *memSink) PutLogLines(_ context.Context, group, stream string, lines []LogLine) error {
	s.mu.Lock()
	s.streams[group+" "+stream] = append(s.streams[group+" "+stream], lines...)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return nil
}

// messages returns every message of the streams of group, stream by stream.
func (s *memSink) messages(group string) map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for k, lines := range s.streams {
		g, stream, _ := strings.Cut(k, " ")
		if g != group {
			continue
		}
		for _, l := range lines {
			out[stream] = append(out[stream], l.Message)
		}
	}
	return out
}

// writeCode writes files into a new code directory.
func writeCode(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newTestManager returns a Manager closed at the end of the test, checking
// that Close leaves no process behind.
func newTestManager(t *testing.T, opts Options) *Manager {
	t.Helper()
	if opts.Region == "" {
		opts.Region = "ap-northeast-1"
	}
	m := NewManager(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m
}

func mustDeploy(t *testing.T, m *Manager, fn Function) {
	t.Helper()
	if err := m.Deploy(fn); err != nil {
		t.Fatalf("Deploy(%s): %v", fn.Name, err)
	}
}

func mustInvoke(t *testing.T, m *Manager, name, payload string, o InvokeOptions) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := m.Invoke(ctx, name, []byte(payload), o)
	if err != nil {
		t.Fatalf("Invoke(%s): %v", name, err)
	}
	return res
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("payload %q is not a JSON object: %v", b, err)
	}
	return v
}

// pids lists the OS process ids of a function's processes.
func (m *Manager) pids(name string) []int {
	m.mu.Lock()
	pl := m.pools[name]
	m.mu.Unlock()
	if pl == nil {
		return nil
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	var out []int
	for p := range pl.all {
		out = append(out, p.pid())
	}
	return out
}

// processGone reports whether pid no longer exists (reaped).
func processGone(pid int) bool {
	_, err := os.Stat(filepath.Join("/proc", itoa(pid)))
	return os.IsNotExist(err)
}

func itoa(i int) string { return strconv.Itoa(i) }

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// lockedWriter serialises writes of a text logger used from many goroutines.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newTextLogger(mu *sync.Mutex, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{mu, w}, nil))
}
