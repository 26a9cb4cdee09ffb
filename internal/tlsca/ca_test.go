package tlsca

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func open(t *testing.T, dir string, c *clock) *Authority {
	t.Helper()
	a, err := Open(dir, Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func verify(a *Authority, cert *tls.Certificate, name string, at time.Time) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(a.CertPEM())
	_, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	return err
}

func TestOpenCreatesAndReloads(t *testing.T) {
	dir := t.TempDir()
	c := &clock{time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)}
	a := open(t, dir, c)
	info, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("ca.key mode %o, want 600", got)
	}
	pemFile, err := os.ReadFile(filepath.Join(dir, CertFile))
	if err != nil {
		t.Fatal(err)
	}
	if string(pemFile) != string(a.CertPEM()) {
		t.Error("ca.pem is not the CA certificate")
	}
	if strings.Contains(string(pemFile), "PRIVATE") {
		t.Error("ca.pem holds the private key")
	}
	bundle, err := os.ReadFile(filepath.Join(dir, BundleFile))
	if err != nil || !strings.HasPrefix(string(bundle), string(a.CertPEM())) {
		t.Errorf("ca-bundle.pem does not start with the CA: %v", err)
	}
	b := open(t, dir, c)
	if !a.Certificate().Equal(b.Certificate()) {
		t.Error("reopening made a new CA")
	}
	if !a.Certificate().IsCA || len(a.Certificate().PermittedDNSDomains) == 0 {
		t.Error("CA lacks basic or name constraints")
	}
}

func TestOpenTightensKeyMode(t *testing.T) {
	dir := t.TempDir()
	c := &clock{time.Now()}
	open(t, dir, c)
	path := filepath.Join(dir, KeyFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, dir, c)
	info, _ := os.Stat(path)
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("mode %o after reopen, want 600", got)
	}
}

func TestOpenRejectsBrokenKeyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), KeyFile) {
		t.Errorf("Open = %v, want an error naming %s", err, KeyFile)
	}
}

func TestOpenReplacesExpiringCA(t *testing.T) {
	dir := t.TempDir()
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	a := open(t, dir, c)
	c.t = a.Certificate().NotAfter.Add(-time.Hour)
	b := open(t, dir, c)
	if a.Certificate().Equal(b.Certificate()) {
		t.Fatal("an expiring CA was kept")
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFile+".old")); err != nil {
		t.Errorf("old CA not kept beside: %v", err)
	}
}

func TestLeafVerifies(t *testing.T) {
	c := &clock{time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)}
	a := open(t, t.TempDir(), c)
	for _, name := range []string{
		"localhost",
		"127.0.0.1",
		"::1",
		"abc1234567.execute-api.localhost",
		"abc1234567.execute-api.ap-northeast-1.amazonaws.com",
		"sts.amazonaws.com",
		"my.dotted.bucket.s3.us-east-1.amazonaws.com",
	} {
		t.Run(name, func(t *testing.T) {
			cert, err := a.Leaf(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := verify(a, cert, name, c.t); err != nil {
				t.Error(err)
			}
			if err := verify(a, cert, "other.amazonaws.com", c.t); err == nil {
				t.Error("leaf also verifies for another name")
			}
		})
	}
}

// The name constraints hold even for a name the caller lets through.
func TestNameConstraints(t *testing.T) {
	c := &clock{time.Now()}
	a := open(t, t.TempDir(), c)
	cert, err := a.Leaf("www.example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = verify(a, cert, "www.example.com", c.t)
	if _, ok := err.(x509.CertificateInvalidError); !ok || !strings.Contains(err.Error(), "constraint") {
		t.Errorf("verify outside the constraints = %v, want a constraint violation", err)
	}
}

func TestLeafCacheAndRenewal(t *testing.T) {
	c := &clock{time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)}
	a := open(t, t.TempDir(), c)
	first, _ := a.Leaf("sts.amazonaws.com")
	again, _ := a.Leaf("sts.amazonaws.com")
	if first != again {
		t.Error("second call issued a new leaf")
	}
	c.t = c.t.Add(leafLifetime - time.Hour)
	renewed, _ := a.Leaf("sts.amazonaws.com")
	if renewed == first {
		t.Fatal("a leaf about to expire was served")
	}
	if err := verify(a, renewed, "sts.amazonaws.com", c.t.Add(2*time.Hour)); err != nil {
		t.Errorf("renewed leaf: %v", err)
	}
}

func TestLeafCacheBounded(t *testing.T) {
	a, err := Open(t.TempDir(), Options{MaxLeaves: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.localhost", "b.localhost", "c.localhost", "a.localhost"} {
		if _, err := a.Leaf(n); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.leaves) != 2 || len(a.order) != 2 {
		t.Errorf("cache holds %d leaves (%d ordered), want 2", len(a.leaves), len(a.order))
	}
}

func TestGetCertificate(t *testing.T) {
	c := &clock{time.Now()}
	a, err := Open(t.TempDir(), Options{Now: c.now, Allow: func(n string) bool { return n != "refused.localhost" }})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ sni, want string }{
		{"STS.AmazonAWS.com.", "sts.amazonaws.com"},
		{"refused.localhost", "localhost"},
		{"", "localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.sni, func(t *testing.T) {
			cert, err := a.GetCertificate(&tls.ClientHelloInfo{ServerName: tt.sni})
			if err != nil {
				t.Fatal(err)
			}
			if got := cert.Leaf.DNSNames; len(got) != 1 || got[0] != tt.want {
				t.Errorf("names %v, want [%s]", got, tt.want)
			}
		})
	}
}
