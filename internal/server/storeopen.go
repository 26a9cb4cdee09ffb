package server

import (
	"context"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/postgres"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

func openSQLite(path string) (store.Store, error) { return sqlite.Open(path) }

func openPostgres(ctx context.Context, dsn string) (store.Store, error) {
	return postgres.Open(ctx, dsn)
}
