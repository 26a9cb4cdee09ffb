package transport

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/tlsca"
)

// seen is what the handler behind the proxy observed.
type seen struct {
	Host, RequestURI string
	TLS              bool
	SNI              string
}

type harness struct {
	addr string
	pool *x509.CertPool
	ln   *Listener
}

func start(t *testing.T) *harness {
	t.Helper()
	ca, err := tlsca.Open(t.TempDir(), tlsca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(raw, ca.TLSConfig(), ListenerOptions{HandshakeTimeout: 2 * time.Second})
	port := uint16(raw.Addr().(*net.TCPAddr).Port)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := seen{Host: r.Host, RequestURI: r.RequestURI, TLS: r.TLS != nil}
		if r.TLS != nil {
			s.SNI = r.TLS.ServerName
		}
		json.NewEncoder(w).Encode(s)
	})
	srv := &http.Server{Handler: &Proxy{Next: next, Tunnels: ln, Port: port,
		Services: []string{"sts", "s3", "execute-api"}}, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		ln.Wait()
	})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM())
	return &harness{addr: raw.Addr().String(), pool: pool, ln: ln}
}

func (h *harness) client(proxy bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: h.pool}, DisableKeepAlives: true}
	if proxy {
		u, _ := url.Parse("http://" + h.addr)
		tr.Proxy = http.ProxyURL(u)
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func get(t *testing.T, c *http.Client, u string) (seen, int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var s seen
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("GET %s: %v in %s", u, err, b)
		}
	}
	return s, resp.StatusCode, string(b)
}

func TestPlainAndTLSOnOneAddress(t *testing.T) {
	h := start(t)
	s, _, _ := get(t, h.client(false), "http://"+h.addr+"/a?b=1")
	if s.TLS || s.RequestURI != "/a?b=1" {
		t.Errorf("plain: %+v", s)
	}
	s, _, _ = get(t, h.client(false), "https://"+h.addr+"/a")
	if !s.TLS || s.RequestURI != "/a" {
		t.Errorf("https to the IP: %+v", s)
	}
	_, port, _ := net.SplitHostPort(h.addr)
	s, _, _ = get(t, h.client(false), "https://localhost:"+port+"/")
	if !s.TLS || s.SNI != "localhost" {
		t.Errorf("https to localhost: %+v", s)
	}
}

// A client that connects and says nothing does not hold up the next one.
func TestSilentClientDoesNotBlockAccept(t *testing.T) {
	h := start(t)
	idle, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	half, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	half.Write([]byte{tlsRecordHandshake}) // a TLS record that never completes
	if s, _, _ := get(t, h.client(false), "https://"+h.addr+"/"); !s.TLS {
		t.Errorf("%+v", s)
	}
	// The silent connection is dropped at the handshake deadline.
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("silent connection: read %v, want EOF", err)
	}
}

func TestConnectServesAWSHosts(t *testing.T) {
	h := start(t)
	c := h.client(true)
	for _, host := range []string{"sts.amazonaws.com", "abc1234567.execute-api.ap-northeast-1.amazonaws.com",
		"my.bucket.s3.us-east-1.amazonaws.com"} {
		t.Run(host, func(t *testing.T) {
			s, _, _ := get(t, c, "https://"+host+"/v1/hello?x=1")
			want := seen{Host: host, RequestURI: "/v1/hello?x=1", TLS: true, SNI: host}
			if s != want {
				t.Errorf("got %+v, want %+v", s, want)
			}
		})
	}
	// https://127.0.0.1:port through the proxy is iamgate itself.
	if s, _, _ := get(t, c, "https://"+h.addr+"/self"); !s.TLS || s.RequestURI != "/self" {
		t.Errorf("self through the proxy: %+v", s)
	}
}

func TestAbsoluteURIServesAWSHosts(t *testing.T) {
	h := start(t)
	s, _, _ := get(t, h.client(true), "http://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15")
	want := seen{Host: "sts.amazonaws.com", RequestURI: "/?Action=GetCallerIdentity&Version=2011-06-15"}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
}

