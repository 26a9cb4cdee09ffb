// Command sign prints the SigV4 headers of one request, signed with
// aws-sdk-go-v2's v4 signer, one "Name: value" line each, for load tools
// that replay fixed headers (wrk -H). A signature is accepted for 5 minutes
// around its X-Amz-Date (the execute-api clock-skew window), so sign again
// before every run and keep runs short.
//
//	sign -credentials DATA/credentials -profile api-gateway-user URL
//	sign URL     # credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN]
//
// The Host header is not printed: the load tool sends the URL's host, which
// is what was signed. Secrets are never printed; the Authorization header
// carries only the key id and the signature.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamgate/iamgate/internal/credfile"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Getenv, time.Now); err != nil {
		fmt.Fprintln(os.Stderr, "sign:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer, getenv func(string) string, now func() time.Time) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	method := fs.String("X", http.MethodGet, "HTTP method")
	service := fs.String("service", "execute-api", "SigV4 service name")
	region := fs.String("region", "us-east-1", "SigV4 region")
	file := fs.String("credentials", "", "shared-credentials file (default: the AWS_* environment variables)")
	profile := fs.String("profile", "default", "profile in -credentials")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("want exactly one URL")
	}
	creds, err := credentials(*file, *profile, getenv)
	if err != nil {
		return err
	}
	h, err := signedHeaders(context.Background(), creds, *method, fs.Arg(0), *service, *region, now())
	if err != nil {
		return err
	}
	return printHeaders(out, h)
}

// credentials reads a profile of a shared-credentials file, or the
// environment when no file is named.
func credentials(file, profile string, getenv func(string) string) (aws.Credentials, error) {
	if file == "" {
		c := aws.Credentials{AccessKeyID: getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken: getenv("AWS_SESSION_TOKEN")}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return c, errors.New("no -credentials file and no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment")
		}
		return c, nil
	}
	profiles, _, err := credfile.Read(file)
	if err != nil {
		return aws.Credentials{}, err
	}
	p, ok := profiles[profile]
	if !ok {
		return aws.Credentials{}, fmt.Errorf("%s has no profile %q", file, profile)
	}
	return aws.Credentials{AccessKeyID: p[0], SecretAccessKey: p[1]}, nil
}

// signedHeaders signs a bodiless request at the given time and returns the
// headers the signer set.
func signedHeaders(ctx context.Context, creds aws.Credentials, method, url, service, region string, at time.Time) (http.Header, error) {
	r, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return nil, err
	}
	empty := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(ctx, creds, r, hex.EncodeToString(empty[:]), service, region, at); err != nil {
		return nil, err
	}
	return r.Header, nil
}

func printHeaders(out io.Writer, h http.Header) error {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range h[name] {
			if _, err := fmt.Fprintf(out, "%s: %s\n", name, v); err != nil {
				return err
			}
		}
	}
	return nil
}
