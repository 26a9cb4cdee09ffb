package transport

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"
)

// tlsRecordHandshake is the first byte of every TLS connection: the record
// type of the ClientHello (RFC 8446 section 5.1). No HTTP method starts
// with it.
const tlsRecordHandshake = 0x16

// Listener accepts connections from an inner listener (and tunnels handed
// to Inject), tells TLS from plain HTTP by the first byte, completes TLS
// handshakes under a deadline, and hands out ready connections: a
// *tls.Conn for TLS (so net/http fills Request.TLS), the plain connection
// otherwise. Sniffing runs per connection, so a slow client never holds up
// Accept for others.
type Listener struct {
	inner   net.Listener
	tls     *tls.Config
	timeout time.Duration
	log     *slog.Logger

	ready chan net.Conn
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	// acceptErr is the inner listener's terminal error, returned by Accept
	// once ready is drained.
	mu        sync.Mutex
	acceptErr error
}

// ListenerOptions configure a Listener.
type ListenerOptions struct {
	// HandshakeTimeout bounds the wait for the first byte and the TLS
	// handshake (default 10s).
	HandshakeTimeout time.Duration
	Logger           *slog.Logger
}

// NewListener starts accepting from inner. Closing the Listener closes
// inner and stops every goroutine it started.
func NewListener(inner net.Listener, cfg *tls.Config, opts ListenerOptions) *Listener {
	if opts.HandshakeTimeout <= 0 {
		opts.HandshakeTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Listener{inner: inner, tls: cfg, timeout: opts.HandshakeTimeout, log: opts.Logger,
		ready: make(chan net.Conn), done: make(chan struct{})}
	l.wg.Add(1)
	go l.acceptLoop()
	return l
}

func (l *Listener) acceptLoop() {
	defer l.wg.Done()
	var backoff time.Duration
	for {
		c, err := l.inner.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Out of file descriptors and the like: wait as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				select {
				case <-time.After(backoff):
					continue
				case <-l.done:
					return
				}
			}
			l.mu.Lock()
			l.acceptErr = err
			l.mu.Unlock()
			l.Close()
			return
		}
		backoff = 0
		l.wg.Add(1)
		go l.serveConn(c)
	}
}

// Inject hands a connection (a proxy tunnel) to the listener as if it had
// been accepted. It fails once the listener is closed; the caller then
// closes c.
func (l *Listener) Inject(c net.Conn) error {
	select {
	case <-l.done:
		return net.ErrClosed
	default:
	}
	l.wg.Add(1)
	go l.serveConn(c)
	return nil
}

func (l *Listener) serveConn(c net.Conn) {
	defer l.wg.Done()
	ready, err := l.sniff(c)
	if err != nil {
		c.Close()
		l.logHandshake(c, err)
		return
	}
	select {
	case l.ready <- ready:
	case <-l.done:
		ready.Close()
	}
}

// sniff reads the first byte and, for TLS, completes the handshake. A
// closing listener cuts both short.
func (l *Listener) sniff(c net.Conn) (net.Conn, error) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-l.done:
			_ = c.SetReadDeadline(time.Now())
		case <-stop:
		}
	}()
	if err := c.SetReadDeadline(time.Now().Add(l.timeout)); err != nil {
		return nil, err
	}
	var first [1]byte
	if _, err := c.Read(first[:]); err != nil {
		return nil, err
	}
	var ready net.Conn = &prefixConn{Conn: c, prefix: first[:]}
	if first[0] == tlsRecordHandshake && l.tls != nil {
		tc := tls.Server(ready, l.tls)
		if err := tc.Handshake(); err != nil {
			return nil, err
		}
		ready = tc
	}
	select {
	case <-l.done:
		return nil, net.ErrClosed
	default:
	}
	return ready, c.SetReadDeadline(time.Time{})
}

func (l *Listener) logHandshake(c net.Conn, err error) {
	if errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "EOF") {
		return // a client that connected and left, or a port probe
	}
	msg := err.Error()
	if strings.Contains(msg, "certificate") || strings.Contains(msg, "unknown ca") {
		l.log.Warn("TLS handshake refused by the client: it does not trust iamgate's CA (point it at {data dir}/ca.pem, or eval \"$(iamgate env)\")",
			"remote", c.RemoteAddr().String(), "error", msg)
		return
	}
	l.log.Debug("connection dropped before its first request", "remote", c.RemoteAddr().String(), "error", msg)
}

// Accept returns the next ready connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.done:
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.acceptErr != nil && !errors.Is(l.acceptErr, net.ErrClosed) {
			return nil, l.acceptErr
		}
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes the inner listener; connections still
// being sniffed are closed as they finish (a pending handshake is cut short).
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.inner.Close()
	})
	return err
}

// Wait blocks until every goroutine the listener started has ended
// (after Close).
func (l *Listener) Wait() { l.wg.Wait() }

// Addr is the inner listener's address.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// prefixConn replays bytes already read from the connection.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
