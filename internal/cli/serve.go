package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/audit"
	"github.com/iamgate/iamgate/internal/server"
)

func newServe() *cobra.Command {
	var f serverFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the iamgate server",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			srv, err := startServer(ctx, &f, c.ErrOrStderr(), "")
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "iamgate listening on %s (data dir %s)\n", srv.Endpoint(), f.dataDir)
			return runUntilDone(ctx, srv, c.ErrOrStderr())
		},
	}
	f.register(c)
	return c
}

func logger(w io.Writer, debug bool) *slog.Logger {
	if debug {
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(newConsoleHandler(w, slog.LevelWarn))
}

// startServer builds, binds and starts serving; errors from Serve are logged.
// includeDir, when set, is where missing AWS::Include objects are taken
// from (up's convenience).
func startServer(ctx context.Context, f *serverFlags, stderr io.Writer, includeDir string) (*runningServer, error) {
	tuneGC(os.Getenv)
	mode, err := audit.ParseMode(f.iamMode)
	if err != nil {
		return nil, err
	}
	srv, err := server.New(ctx, server.Config{IAMMode: mode, DecisionLogSize: f.decisionLogSize, Addr: f.addr, DataDir: f.dataDir, Store: f.store, AccountID: f.accountID,
		Region: f.region, Logger: logger(stderr, f.debug), IncludeFallbackDir: includeDir, MasterKeyFile: f.masterKeyFile,
		LambdaConcurrency: f.lambdaConcurrency, LambdaIdleTimeout: f.lambdaIdleTimeout, NodeModules: f.nodeModules,
		CustomResourceTimeout: f.customResourceTimeout,
		Notice:                func(msg string) { fmt.Fprintln(stderr, "notice:", msg) }})
	if err != nil {
		return nil, err
	}
	if mode.Auditing() {
		fmt.Fprintf(stderr, "notice: IAM mode %s: denied requests are served, logged and marked x-iamgate-decision: deny\n", mode)
	}
	if _, err := srv.Listen(); err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, err
	}
	// `iamgate env` prints the server's region from here, so that clients
	// of an `up --region ap-northeast-1` sign for ap-northeast-1.
	if err := os.WriteFile(filepath.Join(f.dataDir, regionFile), []byte(srv.Config().Region+"\n"), 0o600); err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, err
	}
	rs := &runningServer{Server: srv, done: make(chan error, 1)}
	go func() { rs.done <- srv.Serve() }()
	return rs, nil
}

type runningServer struct {
	*server.Server
	done chan error
}

// runUntilDone serves until ctx ends (Ctrl-C) and then shuts down cleanly.
func runUntilDone(ctx context.Context, srv *runningServer, stderr io.Writer) error {
	select {
	case err := <-srv.done:
		_ = srv.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "iamgate: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
