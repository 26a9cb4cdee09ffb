package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/credfile"
	"github.com/iamgate/iamgate/internal/tlsca"
)

func newEnv() *cobra.Command {
	var f clientFlags
	var proxy bool
	c := &cobra.Command{
		Use:   "env",
		Short: `Print export lines for the admin identity: eval "$(iamgate env)"`,
		Long: `Print export lines for the admin identity: eval "$(iamgate env)".

They point the aws CLI and the SDKs at iamgate (AWS_ENDPOINT_URL) and make
them trust iamgate's local CA for https:// (AWS_CA_BUNDLE and friends).
With --proxy they set HTTPS_PROXY instead of an endpoint: clients then use
their real AWS URLs (https://sts.amazonaws.com, the stack outputs'
https://{apiId}.execute-api.{region}.amazonaws.com/...) and iamgate serves
them; for clients that take no endpoint setting.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			id, secret, err := adminKey(f.dataDir)
			if err != nil {
				return err
			}
			if !c.Flags().Changed("region") && os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" {
				if b, err := os.ReadFile(filepath.Join(f.dataDir, regionFile)); err == nil && strings.TrimSpace(string(b)) != "" {
					f.region = strings.TrimSpace(string(b))
				}
			}
			w := c.OutOrStdout()
			endpoint := f.endpointURL()
			if proxy {
				p, err := proxyURL(endpoint)
				if err != nil {
					return err
				}
				fmt.Fprintln(w, "unset AWS_ENDPOINT_URL")
				// curl reads only the lower-case http_proxy; most read both.
				for _, k := range []string{"HTTPS_PROXY", "https_proxy"} {
					fmt.Fprintf(w, "export %s=%s\n", k, shellQuote(p))
				}
				// iamgate's own URLs go straight to it; every other host is
				// proxied, and iamgate refuses what is not AWS.
				for _, k := range []string{"NO_PROXY", "no_proxy"} {
					fmt.Fprintf(w, "export %s=localhost,127.0.0.1\n", k)
				}
				// Node.js (22.21+, 24+) honours the proxy variables only with this.
				fmt.Fprintln(w, "export NODE_USE_ENV_PROXY=1")
			} else {
				fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", shellQuote(endpoint))
			}
			fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\n", shellQuote(id))
			fmt.Fprintf(w, "export AWS_SECRET_ACCESS_KEY=%s\n", shellQuote(secret))
			fmt.Fprintf(w, "export AWS_REGION=%s\n", shellQuote(f.region))
			// aws CLI v1 reads AWS_DEFAULT_REGION; a stale session token or profile would override the keys.
			fmt.Fprintf(w, "export AWS_DEFAULT_REGION=%s\n", shellQuote(f.region))
			fmt.Fprintln(w, "unset AWS_SESSION_TOKEN AWS_PROFILE")
			printCAVars(w, f.dataDir)
			return nil
		},
	}
	f.register(c)
	c.Flags().BoolVar(&proxy, "proxy", false, "use iamgate as the HTTPS proxy for the real AWS host names instead of an endpoint URL")
	return c
}

// printCAVars exports the CA files the server wrote, for the clients that
// read each variable: botocore and the aws CLI (AWS_CA_BUNDLE, which only
// ever talks to AWS, so iamgate's CA alone), requests (REQUESTS_CA_BUNDLE),
// Node.js (NODE_EXTRA_CA_CERTS, added to its own roots), curl
// (CURL_CA_BUNDLE), and OpenSSL and Go programs (SSL_CERT_FILE). The ones
// that replace a client's roots get ca-bundle.pem, iamgate's CA followed by
// the system's roots, so the same shell still reaches other sites.
func printCAVars(w io.Writer, dataDir string) {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return
	}
	ca := filepath.Join(dir, tlsca.CertFile)
	if _, err := os.Stat(ca); err != nil {
		return // a server older than TLS support wrote this data dir
	}
	bundle := filepath.Join(dir, tlsca.BundleFile)
	if _, err := os.Stat(bundle); err != nil {
		bundle = ca
	}
	for _, kv := range [][2]string{
		{"AWS_CA_BUNDLE", ca},
		{"REQUESTS_CA_BUNDLE", bundle},
		{"NODE_EXTRA_CA_CERTS", ca},
		{"CURL_CA_BUNDLE", bundle},
		{"SSL_CERT_FILE", bundle},
	} {
		fmt.Fprintf(w, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
}

// proxyURL is the endpoint as an HTTP proxy URL: the same address, always
// http:// (clients speak to a proxy in plain HTTP before CONNECT).
func proxyURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("endpoint %q is not a URL", endpoint)
	}
	return "http://" + u.Host, nil
}

// regionFile in the data dir holds the running server's region.
const regionFile = "region"

// adminKey reads the admin credentials the server wrote in the data dir.
func adminKey(dataDir string) (id, secret string, err error) {
	path := filepath.Join(dataDir, "credentials")
	profiles, _, err := credfile.Read(path)
	if err != nil {
		return "", "", fmt.Errorf("no admin credentials in %s: start the server first (iamgate up or iamgate serve)", path)
	}
	p, ok := profiles["default"]
	if !ok || p[0] == "" || p[1] == "" {
		return "", "", fmt.Errorf("%s has no [default] profile: start the server first", path)
	}
	return p[0], p[1], nil
}

func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == '+' || r == '=') {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
			continue
		}
		out += string(r)
	}
	return out + "'"
}
