package apigwapi

import (
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/store"
)

const acct = cptest.AccountID

// env serves this package's handler as "apigateway" in a cptest environment.
type env struct {
	*cptest.Env
	apis *apigw.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.Env = cptest.New(t, "apigateway", func(_ testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		e.apis = apigw.New(st, apigw.Options{AccountID: acct, Region: cptest.Region, Now: time.Now})
		h := New(Options{APIs: e.apis, Authz: a, Options: mount.Options{Region: cptest.Region}})
		return controlplane.Mount{Handler: h}
	})
	return e
}
