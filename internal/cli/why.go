package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/gateway"
	"github.com/iamgate/iamgate/internal/server"
)

type whyFlags struct {
	curlFlags
	json bool
}

func newWhy() *cobra.Command {
	var f whyFlags
	c := &cobra.Command{
		Use:   "why [--as USER] [-X METHOD] URL | why REQUEST_ID",
		Short: "Explain a request's decision: which signature step or policy statement decided, and why",
		Long: "With a URL, the request `iamgate curl` would send is evaluated without invoking anything.\n" +
			"With a REQUEST_ID (a response's x-amzn-RequestId), the trace of that recent request is shown.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runWhy(c.Context(), c.OutOrStdout(), &f, args[0])
		},
	}
	f.clientFlags.register(c)
	c.Flags().StringVar(&f.as, "as", "", "evaluate as this IAM user (a key is created once and kept as profile USER in {data dir}/credentials)")
	c.Flags().StringVarP(&f.method, "request", "X", "", "HTTP method")
	c.Flags().StringArrayVarP(&f.headers, "header", "H", nil, "extra header 'Name: value'")
	c.Flags().StringVarP(&f.data, "data", "d", "", "request body (@file reads a file)")
	c.Flags().BoolVar(&f.json, "json", false, "print the trace as JSON")
	f.service = "execute-api"
	return c
}

func runWhy(ctx context.Context, stdout io.Writer, f *whyFlags, arg string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var t *gateway.Trace
	var err error
	if strings.Contains(arg, "://") {
		t, err = explainURL(ctx, &f.curlFlags, arg)
	} else {
		t, err = fetchTrace(ctx, &f.clientFlags, arg)
	}
	if err != nil {
		return err
	}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	t.WriteText(stdout)
	return nil
}

// explainURL signs the request curl would send and asks the server to
// evaluate it without invoking.
func explainURL(ctx context.Context, f *curlFlags, rawURL string) (*gateway.Trace, error) {
	id, secret, token, _, err := f.credentials(ctx)
	if err != nil {
		return nil, err
	}
	req, signHost, err := f.request(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	body, err := f.body()
	if err != nil {
		return nil, err
	}
	req.Host = signHost
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), f.service, regionOf(signHost, f.region), time.Now()); err != nil {
		return nil, err
	}
	wr := server.WhyRequest{Method: req.Method, URL: req.URL.String(), Host: signHost, Header: req.Header, Body: body}
	payload, err := json.Marshal(wr)
	if err != nil {
		return nil, err
	}
	return callWhy(ctx, &f.clientFlags, http.MethodPost, server.WhyPath, payload)
}

// fetchTrace asks for the trace of a past request.
func fetchTrace(ctx context.Context, f *clientFlags, requestID string) (*gateway.Trace, error) {
	return callWhy(ctx, f, http.MethodGet, server.WhyPath+"/"+url.PathEscape(requestID), nil)
}

// callWhy sends one request to the why API, signed with the environment's
// or the data dir's admin credentials (service "iamgate").
func callWhy(ctx context.Context, f *clientFlags, method, path string, payload []byte) (*gateway.Trace, error) {
	status, h, b, err := callIamgate(ctx, f, method, path, payload)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, iamgateError("why", h, b)
	}
	var t gateway.Trace
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("why: unexpected answer: %w", err)
	}
	return &t, nil
}

// explainResponse prints the trace of the request resp answered (curl --explain).
func explainResponse(ctx context.Context, w io.Writer, f *clientFlags, resp *http.Response) error {
	id := resp.Header.Get("x-amzn-RequestId")
	if id == "" {
		return fmt.Errorf("--explain: the response has no x-amzn-RequestId")
	}
	t, err := fetchTrace(ctx, f, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(w) // the body before it may not end its line
	t.WriteText(w)
	return nil
}
