package lambda

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/google/uuid"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// streamName is Lambda's log stream name for a new execution environment:
// "2026/11/25/[$LATEST]" followed by 32 hex digits.
func streamName(now time.Time, version string) string {
	return now.UTC().Format("2006/01/02") + "/[" + version + "]" + randomHex(16)
}

// newRequestID returns a random (version 4) UUID, the form of Lambda request ids.
func newRequestID() string { return uuid.NewString() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tailLimit is how much of an invocation's log Invoke returns with LogType
// Tail (LogResult: "the last 4 KB of the execution log").
const tailLimit = 4096

// streamLog writes one process's log stream. Every line, from the process
// or from the platform, goes through emit, so the stream keeps one order.
type streamLog struct {
	sink          LogSink
	logger        *slog.Logger
	group, stream string
	now           func() time.Time

	mu      sync.Mutex
	tail    *bytes.Buffer // non-nil while an invocation asked for its tail
	sinkErr bool          // a sink failure was already reported
}

func (s *streamLog) emit(msgs ...string) {
	if len(msgs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	lines := make([]LogLine, len(msgs))
	for i, m := range msgs {
		lines[i] = LogLine{Time: now, Message: m}
		if s.tail != nil {
			s.tail.WriteString(m)
			s.tail.WriteByte('\n')
			if s.tail.Len() > 16*tailLimit { // keep memory bounded
				keep := append([]byte(nil), s.tail.Bytes()[s.tail.Len()-tailLimit:]...)
				s.tail.Reset()
				s.tail.Write(keep)
			}
		}
	}
	if s.sink == nil {
		return
	}
	// The sink is local storage; a fresh context keeps a caller's cancelled
	// request from losing the END and REPORT lines of its own invocation.
	if err := s.sink.PutLogLines(context.Background(), s.group, s.stream, lines); err != nil && !s.sinkErr {
		s.sinkErr = true
		s.logger.Warn("function logs dropped", "group", s.group, "stream", s.stream, "err", err)
	}
}

// captureTail starts or stops collecting lines for LogType Tail and returns
// what was collected (the last 4 KB).
func (s *streamLog) captureTail(on bool) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []byte
	if s.tail != nil {
		out = s.tail.Bytes()
		if len(out) > tailLimit {
			out = out[len(out)-tailLimit:]
		}
	}
	s.tail = nil
	if on {
		s.tail = &bytes.Buffer{}
	}
	return out
}

// maxLogLine bounds one log event, like CloudWatch's 256 KB event limit.
const maxLogLine = 256 * 1024

// syncMarker is written by iamgate into the process's own output pipe: a pipe
// is FIFO, so once the reader sees the marker every line the process wrote
// before answering an invocation has been emitted, and END can follow.
var syncMarker = []byte("\x00iamgate-log-sync-")

// outputReader turns a process's stdout and stderr (one pipe, as Lambda
// merges them) into log lines.
type outputReader struct {
	r   *os.File
	out *streamLog

	// mu is held while a chunk is read from the pipe and turned into lines,
	// so that quiet can tell "nothing in flight" without a marker.
	mu   sync.Mutex
	line []byte // the current line, not yet ended
	rc   syscall.RawConn

	wmu     sync.Mutex
	w       *os.File // iamgate's copy of the write end, for markers
	seq     uint64
	synced  chan uint64 // marker numbers seen
	done    chan struct{}
	readErr error
}

func newOutputReader(r, w *os.File, out *streamLog) *outputReader {
	o := &outputReader{r: r, w: w, out: out, synced: make(chan uint64, 8), done: make(chan struct{})}
	if r != nil {
		o.rc, _ = r.SyscallConn()
	}
	return o
}

func (o *outputReader) run() {
	defer close(o.done)
	defer o.r.Close()
	if o.rc == nil {
		o.scan(o.r)
		return
	}
	buf := make([]byte, 64*1024)
	for {
		var n int
		var rerr error
		err := o.rc.Read(func(fd uintptr) bool {
			o.mu.Lock()
			defer o.mu.Unlock()
			n, rerr = syscall.Read(int(fd), buf)
			if rerr == syscall.EAGAIN {
				return false // wait until readable, without the lock
			}
			if n > 0 {
				o.feed(buf[:n])
			}
			return true
		})
		switch {
		case rerr == syscall.EINTR:
			continue
		case err != nil || rerr != nil || n <= 0: // EOF or a broken pipe
			if rerr != nil {
				o.readErr = rerr
			} else if err != nil {
				o.readErr = err
			}
			o.mu.Lock()
			o.flush()
			o.mu.Unlock()
			return
		}
	}
}

// scan splits r into lines, handling sync markers, until EOF or an error.
func (o *outputReader) scan(r io.Reader) {
	buf := make([]byte, 64*1024)
	for {
		n, err := r.Read(buf)
		o.mu.Lock()
		o.feed(buf[:n])
		if err != nil {
			o.flush()
		}
		o.mu.Unlock()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				o.readErr = err
			}
			return
		}
	}
}

