package apigwapi

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store/sqlite"
	"github.com/iamgate/iamgate/internal/testutil"
)

const acct = "000000000000"

type key struct{ id, secret string }

type env struct {
	url  string
	apis *apigw.Service
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
	apis := apigw.New(st, apigw.Options{AccountID: acct, Region: "us-east-1", Now: time.Now})
	h := New(Options{APIs: apis, Authz: a, Region: "us-east-1"})
	cp := controlplane.New(controlplane.Options{Auth: a, Authz: a, Region: "us-east-1", AccountID: acct,
		Services: map[string]controlplane.Mount{"apigateway": {Protocol: awserr.RESTJSON, Handler: h}}})
	srv := httptest.NewServer(cp)
	t.Cleanup(srv.Close)
	return &env{url: srv.URL, apis: apis, home: t.TempDir(),
		root: key{rk.AccessKeyID, rk.Secret.Reveal()}, user: key{uk.AccessKeyID, uk.Secret.Reveal()}}
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
