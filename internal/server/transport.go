package server

import (
	"net"
	"time"

	"github.com/iamgate/iamgate/internal/tlsca"
	"github.com/iamgate/iamgate/internal/transport"
)

// servedEndpoints are the AWS endpoint services (as host names spell them)
// whose hosts the proxy terminates; CONNECTs to others are refused rather
// than served with an error nobody expects from that host.
var servedEndpoints = []string{"apigateway", "cloudformation", "cognito-idp", "execute-api", "iam", "lambda", "logs", "s3", "sts"}

// secure puts the TLS sniffing listener and the proxy front on a bound
// listener: https:// and http:// on one address, and HTTPS_PROXY mode.
func (s *Server) secure(raw net.Listener) (net.Listener, error) {
	// Certificates are checked against the clients' clocks, so the CA uses
	// the wall clock, not the injected one.
	ca, err := tlsca.Open(s.cfg.DataDir, tlsca.Options{Now: time.Now, Allow: issuable})
	if err != nil {
		raw.Close()
		return nil, err
	}
	// The first byte and the TLS handshake count against the header timeout.
	ln := transport.NewListener(raw, ca.TLSConfig(), transport.ListenerOptions{HandshakeTimeout: s.cfg.Conn.HeaderTimeout,
		Logger: s.log.With("component", "transport")})
	addr, _ := raw.Addr().(*net.TCPAddr)
	p := &transport.Proxy{Next: s.handler, Tunnels: ln, Services: servedEndpoints}
	if addr != nil {
		p.Port = uint16(addr.Port)
		if !addr.IP.IsLoopback() && !addr.IP.IsUnspecified() {
			p.Self = []string{addr.IP.String()}
		}
	}
	s.handler = p
	return ln, nil
}

// issuable: leaves go to iamgate's own names, AWS endpoint names and IP
// addresses (a client that dialled an IP sends no server name, and the
// address it reached is this server's).
func issuable(name string) bool {
	return net.ParseIP(name) != nil || transport.Classify(name).Kind != transport.Other
}
