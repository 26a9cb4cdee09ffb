package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/server"
)

// exitError carries a process exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintln(stderr, "iamgate:", err)
	return 1
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "iamgate",
		Short:         "Run AWS serverless applications locally with IAM switched on",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newServe(), newUp(), newEnv(), newCurl(), newWhy(), newDeploy(), newLogs(), newCheck(), newPolicy(), newInvoke(), newBuild(), newPackage())
	return root
}

const defaultDataDir = ".iamgate"

// serverFlags are shared by serve and up.
type serverFlags struct {
	addr, dataDir, store, accountID, region string
	masterKeyFile                           string
	debug                                   bool
	iamMode                                 []string
	decisionLogSize                         int
	lambdaConcurrency                       int
	lambdaIdleTimeout                       time.Duration
	nodeModules                             []string
	customResourceTimeout                   time.Duration
}

func (f *serverFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.addr, "addr", "127.0.0.1:4566", "listen address")
	c.Flags().StringVar(&f.dataDir, "data-dir", defaultDataDir, "data directory")
	c.Flags().StringVar(&f.store, "store", "sqlite", "store: sqlite, sqlite:PATH or a postgres:// URL")
	c.Flags().StringVar(&f.accountID, "account-id", "000000000000", "AWS account id")
	c.Flags().StringVar(&f.region, "region", defaultRegion(), "AWS region")
	c.Flags().StringVar(&f.masterKeyFile, "master-key-file", "", "32-byte key sealing secrets at rest (replicas sharing a store need the same one); default {data dir}/master.key")
	c.Flags().BoolVar(&f.debug, "debug", false, "log at debug level")
	c.Flags().StringArrayVar(&f.iamMode, "iam-mode", nil, "enforce (default), audit, or audit:role/NAME[,user/NAME...] to serve denials of those principals (logged, x-iamgate-decision: deny); repeatable")
	c.Flags().IntVar(&f.decisionLogSize, "decision-log-size", 0, "authorization decisions kept in the store for `policy suggest` (default 100000)")
	c.Flags().IntVar(&f.lambdaConcurrency, "lambda-concurrency", server.DefaultLambdaConcurrency, "the account's Lambda concurrent executions: invocations past it (or past a function's ReservedConcurrentExecutions) are throttled with 429 TooManyRequestsException")
	c.Flags().DurationVar(&f.lambdaIdleTimeout, "lambda-idle-timeout", server.DefaultLambdaIdleTimeout, "how long an idle function instance stays warm before it is stopped")
	c.Flags().DurationVar(&f.customResourceTimeout, "custom-resource-timeout", server.DefaultCustomResourceTimeout, "longest wait for a custom resource's answer (with its ServiceTimeout, which CloudFormation defaults to 1 hour)")
	c.Flags().StringSliceVar(&f.nodeModules, "node-modules", nil, "node_modules folders (readable by function users) put on Node.js functions' NODE_PATH: where the AWS SDK for JavaScript that Lambda's runtimes include (v3 from nodejs18.x, v2 before) can be provided; iamgate does not ship it")
}

func defaultRegion() string {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "us-east-1"
}

// clientFlags are shared by the client subcommands.
type clientFlags struct {
	endpoint, dataDir, region string
}

func (f *clientFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.endpoint, "endpoint-url", "", "iamgate endpoint (default $AWS_ENDPOINT_URL, else the running server's, else http://127.0.0.1:4566)")
	c.Flags().StringVar(&f.dataDir, "data-dir", ".iamgate", "data directory holding the admin credentials")
	c.Flags().StringVar(&f.region, "region", defaultRegion(), "AWS region")
}

// endpointURL resolves the endpoint: flag, environment, the file the
// server writes when it listens, then the default.
func (f *clientFlags) endpointURL() string {
	if f.endpoint != "" {
		return strings.TrimRight(f.endpoint, "/")
	}
	if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		return strings.TrimRight(v, "/")
	}
	if b, err := os.ReadFile(filepath.Join(f.dataDir, "endpoint")); err == nil {
		if v := strings.TrimSpace(string(b)); v != "" {
			return v
		}
	}
	return "http://127.0.0.1:4566"
}
