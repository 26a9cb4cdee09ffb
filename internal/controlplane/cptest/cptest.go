package cptest

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/testutil"
)

// The environment's account, region and unprivileged user.
const (
	AccountID = "000000000000"
	Region    = "us-east-1"
	UserName  = "api-gateway-user"
)

// Key is an access key pair; Token is set for temporary credentials.
type Key struct{ ID, Secret, Token string }

// Env is a running control plane. Root may do anything; User (UserName) has
// no policy at all.
type Env struct {
	URL  string
	IAM  *iam.Service
	Root Key
	User Key
	// Home is an empty directory the aws CLI runs in, as HOME and cwd.
	Home string
}

// MountFunc builds the service under test over the environment's store and
// authorizer.
type MountFunc func(t testing.TB, st store.Store, a *auth.Service) controlplane.Mount

// New starts a control plane serving mount under the signing name service,
// and stops it when the test ends.
func New(t testing.TB, service string, mount MountFunc) *Env {
	t.Helper()
	ids := NewIdentities(t, IdentityOptions{})
	_, uk := ids.UserKey(t, UserName)
	cp := controlplane.New(controlplane.Options{Auth: ids.Auth, Region: Region, AccountID: AccountID,
		Services: map[string]controlplane.Mount{service: mount(t, ids.Store, ids.Auth)}})
	srv := httptest.NewServer(cp)
	t.Cleanup(srv.Close)
	return &Env{URL: srv.URL, IAM: ids.IAM, Home: t.TempDir(), Root: ids.Root, User: uk}
}

// AWS runs the real aws CLI against the server with k's credentials and
// nothing from the machine's AWS configuration. It skips the test when the
// CLI is not installed (fails under CI=true).
func (e *Env) AWS(t testing.TB, k Key, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bin := testutil.NeedCommand(t, "aws")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "--endpoint-url", e.URL)...)
	cmd.Dir = e.Home
	cmd.Env = []string{"HOME=" + e.Home, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + k.ID,
		"AWS_SECRET_ACCESS_KEY=" + k.Secret, "AWS_DEFAULT_REGION=" + Region, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + e.Home + "/none", "AWS_SHARED_CREDENTIALS_FILE=" + e.Home + "/none", "AWS_PAGER="}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// Must runs AWS and fails the test on a non-zero exit.
func (e *Env) Must(t testing.TB, k Key, args ...string) string {
	t.Helper()
	out, errOut, err := e.AWS(t, k, args...)
	if err != nil {
		t.Fatalf("aws %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}
