package lambdaapi

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/store"
)

const acct = cptest.AccountID

// fakeRuntime accepts deployments; the invoker below stands in for processes.
type fakeRuntime struct{}

func (fakeRuntime) Deploy(lambda.Function) error { return nil }
func (fakeRuntime) Remove(string) error          { return nil }

// echoInvoker answers with the payload wrapped, fails for "boom", and
// records asynchronous calls on a channel.
type echoInvoker struct {
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

// env serves this package's handler as "lambda" in a cptest environment,
// with deployments accepted and invocations answered by echoInvoker.
type env struct {
	*cptest.Env
	fns     *functions.Service
	inv     *echoInvoker
	objects map[string][]byte // code objects by bucket/key
}

// envRoles reads roles from the environment's IAM, made after the mount.
type envRoles struct{ e *env }

func (r envRoles) GetRole(ctx context.Context, name string) (iam.Role, error) {
	return r.e.IAM.GetRole(ctx, name)
}

// role creates a role whose trust policy allows service.
func (e *env) role(t *testing.T, name, service string) string {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
	r, err := e.IAM.CreateRole(context.Background(), name, "/", trust, "", time.Hour, "")
	if err != nil {
		t.Fatal(err)
	}
	return r.ARN
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{inv: &echoInvoker{calls: make(chan string, 10)}, objects: map[string][]byte{}}
	e.Env = cptest.New(t, "lambda", func(t testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		e.fns = functions.New(st, fakeRuntime{}, t.TempDir(), cptest.Region, acct, time.Now)
		h := New(Options{Functions: e.fns, Invoker: e.inv, Authz: a, Roles: envRoles{e},
			Code:    func(ctx context.Context, bucket, key string) ([]byte, error) { return e.objects[bucket+"/"+key], nil },
			Options: mount.Options{Region: cptest.Region, AccountID: acct}})
		t.Cleanup(func() { _ = h.Close(context.Background()) })
		return controlplane.Mount{Handler: h}
	})
	return e
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