// rawProxy sends one request line to the proxy and returns the response.
func rawProxy(t *testing.T, addr, request string) (*http.Response, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprint(c, request)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRefusesOtherHosts(t *testing.T) {
	h := start(t)
	_, port, _ := net.SplitHostPort(h.addr)
	tests := []struct {
		name, request, want string
	}{
		{"connect other host", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
			"example.com is not an AWS endpoint iamgate serves"},
		{"connect private address", "CONNECT 10.0.0.1:443 HTTP/1.1\r\nHost: 10.0.0.1:443\r\n\r\n",
			"10.0.0.1 is not an AWS endpoint"},
		{"connect lookalike", "CONNECT sts.amazonaws.com.evil.com:443 HTTP/1.1\r\nHost: x\r\n\r\n",
			"is not an AWS endpoint"},
		{"connect AWS host on another port", "CONNECT sts.amazonaws.com:22 HTTP/1.1\r\nHost: x\r\n\r\n",
			"served on port 443, not 22"},
		{"connect unserved service", "CONNECT ec2.us-east-1.amazonaws.com:443 HTTP/1.1\r\nHost: x\r\n\r\n",
			"iamgate does not serve ec2 (it serves sts, s3, execute-api)"},
		{"connect another local port", "CONNECT localhost:5432 HTTP/1.1\r\nHost: x\r\n\r\n",
			"localhost:5432 is not iamgate (it listens on port " + port + ")"},
		{"connect garbage", "CONNECT nonsense HTTP/1.1\r\nHost: x\r\n\r\n", "must be host:port"},
		{"absolute other host", "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n",
			"example.com is not an AWS endpoint"},
		{"absolute other local port", "GET http://127.0.0.1:8080/ HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
			"127.0.0.1:8080 is not iamgate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawProxy(t, h.addr, tt.request)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
			if !strings.Contains(body, tt.want) || !strings.Contains(body, "not an open proxy") {
				t.Errorf("body %q, want it to say %q", body, tt.want)
			}
			if ps := resp.Header.Get("Proxy-Status"); !strings.HasPrefix(ps, "iamgate; error=http_request_denied") {
				t.Errorf("Proxy-Status %q", ps)
			}
		})
	}
}

// A client whose CONNECT bytes and ClientHello arrive together (it did not
// wait for the 200) still gets its tunnel.
func TestConnectWithPipelinedHandshake(t *testing.T) {
	h := start(t)
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	tc := tls.Client(&pipeConn{Conn: c, first: []byte("CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n")},
		&tls.Config{RootCAs: h.pool, ServerName: "sts.amazonaws.com"})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(tc, "GET /x HTTP/1.1\r\nHost: sts.amazonaws.com\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// pipeConn sends first together with the ClientHello and swallows the
// proxy's "200 Connection established" before the TLS reads.
type pipeConn struct {
	net.Conn
	first []byte
	r     *bufio.Reader
}

func (p *pipeConn) Write(b []byte) (int, error) {
	if p.first != nil {
		_, err := p.Conn.Write(append(p.first, b...))
		p.first = nil
		return len(b), err
	}
	return p.Conn.Write(b)
}

func (p *pipeConn) Read(b []byte) (int, error) {
	if p.r == nil {
		p.r = bufio.NewReader(p.Conn)
		resp, err := http.ReadResponse(p.r, nil)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("CONNECT: %s", resp.Status)
		}
	}
	return p.r.Read(b)
}

func TestListenerClose(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := NewListener(raw, nil, ListenerOptions{HandshakeTimeout: time.Minute})
	idle, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	ln.Close()
	done := make(chan struct{})
	go func() { ln.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close left a sniffing goroutine waiting for a silent client")
	}
	if _, err := ln.Accept(); err != net.ErrClosed {
		t.Errorf("Accept after Close = %v, want net.ErrClosed", err)
	}
	if err := ln.Inject(idle); err != net.ErrClosed {
		t.Errorf("Inject after Close = %v", err)
	}
}
