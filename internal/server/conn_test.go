package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// closedWithin reports whether the server closes c (a read sees EOF or a
// reset) within d; a response, if one comes first, is read past.
func closedWithin(t *testing.T, c net.Conn, d time.Duration) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true // EOF (err nil from io.Copy) or a reset
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestConnectionTimeouts: slowloris headers, a body that stops mid-way and
// an idle keep-alive connection are each closed by the server, and a
// connection that keeps sending is not.
func TestConnectionTimeouts(t *testing.T) {
	const d = 300 * time.Millisecond
	s, addr := listening(t, Config{Conn: ConnLimits{HeaderTimeout: d, BodyIdle: d, IdleTimeout: d}})
	root, _ := s.RootKey()
	date := time.Now().UTC().Format("20060102T150405Z")

	t.Run("headers never finished", func(t *testing.T) {
		c := dial(t, addr)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		if !closedWithin(t, c, 10*d) {
			t.Error("connection still open")
		}
	})
	t.Run("body stops mid-way", func(t *testing.T) {
		// A bogus signature on a real key id: the authenticator reads the
		// body to hash it, and must not wait for it forever.
		c := dial(t, addr)
		io.WriteString(c, "POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: "+addr+"\r\nX-Amz-Date: "+date+
			"\r\nAuthorization: "+bogusAuth(root, "lambda")+"\r\nContent-Length: 1000\r\n\r\n{\"a\":")
		if !closedWithin(t, c, 10*d) {
			t.Error("connection still open")
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		c := dial(t, addr)
		io.WriteString(c, "GET /nothing HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !closedWithin(t, c, 10*d) {
			t.Error("idle connection still open")
		}
	})
	t.Run("slow but steady body is served", func(t *testing.T) {
		// Bytes every d/3 for 2d: never idle for d, longer than d in total.
		c := dial(t, addr)
		io.WriteString(c, "POST /2015-03-31/functions/f/invocations HTTP/1.1\r\nHost: "+addr+"\r\nX-Amz-Date: "+date+
			"\r\nAuthorization: "+bogusAuth(root, "lambda")+"\r\nContent-Length: 6\r\n\r\n")
		for _, b := range "{\"a\":1}"[:6] {
			time.Sleep(d / 3)
			if _, err := io.WriteString(c, string(b)); err != nil {
				t.Fatalf("server closed a connection that was sending: %v", err)
			}
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// The signature is bogus: the answer is the signature's, proving the
		// body was read to its end.
		if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "InvalidSignatureException" {
			t.Errorf("got %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
		}
	})
}

// TestConnectionLimit: with MaxConns open, the next connection is not
// served until one closes.
func TestConnectionLimit(t *testing.T) {
	_, addr := listening(t, Config{Conn: ConnLimits{MaxConns: 2, HeaderTimeout: time.Minute, IdleTimeout: time.Minute}})
	first, second := dial(t, addr), dial(t, addr)
	_ = second
	// Both are accepted (a request on each is served) and stay open.
	for _, c := range []net.Conn{first, second} {
		io.WriteString(c, "GET /nothing HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	third := dial(t, addr)
	io.WriteString(third, "GET /nothing HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
	br := bufio.NewReader(third)
	_ = third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := br.Peek(1); err == nil {
		t.Fatal("a third connection was served while two were open")
	}
	first.Close()
	_ = third.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("third connection not served after one closed: %v", err)
	}
	resp.Body.Close()
}

// TestBodyDeadlineClearedAfterBody: once the body is read, a handler may
// work longer than the body idle time without its context being cancelled.
func TestBodyDeadlineClearedAfterBody(t *testing.T) {
	const d = 100 * time.Millisecond
	cancelled := make(chan bool, 1)
	srv := httptest.NewServer(bodyIdle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			cancelled <- true
		case <-time.After(4 * d):
			cancelled <- false
		}
	}), d))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, "POST", srv.URL, strings.NewReader("body"))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if <-cancelled {
		t.Error("request context cancelled by a read deadline left set after the body")
	}
}
