package logsapi

import (
	"context"
	"testing"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/controlplane"
	"github.com/iamgate/iamgate/internal/controlplane/cptest"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
	"github.com/iamgate/iamgate/internal/logs"
	"github.com/iamgate/iamgate/internal/store"
)

const acct = cptest.AccountID

// env serves this package's handler as "logs" in a cptest environment.
type env struct {
	*cptest.Env
	logs *logs.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.Env = cptest.New(t, "logs", func(tb testing.TB, st store.Store, a *auth.Service) controlplane.Mount {
		e.logs = logs.New(st, logs.Options{Region: cptest.Region, AccountID: acct})
		tb.Cleanup(func() { e.logs.Close(context.Background()) })
		h := New(Options{Logs: e.logs, Authz: a,
			Options: mount.Options{Region: cptest.Region, AccountID: acct}})
		return controlplane.Mount{Handler: h}
	})
	return e
}
