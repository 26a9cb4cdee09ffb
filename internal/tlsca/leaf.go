package tlsca

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"time"
)

const (
	leafLifetime = 30 * 24 * time.Hour
	// leafRenewBefore: a cached leaf this close to expiry is issued anew,
	// so a server running for months keeps valid certificates.
	leafRenewBefore = 24 * time.Hour
)

type leaf struct {
	cert     *tls.Certificate
	notAfter time.Time
}

// TLSConfig returns a server configuration that picks the leaf by the
// client's server name. It offers HTTP/1.1 only: iamgate's handlers and
// AWS's endpoints the clients expect speak it.
func (a *Authority) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: a.GetCertificate,
	}
}

// GetCertificate is a tls.Config.GetCertificate: the leaf for the SNI name,
// or, when the client sent none (it does not for an IP address), for the
// local address it connected to.
func (a *Authority) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := strings.TrimSuffix(strings.ToLower(hello.ServerName), ".")
	if name == "" && hello.Conn != nil {
		if host, _, err := net.SplitHostPort(hello.Conn.LocalAddr().String()); err == nil {
			name = host
		}
	}
	if name == "" || !a.allowed(name) {
		name = a.opts.Fallback
	}
	return a.Leaf(name)
}

func (a *Authority) allowed(name string) bool {
	if a.opts.Allow != nil {
		return a.opts.Allow(name)
	}
	if net.ParseIP(name) != nil {
		return true
	}
	for _, d := range PermittedDomains {
		if name == d || strings.HasSuffix(name, "."+d) {
			return true
		}
	}
	return false
}

// Leaf returns the certificate for one DNS name or IP literal, issuing and
// caching it on first use. The leaf names exactly that host: no wildcard,
// since S3 bucket names with dots would not match one.
func (a *Authority) Leaf(name string) (*tls.Certificate, error) {
	now := a.opts.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if l, ok := a.leaves[name]; ok && now.Add(leafRenewBefore).Before(l.notAfter) {
		return l.cert, nil
	}
	l, err := a.issue(name, now)
	if err != nil {
		return nil, err
	}
	if _, ok := a.leaves[name]; !ok {
		if len(a.order) >= a.opts.MaxLeaves {
			delete(a.leaves, a.order[0])
			a.order = a.order[1:]
		}
		a.order = append(a.order, name)
	}
	a.leaves[name] = l
	return l.cert, nil
}

func (a *Authority) issue(name string, now time.Time) (*leaf, error) {
	if name == "" {
		return nil, errors.New("tlsca: empty server name")
	}
	notAfter := now.Add(leafLifetime)
	if notAfter.After(a.cert.NotAfter) {
		notAfter = a.cert.NotAfter
	}
	// The subject stays empty (SANs only): a CommonName that looks like a
	// host name is checked against name constraints by OpenSSL, and an IP
	// literal in it would fail them.
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, a.leafKey.Public(), a.key)
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &leaf{
		cert:     &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: a.leafKey, Leaf: parsed},
		notAfter: notAfter,
	}, nil
}
