package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamgate/iamgate/internal/testutil"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// longestRun is the longest run of letters and digits in s: every encoding
// of a base64 token (as sent, %-encoded, form-encoded) contains it.
func longestRun(s string) string {
	best, cur := "", ""
	for _, c := range s {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			cur += string(c)
			if len(cur) > len(best) {
				best = cur
			}
			continue
		}
		cur = ""
	}
	return best
}

// TestNoCredentialsInTracesLogsMetrics signs data-plane and control-plane
// requests with a session (header and presigned forms, right and wrong
// secrets), then reads every trace (`why REQUEST_ID` and `why URL`), the
// debug log and the metrics exposition: none holds a signature, the session
// token or a secret key.
func TestNoCredentialsInTracesLogsMetrics(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	ctx := context.Background()
	logs := &syncBuffer{}
	s, err := New(ctx, Config{DataDir: t.TempDir(), Store: "sqlite", Region: "us-east-1",
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	apiID := deploySeed(t, s, "redact-"+time.Now().Format("150405"))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	if _, err := s.iam.CreateUser(ctx, "traced", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	key, err := s.iam.CreateAccessKey(ctx, "traced")
	if err != nil {
		t.Fatal(err)
	}
	userCreds := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.Secret.Reveal()}
	stsc := sts.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return userCreds, nil })})
	out, err := stsc.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey,
		SessionToken: *out.Credentials.SessionToken}
	wrong := session
	wrong.SecretAccessKey = strings.Repeat("w", 40)

	secrets := map[string]string{"session token": longestRun(session.SessionToken), "session secret": session.SecretAccessKey,
		"user secret": userCreds.SecretAccessKey}
	rootID, rootSecret := s.RootKey()
	secrets["root secret"] = rootSecret
	root := aws.Credentials{AccessKeyID: rootID, SecretAccessKey: rootSecret}
	emptySum := hex.EncodeToString(sha256.New().Sum(nil))
	signer := v4.NewSigner()
	apiURL := srv.URL + "/restapis/" + apiID + "/v1/_user_request_/hello"

	var ids []string
	var bodies []string
	send := func(r *http.Request) {
		t.Helper()
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		bodies = append(bodies, string(b))
		if id := resp.Header.Get("x-amzn-RequestId"); id != "" {
			ids = append(ids, id)
		}
	}
	headerSigned := func(method, u, service string, creds aws.Credentials) *http.Request {
		r, _ := http.NewRequest(method, u, nil)
		// A signer per request: the SDK's caches derived keys by key id.
		if err := v4.NewSigner().SignHTTP(ctx, creds, r, emptySum, service, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		_, sig, _ := strings.Cut(r.Header.Get("Authorization"), "Signature=")
		secrets["signature of "+method+" "+u+" "+creds.SecretAccessKey[:4]] = sig
		return r
	}
	presigned := func(method, u, service string, creds aws.Credentials) *http.Request {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		r, _ := http.NewRequest(method, u+sep+"X-Amz-Expires=900", nil)
		signed, _, err := v4.NewSigner().PresignHTTP(ctx, creds, r, "UNSIGNED-PAYLOAD", service, "us-east-1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		pu, _ := url.Parse(signed)
		secrets["presigned signature of "+u+" "+creds.SecretAccessKey[:4]] = pu.Query().Get("X-Amz-Signature")
		r, _ = http.NewRequest(method, signed, nil)
		return r
	}
	var explainURLs []string
	for _, creds := range []aws.Credentials{session, wrong} {
		send(headerSigned("GET", apiURL, "execute-api", creds))
		p := presigned("GET", apiURL+"?q=1", "execute-api", creds)
		explainURLs = append(explainURLs, p.URL.String())
		send(p)
		send(presigned("GET", srv.URL+"/cm-fujii.genki-deploy/code.zip", "s3", creds))
		send(headerSigned("GET", srv.URL+"/?Action=ListUsers&Version=2010-05-08", "iam", creds))
		send(headerSigned("GET", srv.URL+"/2015-03-31/functions", "lambda", creds))
	}

	// Everything a trace reader sees.
	var seen []string
	for _, id := range ids {
		r := headerSigned("GET", srv.URL+WhyPath+"/"+id, WhyService, root)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		if w.Code == 200 {
			seen = append(seen, "trace "+id+": "+w.Body.String())
		}
	}
	for _, u := range explainURLs {
		body, _ := json.Marshal(WhyRequest{Method: "GET", URL: u})
		r, _ := http.NewRequest("POST", srv.URL+WhyPath, bytes.NewReader(body))
		sum := sha256.Sum256(body)
		if err := signer.SignHTTP(ctx, root, r, hex.EncodeToString(sum[:]), WhyService, "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("why %s: %d %s", u, w.Code, w.Body.String())
		}
		seen = append(seen, "explained: "+w.Body.String())
	}
	if len(seen) < len(ids)/2 {
		t.Fatalf("only %d traces for %d requests", len(seen), len(ids))
	}
	m := headerSigned("GET", srv.URL+MetricsPath, "iamgate", root)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, m)
	seen = append(seen, "metrics: "+w.Body.String(), "log: "+logs.String())

	for name, secret := range secrets {
		if len(secret) < 16 {
			t.Fatalf("%s: %q is too short to look for", name, secret)
		}
		for _, text := range seen {
			if strings.Contains(text, secret) {
				kind, _, _ := strings.Cut(text, ":")
				t.Errorf("%s found in %s", name, kind)
			}
		}
	}
	// The traces still show what happened.
	if all := strings.Join(seen, "\n"); !strings.Contains(all, "X-Amz-Signature=REDACTED") ||
		!strings.Contains(all, "does not match") {
		t.Errorf("traces lost their content:\n%s", all)
	}
}
