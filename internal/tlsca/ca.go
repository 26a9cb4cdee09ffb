package tlsca

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File names in the data dir.
const (
	KeyFile    = "ca.key"        // CA private key and certificate, 0600
	CertFile   = "ca.pem"        // the CA certificate alone, for clients to trust
	BundleFile = "ca-bundle.pem" // ca.pem followed by the system's roots
)

// PermittedDomains are the CA's name constraints (on.aws: function URLs): every DNS name it signs
// is one of these or under one of them.
var PermittedDomains = []string{"localhost", "amazonaws.com", "on.aws"}

const (
	caLifetime = 10 * 365 * 24 * time.Hour
	// caRenewBefore: a CA this close to expiry is replaced at start rather
	// than handing out leaves that outlive it.
	caRenewBefore = 30 * 24 * time.Hour
)

// systemRoots are where Linux distributions and macOS keep the trusted
// roots as one PEM file; the first that exists goes into ca-bundle.pem.
var systemRoots = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine
	"/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
	"/etc/ssl/ca-bundle.pem",             // openSUSE
	"/etc/ssl/cert.pem",                  // macOS, BSDs
}

// Options configure an Authority.
type Options struct {
	// Now is the clock (default time.Now); leaves are valid from an hour
	// before it, to absorb skew between this process and its clients.
	Now func() time.Time
	// Allow says whether a name (DNS name or IP literal) may get a leaf.
	// Nil allows every name the CA's constraints permit, and IP addresses.
	Allow func(name string) bool
	// Fallback is the name whose certificate is served when a client asks
	// for a name Allow refuses, so it sees a clear name mismatch rather
	// than a failed handshake. Default "localhost".
	Fallback string
	// MaxLeaves bounds the leaf cache (default 4096).
	MaxLeaves int
}

// Authority is a loaded CA that issues leaf certificates.
type Authority struct {
	opts    Options
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	// leafKey is one key for every leaf: leaves differ only in names, and
	// one key keeps issuance to a single signature.
	leafKey *ecdsa.PrivateKey
	dir     string

	mu     sync.Mutex
	leaves map[string]*leaf
	order  []string // insertion order, for eviction
}

// Open loads the CA from dir, creating it on first use, and exports ca.pem
// and ca-bundle.pem there.
func Open(dir string, opts Options) (*Authority, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Fallback == "" {
		opts.Fallback = "localhost"
	}
	if opts.MaxLeaves <= 0 {
		opts.MaxLeaves = 4096
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("tlsca: %w", err)
	}
	a := &Authority{opts: opts, dir: dir, leaves: map[string]*leaf{}}
	path := filepath.Join(dir, KeyFile)
	err := a.load(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errExpiring) {
		if errors.Is(err, errExpiring) {
			// Keep the old one beside, for whoever still trusts it.
			_ = os.Rename(path, path+".old")
		}
		if err = create(path, opts.Now()); err == nil {
			err = a.load(path)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("tlsca: %s: %w", path, err)
	}
	if a.leafKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("tlsca: leaf key: %w", err)
	}
	if err := a.export(); err != nil {
		return nil, fmt.Errorf("tlsca: %w", err)
	}
	return a, nil
}

var errExpiring = errors.New("CA certificate expires soon")

// load reads ca.key: a PKCS#8 private key block and the CA certificate.
func (a *Authority) load(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o077 != 0 {
		// Another user could read the key: tighten rather than fail, as ssh
		// would refuse; the key itself is not known to have leaked.
		if err := os.Chmod(path, 0o600); err != nil {
			return err
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var keyDER, certDER []byte
	for rest := raw; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "PRIVATE KEY":
			keyDER = b.Bytes
		case "CERTIFICATE":
			certDER = b.Bytes
		}
	}
	if keyDER == nil || certDER == nil {
		return errors.New("want a PRIVATE KEY and a CERTIFICATE block")
	}
	k, err := x509.ParsePKCS8PrivateKey(keyDER)
	if err != nil {
		return err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return errors.New("the private key cannot sign")
	}
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return err
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return errors.New("the certificate is not the key's")
	}
	if !cert.IsCA {
		return errors.New("the certificate is not a CA")
	}
	if a.opts.Now().Add(caRenewBefore).After(cert.NotAfter) {
		return errExpiring
	}
	a.key, a.cert = signer, cert
	a.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})
	return nil
}

// create makes a CA and links it into place only if none exists, so two
// servers starting on one data dir at once end up sharing one CA.
func create(path string, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{
			Organization: []string{"iamgate local CA"},
			CommonName:   "iamgate local CA " + host,
		},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.Add(caLifetime),
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         PermittedDomains,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	pem.Encode(&buf, &pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ca-*.key")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// export writes ca.pem and ca-bundle.pem. The certificate is public, so
// both are readable by other users: clients running as someone else must
// be able to trust it.
func (a *Authority) export() error {
	if err := writeFile(filepath.Join(a.dir, CertFile), a.certPEM); err != nil {
		return err
	}
	bundle := append([]byte(nil), a.certPEM...)
	for _, p := range systemRoots {
		if roots, err := os.ReadFile(p); err == nil {
			bundle = append(append(bundle, '\n'), roots...)
			break
		}
	}
	return writeFile(filepath.Join(a.dir, BundleFile), bundle)
}

func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// CertPEM returns the CA certificate in PEM.
func (a *Authority) CertPEM() []byte { return a.certPEM }

// Certificate returns the parsed CA certificate.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n.Add(n, big.NewInt(1))
}