// feed adds a chunk of output: every line it ends is handled, and a line
// reaching maxLogLine is cut there. o.mu is held.
func (o *outputReader) feed(chunk []byte) {
	for len(chunk) > 0 {
		nl := bytes.IndexByte(chunk, '\n')
		end := nl
		if end < 0 {
			end = len(chunk)
		}
		if room := maxLogLine - len(o.line); end > room {
			end, nl = room, -1
		}
		o.line = append(o.line, chunk[:end]...)
		switch {
		case nl >= 0:
			o.handleLine(o.line)
			o.line = o.line[:0]
			chunk = chunk[end+1:]
		case len(o.line) >= maxLogLine:
			o.handleLine(o.line)
			o.line = o.line[:0]
			chunk = chunk[end:]
		default:
			chunk = chunk[end:]
		}
	}
}

func (o *outputReader) handleLine(line []byte) {
	i := bytes.Index(line, syncMarker)
	if i < 0 {
		o.out.emit(string(line))
		return
	}
	if i > 0 { // a partial line the process left without a newline
		o.out.emit(string(line[:i]))
	}
	if n, err := strconv.ParseUint(string(line[i+len(syncMarker):]), 10, 64); err == nil {
		select {
		case o.synced <- n:
		default: // nobody waits for a stale marker
		}
	}
}

// flush handles a last line left without a newline. o.mu is held.
func (o *outputReader) flush() {
	if len(o.line) > 0 {
		o.handleLine(o.line)
		o.line = o.line[:0]
	}
}

// sync waits until everything written to the pipe so far has been emitted,
// or until wait passes (a process that floods its output must not stall
// the invocation's answer).
func (o *outputReader) sync(wait time.Duration) {
	if o.quiet() {
		return
	}
	o.wmu.Lock()
	if o.w == nil {
		o.wmu.Unlock()
		o.drain(wait)
		return
	}
	o.seq++
	n := o.seq
	_, err := fmt.Fprintf(o.w, "%s%d\n", syncMarker, n)
	o.wmu.Unlock()
	if err != nil {
		return
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case got := <-o.synced:
			if got == n {
				return
			}
		case <-o.done:
			return
		case <-timer.C:
			return
		}
	}
}

// quiet reports that every byte the process wrote so far has been emitted:
// the pipe is empty, no chunk is being turned into lines, and no line is
// left half-written (a marker would flush it). Most invocations end quiet,
// and then END needs no marker round trip through the pipe.
func (o *outputReader) quiet() bool {
	if o.rc == nil || !o.mu.TryLock() {
		return false
	}
	defer o.mu.Unlock()
	return o.quietLocked()
}

func (o *outputReader) quietLocked() bool {
	if len(o.line) > 0 {
		return false
	}
	pending := -1
	err := o.rc.Control(func(fd uintptr) {
		var n int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n))); e == 0 {
			pending = int(n)
		}
	})
	return err == nil && pending == 0
}

// closeWriter drops iamgate's write end once the process is gone, so the
// reader sees EOF after the last output.
func (o *outputReader) closeWriter() {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	if o.w != nil {
		_ = o.w.Close()
		o.w = nil
	}
}

// drain waits for the reader to reach EOF, bounded.
func (o *outputReader) drain(wait time.Duration) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-o.done:
	case <-timer.C:
	}
}
