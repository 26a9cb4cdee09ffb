package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/credfile"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/stack"
	"github.com/iamgate/iamgate/internal/testutil"
)

// backends lists the stores every server test runs on: sqlite always,
// PostgreSQL when IAMGATE_TEST_POSTGRES names one (CI sets it).
func backends(t *testing.T) map[string]string {
	out := map[string]string{"sqlite": "sqlite"}
	if dsn := os.Getenv("IAMGATE_TEST_POSTGRES"); dsn != "" {
		out["postgres"] = freshSchema(t, dsn)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but IAMGATE_TEST_POSTGRES is not set")
	}
	return out
}

// freshSchema gives the test its own PostgreSQL schema, so runs never see
// each other's records (nor records sealed with another data dir's key).
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	schema := fmt.Sprintf("servertest_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func newServer(t *testing.T, storeURL, dataDir string) *Server {
	t.Helper()
	s, err := New(context.Background(), Config{DataDir: dataDir, Store: storeURL, AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRootCredentialsPersist(t *testing.T) {
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := newServer(t, url, dir)
			id, secret := s.RootKey()
			if err := s.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(filepath.Join(dir, "credentials"))
			if err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("credentials file: %v %v", info, err)
			}
			profiles, _, err := credfile.Read(filepath.Join(dir, "credentials"))
			if err != nil || profiles["default"] != [2]string{id, secret} {
				t.Fatalf("credentials file does not hold the root key: %v", err)
			}
			s2 := newServer(t, url, dir)
			defer s2.Shutdown(context.Background())
			if id2, secret2 := s2.RootKey(); id2 != id || secret2 != secret {
				t.Errorf("root key changed across restarts")
			}
		})
	}
}

// TestSeedOnEveryBackend deploys the seed in-process and calls it unsigned
// and signed by the root key, over the server's own handler.
func TestSeedOnEveryBackend(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newServer(t, url, t.TempDir())
			defer s.Shutdown(ctx)
			stackName := "seed-" + strings.ReplaceAll(name, "_", "-") + "-" + time.Now().Format("150405")
			apiID := deploySeed(t, s, stackName)
			defer s.stacks.DeleteStack(rootCtx(t, s), stackName, "")
			srv := httptest.NewServer(s.Handler())
			defer srv.Close()
			resp, err := http.Get(srv.URL + "/restapis/" + apiID + "/v1/_user_request_/hello")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
				t.Errorf("unsigned: %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
			}
		})
	}
}

// deploySeed deploys the seed unchanged but for CodeUri (an S3 object here,
// as `sam deploy` would upload it) and the IAM user's name (stackName-user,
// so that runs on one PostgreSQL do not collide), and returns the API id.
// rootCtx carries the admin identity, whose authority in-process stack
// operations use.
func rootCtx(tb testing.TB, s *Server) context.Context {
	tb.Helper()
	root, err := s.rootCaller(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return stack.WithCaller(context.Background(), root)
}

func deploySeed(tb testing.TB, s *Server, stackName string) string {
	tb.Helper()
	ctx := rootCtx(tb, s)
	code, err := functions.ZipDir(testutil.Shared(tb, "seed", "hello_world"))
	if err != nil {
		tb.Fatal(err)
	}
	api, err := os.ReadFile(testutil.Shared(tb, "seed", "api.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := os.ReadFile(testutil.Shared(tb, "seed", "template.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	const bucket = "cm-fujii.genki-deploy"
	_ = s.objects.CreateBucket(ctx, bucket)
	for key, data := range map[string][]byte{"Api-IAM-Sample-Stack/api.yaml": api, "code.zip": code} {
		if _, err := s.objects.PutObject(ctx, bucket, key, data, "", nil); err != nil {
			tb.Fatal(err)
		}
	}
	body := strings.Replace(string(tmpl), "CodeUri: hello_world/", "CodeUri: s3://"+bucket+"/code.zip", 1)
	body = strings.Replace(body, "UserName: !Sub api-gateway-user", "UserName: !Sub "+stackName+"-user", 1)
	st := createStack(tb, ctx, s, stack.ChangeSetInput{StackName: stackName, TemplateBody: body, Capabilities: []string{"CAPABILITY_NAMED_IAM"}})
	if len(st.Outputs) == 0 {
		tb.Fatalf("stack: %+v", st)
	}
	// The output is https://{apiId}.execute-api.{region}.amazonaws.com/v1/hello.
	return strings.TrimPrefix(strings.SplitN(st.Outputs[0].Value, ".", 2)[0], "https://")
}

// TestReplicasShareAStore: two servers over one store (PostgreSQL in CI, the
// way a team scales out) see the same users and keys when they share the
// master key, and the second refuses to start with a different one.
func TestReplicasShareAStore(t *testing.T) {
	for name, url := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dirA, dirB := t.TempDir(), t.TempDir()
			if name == "sqlite" {
				url = "sqlite:" + filepath.Join(dirA, "shared.db")
			}
			a := newServer(t, url, dirA)
			defer a.Shutdown(ctx)
			if _, err := a.iam.CreateUser(ctx, "shared", "/", nil, ""); err != nil {
				t.Fatal(err)
			}
			key, err := a.iam.CreateAccessKey(ctx, "shared")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := New(ctx, Config{DataDir: dirB, Store: url}); err == nil || !strings.Contains(err.Error(), "master key") {
				t.Fatalf("a replica with another master key started: %v", err)
			}
			b, err := New(ctx, Config{DataDir: dirB, Store: url, MasterKeyFile: filepath.Join(dirA, "master.key")})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Shutdown(ctx)
			info, ok, err := b.iam.LookupKey(ctx, key.AccessKeyID)
			if err != nil || !ok || info.Secret != key.Secret.Reveal() {
				t.Errorf("replica b cannot read the key: %v %v", ok, err)
			}
		})
	}
}
