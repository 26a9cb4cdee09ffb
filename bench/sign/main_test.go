package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/credfile"
	"github.com/iamgate/iamgate/internal/sigv4"
)

const (
	testID     = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testURL    = "http://127.0.0.1:4566/restapis/abc123/v1/_user_request_/hello"
)

var signedAt = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

type keys map[string]string

func (k keys) LookupKey(_ context.Context, id string) (sigv4.Key, bool, error) {
	s, ok := k[id]
	return sigv4.Key{AccessKeyID: id, Secret: s, Active: true}, ok, nil
}

// replay builds the request a load tool sends: the URL plus the printed headers.
func replay(t *testing.T, out string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, testURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			t.Fatalf("line %q is not 'Name: value'", sc.Text())
		}
		r.Header.Add(name, value)
	}
	r.RequestURI = r.URL.RequestURI()
	return r
}

// TestSignedHeadersVerify is differential: what this tool prints must pass
// iamgate's own verifier, and a flipped signature byte must not.
func TestSignedHeadersVerify(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "credentials")
	if err := credfile.Write(file, "api-gateway-user", testID, testSecret); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ACCESS_KEY_ID": testID, "AWS_SECRET_ACCESS_KEY": testSecret}
	cases := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"environment", []string{testURL}, env},
		{"credentials file", []string{"-credentials", file, "-profile", "api-gateway-user", testURL}, nil},
	}
	v := sigv4.NewVerifier(keys{testID: testSecret}, func() time.Time { return signedAt.Add(time.Minute) })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(tc.args, &out, func(k string) string { return tc.env[k] }, func() time.Time { return signedAt }); err != nil {
				t.Fatal(err)
			}
			r := replay(t, out.String())
			if _, err := v.Verify(context.Background(), r, sigv4.Options{Service: "execute-api", Region: "us-east-1"}); err != nil {
				t.Fatalf("printed headers do not verify: %v\n%s", err, out.String())
			}
			if strings.Contains(out.String(), testSecret) {
				t.Error("the secret key was printed")
			}
			auth := r.Header.Get("Authorization")
			last := auth[len(auth)-1]
			flipped := byte('0')
			if last == '0' {
				flipped = '1'
			}
			r.Header.Set("Authorization", auth[:len(auth)-1]+string(flipped))
			var se *sigv4.Error
			if _, err := v.Verify(context.Background(), r, sigv4.Options{Service: "execute-api", Region: "us-east-1"}); !errors.As(err, &se) || se.Reason != sigv4.SignatureMismatch {
				t.Errorf("flipped signature: got %v, want SignatureMismatch", err)
			}
		})
	}
}

func TestPrintedHeaderNames(t *testing.T) {
	var out bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"AWS_ACCESS_KEY_ID": testID, "AWS_SECRET_ACCESS_KEY": testSecret, "AWS_SESSION_TOKEN": "tok"}[k]
	}
	if err := run([]string{testURL}, &out, getenv, func() time.Time { return signedAt }); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		name, _, _ := strings.Cut(line, ":")
		names = append(names, name)
	}
	// Host is left to the load tool, which sends the URL's host.
	if diff := cmp.Diff([]string{"Authorization", "X-Amz-Date", "X-Amz-Security-Token"}, names); diff != "" {
		t.Errorf("header names (-want +got):\n%s", diff)
	}
}

func TestErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(file, []byte("[default]\naws_access_key_id = A\naws_secret_access_key = B\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no url", nil, "want exactly one URL"},
		{"two urls", []string{testURL, testURL}, "want exactly one URL"},
		{"no credentials", []string{testURL}, "no -credentials file"},
		{"unknown profile", []string{"-credentials", file, "-profile", "nobody", testURL}, `has no profile "nobody"`},
		{"missing file", []string{"-credentials", file + ".absent", testURL}, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.args, &bytes.Buffer{}, func(string) string { return "" }, time.Now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
