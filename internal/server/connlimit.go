package server

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Connection limits, as AWS's front ends set them. Config fields of the
// same meaning override them (tests use short ones).
const (
	// defaultHeaderTimeout bounds the wait for a request's headers
	// (slowloris).
	defaultHeaderTimeout = 10 * time.Second
	// defaultIdleTimeout closes keep-alive connections idle this long, and
	// defaultBodyIdle a request whose body sends nothing this long: the
	// Application Load Balancer's connection idle timeout, 60 s by default
	// ("the period of time an existing client or target connection can
	// remain inactive, with no data being sent or received, before the load
	// balancer closes the connection",
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
	// It is an idle rule, not a total, so that a 5 GB upload may take
	// as long as it needs while it makes progress.
	defaultIdleTimeout = 60 * time.Second
	defaultBodyIdle    = 60 * time.Second
	// defaultMaxConns bounds open connections; past it Accept waits, and
	// new clients queue in the kernel's backlog. Function processes need
	// descriptors too, under the usual 1,024-per-process soft limit raised
	// by the Go runtime to the hard one.
	defaultMaxConns = 1024
)

// limitListener accepts at most n connections at once: Accept waits for a
// connection to close when n are open.
func limitListener(ln net.Listener, n int) net.Listener {
	return &limitedListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitedListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitedListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitedListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn frees its slot on the first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// bodyIdle makes every request body an idle-timed read: each Read must
// see data within d, else the connection's read deadline fails it (and the
// server closes the connection). Deadlines are set from the first Read, so
// a handler that never reads the body is not cut off, and cleared at EOF,
// because a read deadline left set would cancel the request's context while
// the handler still works (net/http's background read). Deadlines are wall
// clock: the injected clock does not apply.
func bodyIdle(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			// A copy: net/http decides after the handler whether to drain
			// or drop an unread body by the type of the original's Body.
			r = r.WithContext(r.Context())
			r.Body = &idleBody{body: r.Body, ctl: http.NewResponseController(w), d: d}
		}
		next.ServeHTTP(w, r)
	})
}

type idleBody struct {
	body io.ReadCloser
	ctl  *http.ResponseController
	d    time.Duration
	done bool
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.done {
		return b.body.Read(p)
	}
	// ErrNotSupported (httptest recorders, wrapped writers) leaves the body
	// untimed rather than failing it.
	_ = b.ctl.SetReadDeadline(time.Now().Add(b.d))
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.done = true
		_ = b.ctl.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (b *idleBody) Close() error { return b.body.Close() }
