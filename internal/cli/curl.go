package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/credfile"
)

type curlFlags struct {
	clientFlags
	as      string
	method  string
	headers []string
	data    string
	include bool
	fail    bool
	service string
	verbose bool
	explain bool
}

func newCurl() *cobra.Command {
	var f curlFlags
	c := &cobra.Command{
		Use:   "curl [flags] URL",
		Short: "Send a SigV4-signed request (service execute-api)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runCurl(c.Context(), c.OutOrStdout(), c.ErrOrStderr(), &f, args[0])
		},
	}
	f.register(c)
	c.Flags().StringVar(&f.as, "as", "", "sign as this IAM user (a key is created once and kept as profile USER in {data dir}/credentials)")
	c.Flags().StringVarP(&f.method, "request", "X", "", "HTTP method")
	c.Flags().StringArrayVarP(&f.headers, "header", "H", nil, "extra header 'Name: value'")
	c.Flags().StringVarP(&f.data, "data", "d", "", "request body (@file reads a file)")
	c.Flags().BoolVarP(&f.include, "include", "i", false, "print the status line and headers")
	c.Flags().BoolVarP(&f.fail, "fail", "f", false, "exit 22 on HTTP errors")
	c.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print the request line and headers to stderr")
	c.Flags().StringVar(&f.service, "service", "execute-api", "SigV4 service name")
	c.Flags().BoolVar(&f.explain, "explain", false, "after the response, print the request's decision trace to stderr (as iamgate why REQUEST_ID)")
	return c
}

func runCurl(ctx context.Context, stdout, stderr io.Writer, f *curlFlags, rawURL string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	id, secret, token, kept, err := f.credentials(ctx)
	if err != nil {
		return err
	}
	body, err := f.body()
	if err != nil {
		return err
	}
	resp, err := f.send(ctx, stderr, rawURL, body, id, secret, token)
	if err != nil {
		return err
	}
	if kept && resp.StatusCode == http.StatusForbidden && resp.Header.Get("x-amzn-ErrorType") == "UnrecognizedClientException" {
		// The kept key is gone (the user was deleted and made again by a
		// redeploy): make a new one, once.
		resp.Body.Close()
		if id, secret, err = f.createKeptKey(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "iamgate: the kept key of %s no longer exists; made a new one\n", f.as)
		if resp, err = f.send(ctx, stderr, rawURL, body, id, secret, ""); err != nil {
			return err
		}
	}
	defer resp.Body.Close()
	if f.include {
		fmt.Fprintf(stdout, "HTTP/1.1 %s\r\n", resp.Status)
		for _, k := range sortedHeaderNames(resp.Header) {
			for _, v := range resp.Header[k] {
				fmt.Fprintf(stdout, "%s: %s\r\n", k, v)
			}
		}
		fmt.Fprint(stdout, "\r\n")
	}
	if _, err := io.Copy(stdout, resp.Body); err != nil {
		return err
	}
	if f.explain {
		if err := explainResponse(ctx, stderr, &f.clientFlags, resp); err != nil {
			return err
		}
	}
	if f.fail && resp.StatusCode >= 400 {
		return exitError{22}
	}
	return nil
}

// send signs and sends one request.
func (f *curlFlags) send(ctx context.Context, stderr io.Writer, rawURL string, body []byte, id, secret, token string) (*http.Response, error) {
	req, signHost, err := f.request(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	sum := sha256.Sum256(body)
	req.Host = signHost
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
	if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), f.service, regionOf(signHost, f.region), time.Now()); err != nil {
		return nil, err
	}
	if f.verbose {
		fmt.Fprintf(stderr, "> %s %s\n> Host: %s\n", req.Method, req.URL.RequestURI(), req.Host)
		for _, k := range sortedHeaderNames(req.Header) {
			if k == "Authorization" || k == "X-Amz-Security-Token" {
				fmt.Fprintf(stderr, "> %s: (redacted)\n", k)
				continue
			}
			fmt.Fprintf(stderr, "> %s: %s\n", k, strings.Join(req.Header[k], ", "))
		}
	}
	return f.httpClient().Do(req)
}

func sortedHeaderNames(h http.Header) []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (f *curlFlags) body() ([]byte, error) {
	if name, ok := strings.CutPrefix(f.data, "@"); ok {
		return os.ReadFile(name)
	}
	return []byte(f.data), nil
}

