package cli

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"

	"github.com/iamgate/iamgate/internal/tlsca"
)

// httpClient is the client subcommands' HTTP client: the system's roots
// plus the CA of the server whose data dir this is, so https:// endpoints
// and proxied AWS URLs of that server verify without any setting.
func (f *clientFlags) httpClient() *http.Client {
	pem, err := os.ReadFile(filepath.Join(f.dataDir, tlsca.CertFile))
	if err != nil {
		return http.DefaultClient
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return http.DefaultClient
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return &http.Client{Transport: tr}
}
