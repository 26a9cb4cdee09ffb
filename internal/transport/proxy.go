package transport

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Injector takes over a tunnelled connection; *Listener is one.
type Injector interface {
	Inject(net.Conn) error
}

// Proxy is the HTTP-proxy face of the server: it answers CONNECT and
// absolute-URI requests for the hosts iamgate serves, refuses every other
// host, and passes ordinary requests to Next.
type Proxy struct {
	Next http.Handler
	// Tunnels receives each accepted CONNECT tunnel.
	Tunnels Injector
	// Port is the server's own port: a proxy request for a local name
	// (localhost, 127.0.0.1) is iamgate's only on that port; on any other
	// it is another local service, which the proxy must not shadow.
	Port uint16
	// Self are extra host names or addresses that are this server (the
	// listen address when it is not loopback).
	Self []string
	// Services are the AWS endpoint services served (by the name in the
	// host: "sts", "s3", "execute-api"); nil serves every AWS host.
	Services []string
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		p.connect(w, r)
	case r.URL.IsAbs():
		p.absolute(w, r)
	default:
		p.Next.ServeHTTP(w, r)
	}
}

// decision says whether a proxy request for host:port is served here, and
// if not, why.
func (p *Proxy) decide(h Host, port uint16, tunnel bool) (ok bool, why string) {
	switch {
	case h.Kind == Local || slices.Contains(p.Self, h.Name):
		if port == p.Port {
			return true, ""
		}
		return false, fmt.Sprintf("%s:%d is not iamgate (it listens on port %d), and iamgate forwards nowhere", h.Name, port, p.Port)
	case h.Kind == AWS:
		want := uint16(443)
		if !tunnel {
			want = 80
		}
		if port != want {
			return false, fmt.Sprintf("AWS endpoints are served on port %d, not %d", want, port)
		}
		if p.Services != nil && !slices.Contains(p.Services, h.Service) {
			return false, fmt.Sprintf("iamgate does not serve %s (it serves %s)", h.Service, strings.Join(p.Services, ", "))
		}
		return true, ""
	}
	return false, fmt.Sprintf("%s is not an AWS endpoint iamgate serves", h.Name)
}

func (p *Proxy) connect(w http.ResponseWriter, r *http.Request) {
	h, port, err := ParseTarget(r.RequestURI)
	if err != nil {
		p.refuse(w, r.RequestURI, "the CONNECT target must be host:port")
		return
	}
	if ok, why := p.decide(h, port, true); !ok {
		p.refuse(w, r.RequestURI, why)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "iamgate: this connection cannot carry a tunnel", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	if _, err := rw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		conn.Close()
		return
	}
	if err := rw.Flush(); err != nil {
		conn.Close()
		return
	}
	var tunnel net.Conn = conn
	if rw.Reader.Buffered() > 0 {
		// The client sent its first bytes before reading our answer.
		tunnel = &bufferedConn{Conn: conn, r: rw.Reader}
	}
	if err := p.Tunnels.Inject(tunnel); err != nil {
		conn.Close()
	}
}

// absolute serves a request sent to a proxy in absolute form
// ("GET http://sts.amazonaws.com/?Action=... HTTP/1.1") as an ordinary
// request to that host, or refuses it.
func (p *Proxy) absolute(w http.ResponseWriter, r *http.Request) {
	u := r.URL
	port := uint16(80)
	if u.Scheme == "https" {
		port = 443
	}
	if s := u.Port(); s != "" {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			p.refuse(w, u.Host, "the port is not a number")
			return
		}
		port = uint16(n)
	}
	if u.Scheme != "http" {
		p.refuse(w, u.Host, "only http:// URLs are proxied in absolute form; use CONNECT for https")
		return
	}
	h := Classify(u.Hostname())
	if ok, why := p.decide(h, port, false); !ok {
		p.refuse(w, u.Host, why)
		return
	}
	// Downstream code (the SigV4 canonical URI) reads RequestURI as the
	// origin form the client signed: strip the scheme and authority.
	r2 := r.Clone(r.Context())
	rest := r.RequestURI[len(u.Scheme)+len("://"):]
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	if !strings.HasPrefix(rest, "/") {
		rest = "/" + rest
	}
	r2.RequestURI = rest
	r2.URL.Scheme, r2.URL.Host = "", ""
	r2.Host = u.Host
	p.Next.ServeHTTP(w, r2)
}

// refuse answers 403 with a sentence, and Proxy-Status (RFC 9209) for
// clients that read it.
func (p *Proxy) refuse(w http.ResponseWriter, target, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Proxy-Status", `iamgate; error=http_request_denied; details=`+strconv.Quote(why))
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, "iamgate refused to proxy %s: %s. iamgate is not an open proxy: it serves AWS endpoints "+
		"(*.amazonaws.com) itself and never connects anywhere else.\n", target, why)
}

// bufferedConn reads what the HTTP server had buffered before the
// connection's own bytes.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