// request builds the HTTP request. A URL on *.amazonaws.com is sent to the
// iamgate endpoint with its original Host, which is what gets signed.
func (f *curlFlags) request(ctx context.Context, raw string) (*http.Request, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("%q is not a URL", raw)
	}
	signHost := u.Host
	// Resolvers other than curl's do not map *.localhost to loopback.
	if strings.HasSuffix(u.Hostname(), ".localhost") {
		port := u.Port()
		if port == "" {
			port = "80"
		}
		u.Host = "127.0.0.1:" + port
	} else if strings.HasSuffix(u.Hostname(), ".amazonaws.com") {
		ep, err := url.Parse(f.endpointURL())
		if err != nil {
			return nil, "", err
		}
		u.Scheme, u.Host = ep.Scheme, ep.Host
	}
	method := f.method
	if method == "" {
		method = http.MethodGet
		if f.data != "" {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	for _, h := range f.headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return nil, "", fmt.Errorf("header %q: want 'Name: value'", h)
		}
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return req, signHost, nil
}

// regionOf takes the region from an execute-api host name when it has one.
func regionOf(host, def string) string {
	h := host
	if i := strings.IndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	parts := strings.Split(h, ".")
	if len(parts) >= 4 && parts[1] == "execute-api" && parts[len(parts)-1] == "com" {
		return parts[2]
	}
	return def
}

// credentials picks the signing key: --as USER (created once and kept), else
// the environment's, else the admin key in the data dir. kept is true for
// a key read from the data dir's credentials file for --as.
func (f *curlFlags) credentials(ctx context.Context) (id, secret, token string, kept bool, err error) {
	if f.as == "" {
		if id := os.Getenv("AWS_ACCESS_KEY_ID"); id != "" {
			return id, os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"), false, nil
		}
		id, secret, err := adminKey(f.dataDir)
		return id, secret, "", false, err
	}
	path := filepath.Join(f.dataDir, "credentials")
	if profiles, _, err := credfile.Read(path); err == nil {
		if p, ok := profiles[f.as]; ok && p[0] != "" {
			return p[0], p[1], "", true, nil
		}
	}
	id, secret, err = f.createKeptKey(ctx)
	return id, secret, "", false, err
}

// createKeptKey makes an access key for --as USER with the admin key and
// keeps it as profile USER in the data dir's credentials file.
func (f *curlFlags) createKeptKey(ctx context.Context) (id, secret string, err error) {
	adminID, adminSecret, err := adminKey(f.dataDir)
	if err != nil {
		return "", "", err
	}
	client := iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(f.endpointURL()),
		HTTPClient:   f.httpClient(),
		Credentials:  credentials.NewStaticCredentialsProvider(adminID, adminSecret, ""),
	})
	path := filepath.Join(f.dataDir, "credentials")
	out, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(f.as)})
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "LimitExceeded" {
		return "", "", f.tooManyKeys(ctx, client, path)
	}
	if err != nil {
		return "", "", fmt.Errorf("creating an access key for %s: %w", f.as, err)
	}
	if out.AccessKey == nil {
		return "", "", errors.New("CreateAccessKey returned no key")
	}
	id, secret = aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey)
	if err := credfile.Write(path, f.as, id, secret); err != nil {
		return "", "", err
	}
	return id, secret, nil
}

// tooManyKeys explains IAM's two-keys-per-user limit: iamgate cannot read
// back the secret of a key it did not keep, so one must go.
func (f *curlFlags) tooManyKeys(ctx context.Context, client *iam.Client, path string) error {
	var ids []string
	if out, err := client.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(f.as)}); err == nil {
		for _, k := range out.AccessKeyMetadata {
			ids = append(ids, aws.ToString(k.AccessKeyId))
		}
	}
	msg := fmt.Sprintf("%s already has %d access keys, IAM's limit, and none is kept in %s (a secret cannot be read back): "+
		"delete one and run this again", f.as, len(ids), path)
	if len(ids) > 0 {
		msg += fmt.Sprintf(", e.g. aws iam delete-access-key --user-name %s --access-key-id %s", shellQuote(f.as), ids[0])
	}
	return errors.New(msg + "; or sign with a key you have: AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... iamgate curl URL (without --as)")
}
