package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/stack"
)

func newUp() *cobra.Command {
	var f serverFlags
	var stackName string
	var overrides []string
	var watch bool
	c := &cobra.Command{
		Use:   "up [DIR|TEMPLATE]",
		Short: "Serve, deploy a SAM/CloudFormation template and print its endpoints",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runUp(ctx, c.OutOrStdout(), c.ErrOrStderr(), &f, target, stackName, overrides, watch)
		},
	}
	f.register(c)
	c.Flags().StringVar(&stackName, "stack-name", "", "stack name (default: samconfig.toml's, else the folder name)")
	c.Flags().StringSliceVar(&overrides, "parameter-overrides", nil, "Key=Value parameter overrides")
	c.Flags().BoolVar(&watch, "watch", true, "redeploy when the template or a function's code changes")
	return c
}

// findTemplate resolves `up`'s argument to a template file.
func findTemplate(target string) (string, error) {
	info, err := os.Stat(target)
	if err != nil {
		return "", fmt.Errorf("%s: no such file or directory", target)
	}
	if !info.IsDir() {
		return target, nil
	}
	for _, name := range []string{"template.yaml", "template.yml", "template.json"} {
		p := filepath.Join(target, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no template.yaml, template.yml or template.json", target)
}

var nonStackChars = regexp.MustCompile(`[^-a-zA-Z0-9]+`)

func stackNameFor(dir string) string {
	abs, _ := filepath.Abs(dir)
	n := strings.Trim(nonStackChars.ReplaceAllString(filepath.Base(abs), "-"), "-")
	if n == "" || !(n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		n = "iamgate-" + n
	}
	return n
}

func runUp(ctx context.Context, stdout, stderr io.Writer, f *serverFlags, target, stackName string, overrides []string, watch bool) error {
	start := time.Now()
	tmpl, err := findTemplate(target)
	if err != nil {
		return err
	}
	dir := filepath.Dir(tmpl)
	sc, err := readSAMConfig(filepath.Join(dir, "samconfig.toml"))
	if err != nil {
		return err
	}
	params := sc.ParameterOverrides
	if len(overrides) > 0 {
		if params, err = parseOverrides(overrides); err != nil {
			return err
		}
	}
	if stackName == "" {
		stackName = sc.StackName
	}
	if stackName == "" {
		stackName = stackNameFor(dir)
	}
	srv, err := startServer(ctx, f, stderr, func(ev stack.Event) { printEvent(stdout, ev) })
	if err != nil {
		return err
	}
	srv.SetIncludeFallback(dir)
	fmt.Fprintf(stdout, "iamgate listening on %s (data dir %s)\n", srv.Endpoint(), f.dataDir)
	d := &deployer{srv: srv, stdout: stdout}
	if err := d.deploy(ctx, tmpl, stackName, sc, params); err != nil {
		fmt.Fprintf(stderr, "iamgate: deploy failed: %v\n", err)
		if watch {
			fmt.Fprintln(stderr, "iamgate: the server keeps running; fix the template and up redeploys it")
		} else {
			fmt.Fprintln(stderr, "iamgate: the server keeps running; fix the template and run up again")
		}
	} else {
		d.printSummary(ctx, stackName, time.Since(start))
	}
	if watch {
		body, _ := os.ReadFile(tmpl)
		w := newWatcher(tmpl, body, f.dataDir)
		go w.watch(ctx, 500*time.Millisecond, func(ctx context.Context, changed []string) {
			fmt.Fprintf(stdout, "iamgate: changed: %s; redeploying\n", strings.Join(changed, ", "))
			start := time.Now()
			if err := d.deploy(ctx, tmpl, stackName, sc, params); err != nil {
				fmt.Fprintf(stderr, "iamgate: redeploy failed: %v\n", err)
				return
			}
			fmt.Fprintf(stdout, "iamgate: redeployed stack %s in %.1fs\n", stackName, time.Since(start).Seconds())
		})
	}
	return runUntilDone(ctx, srv, stderr)
}

func printEvent(w io.Writer, ev stack.Event) {
	reason := ""
	if ev.ResourceStatusReason != "" && ev.ResourceStatusReason != "User Initiated" {
		reason = "  " + ev.ResourceStatusReason
	}
	fmt.Fprintf(w, "  %-28s %-32s %s%s\n", ev.ResourceStatus, ev.ResourceType, ev.LogicalResourceID, reason)
}

type deployer struct {
	srv    *runningServer
	stdout io.Writer
}

const managedBucket = "iamgate-managed-artifacts"

func (d *deployer) deploy(ctx context.Context, tmpl, stackName string, sc samConfig, params map[string]string) error {
	body, err := os.ReadFile(tmpl)
	if err != nil {
		return err
	}
	bucket := sc.S3Bucket
	if bucket == "" {
		bucket = managedBucket
	}
	packaged, err := packageTemplate(ctx, tmpl, body, sc.S3Prefix, func(ctx context.Context, key string, data []byte) (string, error) {
		if err := d.srv.S3.CreateBucket(ctx, bucket); err != nil && !awserr.Is(err, "BucketAlreadyOwnedByYou") {
			return "", err
		}
		_, err := d.srv.S3.PutObject(ctx, bucket, key, data, "application/zip", nil)
		return bucket, err
	})
	if err != nil {
		return err
	}
	eng := d.srv.Stacks
	root, err := d.srv.RootCaller(ctx)
	if err != nil {
		return err
	}
	ctx = stack.WithCaller(ctx, root) // up deploys with the admin identity it prints
	typ := "UPDATE"
	if st, err := eng.DescribeStacks(ctx, stackName); err != nil || st[0].StackStatus == stack.ReviewInProgress {
		typ = "CREATE"
	} else if st[0].StackStatus == stack.RollbackComplete {
		if err := eng.DeleteStack(ctx, stackName, ""); err != nil {
			return err
		}
		if err := eng.Wait(ctx, stackName); err != nil {
			return err
		}
		typ = "CREATE"
	}
	var plist []stack.Parameter
	for k, v := range params {
		plist = append(plist, stack.Parameter{Key: k, Value: v})
	}
	caps := sc.Capabilities
	if len(caps) == 0 {
		caps = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}
	}
	csName := fmt.Sprintf("iamgate-up-%d", time.Now().UnixNano())
	fmt.Fprintf(d.stdout, "Deploying stack %s from %s\n", stackName, tmpl)
	cs, err := eng.CreateChangeSet(ctx, stack.ChangeSetInput{StackName: stackName, ChangeSetName: csName, ChangeSetType: typ,
		TemplateBody: packaged, Parameters: plist, Capabilities: caps, SourceName: tmpl})
	if err != nil {
		return err
	}
	if cs.Status == "FAILED" {
		_ = eng.DeleteChangeSet(ctx, stackName, csName)
		fmt.Fprintf(d.stdout, "No changes to deploy. Stack %s is up to date.\n", stackName)
		return nil
	}
	if err := eng.ExecuteChangeSet(ctx, stackName, csName); err != nil {
		return err
	}
	_ = eng.Wait(ctx, stackName) // the stack's status says how it ended
	st, err := eng.DescribeStacks(ctx, stackName)
	if err != nil {
		return err
	}
	if s := st[0].StackStatus; s != stack.CreateComplete && s != stack.UpdateComplete {
		return fmt.Errorf("stack %s is %s: %s", stackName, s, st[0].StackStatusReason)
	}
	return nil
}
