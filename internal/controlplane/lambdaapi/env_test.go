package lambdaapi

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/testutil"
)

const acct = "000000000000"

type key struct{ id, secret string }

// fakeRuntime accepts deployments; the invoker below stands in for processes.
type fakeRuntime struct{}

func (fakeRuntime) Deploy(lambda.Function) error { return nil }
func (fakeRuntime) Remove(string) error          { return nil }

// echoInvoker answers with the payload wrapped, fails for "boom", and
// records asynchronous calls on a channel.
type echoInvoker struct {
	mu    sync.Mutex
	calls chan string
}

func (f *echoInvoker) Invoke(_ context.Context, name string, payload []byte, o lambda.InvokeOptions) (*lambda.Result, error) {
	if f.calls != nil {
		f.calls <- name + " " + string(payload)
	}
	res := &lambda.Result{RequestID: "11111111-2222-3333-4444-555555555555", Payload: []byte(`{"echo":` + string(payload) + `}`)}
	if name == "boom" {
		res.Payload = []byte(`{"errorMessage":"boom","errorType":"Exception"}`)
		res.FunctionError = "Unhandled"
	}
	if o.Tail {
		res.LogTail = base64.StdEncoding.EncodeToString([]byte("START RequestId: " + res.RequestID + " Version: $LATEST\n"))
	}
	return res, nil
}

type env struct {
	url  string
	fns  *functions.Service
	inv  *echoInvoker
	root key
	user key
	home string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(t.TempDir() + "/db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := seal.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ids := iam.New(st, sealer, iam.Options{AccountID: acct})
	rk, err := ids.EnsureRootKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ids.CreateUser(ctx, "api-gateway-user", "/", nil); err != nil {
		t.Fatal(err)
	}
	uk, err := ids.CreateAccessKey(ctx, "api-gateway-user")
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(ids, time.Now)
	fns := functions.New(st, fakeRuntime{}, t.TempDir(), "us-east-1", acct, time.Now)
	inv := &echoInvoker{calls: make(chan string, 10)}
	h := New(Options{Functions: fns, Invoker: inv, Authz: a, Region: "us-east-1", AccountID: acct})
	t.Cleanup(func() { _ = h.Close(context.Background()) })
	cp := controlplane.New(controlplane.Options{Auth: a, Authz: a, Region: "us-east-1", AccountID: acct,
		Services: map[string]controlplane.Mount{"lambda": {Protocol: awserr.RESTJSON, Handler: h}}})
	srv := httptest.NewServer(cp)
	t.Cleanup(srv.Close)
	return &env{url: srv.URL, fns: fns, inv: inv, home: t.TempDir(),
		root: key{rk.AccessKeyID, rk.Secret.Reveal()}, user: key{uk.AccessKeyID, uk.Secret.Reveal()}}
}

// zipOf returns a zip holding one file.
func zipOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (e *env) deploy(t *testing.T, name string) {
	t.Helper()
	_, err := e.fns.Put(context.Background(), functions.Config{Name: name, Runtime: "python3.12", Handler: "app.lambda_handler",
		Role: "arn:aws:iam::" + acct + ":role/r"}, zipOf(t, "app.py", "def lambda_handler(e, c):\n    return e\n"))
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) aws(t *testing.T, k key, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin := testutil.NeedCommand(t, "aws")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "--endpoint-url", e.url)...)
	cmd.Dir = e.home
	cmd.Env = []string{"HOME=" + e.home, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + k.id,
		"AWS_SECRET_ACCESS_KEY=" + k.secret, "AWS_DEFAULT_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + e.home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + e.home + "/none", "AWS_PAGER="}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func (e *env) must(t *testing.T, k key, args ...string) string {
	t.Helper()
	out, errOut, err := e.aws(t, k, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}
