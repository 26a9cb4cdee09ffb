package s3api

import (
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/s3"
	"github.com/iamgate/iamgate/internal/store"
)

const acct = cptest.AccountID

// env serves this package's handler as "s3" (anonymous requests allowed,
// as for public reads) in a cptest environment.
type env struct{ *cptest.Env }

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvIn(t, cptest.Region)
}

// newEnvIn serves S3 as a server in region does.
func newEnvIn(t *testing.T, region string) *env {
	t.Helper()
	return &env{cptest.New(t, "s3", func(_ testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		h := New(Options{Objects: s3.New(st, region, time.Now), Authz: a,
			Options: mount.Options{Region: region, AccountID: acct}})
		return controlplane.Mount{Handler: h, S3: true, Anonymous: true}
	})}
}
