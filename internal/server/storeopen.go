package server

import (
	"context"
	"errors"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

func openSQLite(path string) (store.Store, error) { return sqlite.Open(path) }

func openPostgres(ctx context.Context, dsn string) (store.Store, error) {
	return nil, errors.New("postgres store: not built yet")
}
