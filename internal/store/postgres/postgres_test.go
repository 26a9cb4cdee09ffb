package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/postgres"
	"github.com/iamgate/iamgate/internal/store/storetest"
	"github.com/iamgate/iamgate/internal/testutil"
)

// dsn returns the test database, or skips (fails under CI) without one.
func dsn(t testing.TB) string {
	t.Helper()
	d := os.Getenv("IAMGATE_TEST_POSTGRES")
	testutil.Need(t, d != "", "IAMGATE_TEST_POSTGRES is not set (set it to postgres://... to run)")
	return d
}

// withSearchPath points a DSN at schema.
func withSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// open gives each test its own schema, named from the test's stable
// storetest.Dir, so a second open in the same test sees the same data.
func open(t *testing.T) store.Store {
	t.Helper()
	base := dsn(t)
	sum := sha256.Sum256([]byte(storetest.Dir(t)))
	schema := "storetest_" + hex.EncodeToString(sum[:8])
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	})
	s, err := postgres.Open(ctx, withSearchPath(base, schema))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	dsn(t)
	storetest.Run(t, open)
}

func TestOpenBadDSN(t *testing.T) {
	for _, d := range []string{"postgres://127.0.0.1:1/none?connect_timeout=1", "not a dsn ::"} {
		t.Run(d, func(t *testing.T) {
			s, err := postgres.Open(context.Background(), d)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), "password=") {
				t.Errorf("error leaks connection secrets: %v", err)
			}
		})
	}
}
