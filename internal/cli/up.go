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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"
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
	srv, err := startServer(ctx, f, stderr, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "iamgate listening on %s (data dir %s)\n", srv.Endpoint(), f.dataDir)
	fmt.Fprintf(stdout, "Deploying stack %s from %s\n", stackName, tmpl)
	d, cfn := upDeployment(srv, tmpl, stackName, sc, params, stdout)
	if err := d.run(ctx); err != nil {
		fmt.Fprintf(stderr, "iamgate: deploy failed: %v\n", err)
		if watch {
			fmt.Fprintln(stderr, "iamgate: the server keeps running; fix the template and up redeploys it")
		} else {
			fmt.Fprintln(stderr, "iamgate: the server keeps running; fix the template and run up again")
		}
	} else {
		printSummary(ctx, stdout, cfn, d.stages, srv, stackName, time.Since(start))
	}
	if watch {
		body, _ := os.ReadFile(tmpl)
		w := newWatcher(tmpl, body, f.dataDir)
		go w.watch(ctx, 500*time.Millisecond, func(ctx context.Context, changed []string) {
			fmt.Fprintf(stdout, "iamgate: changed: %s; redeploying\n", strings.Join(changed, ", "))
			start := time.Now()
			if err := d.run(ctx); err != nil {
				fmt.Fprintf(stderr, "iamgate: redeploy failed: %v\n", err)
				return
			}
			fmt.Fprintf(stdout, "iamgate: redeployed stack %s in %.1fs\n", stackName, time.Since(start).Seconds())
		})
	}
	return runUntilDone(ctx, srv, stderr)
}

// upDeployment is the `iamgate deploy` of up's template, made against up's
// own server with the admin key: one deployment pipeline for both. The
// artifacts bucket is samconfig's, else the managed one, created when
// missing; a stack whose creation rolled back is replaced.
func upDeployment(srv *runningServer, tmpl, stackName string, sc samConfig, params map[string]string, stdout io.Writer) (*deployment, *cloudformation.Client) {
	id, secret := srv.RootKey()
	cfg := aws.Config{
		Region:                     srv.Config().Region,
		Credentials:                credentials.NewStaticCredentialsProvider(id, secret, ""),
		BaseEndpoint:               aws.String(srv.Endpoint()),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	bucket := sc.S3Bucket
	if bucket == "" {
		bucket = managedBucket
	}
	caps := sc.Capabilities
	if len(caps) == 0 {
		caps = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}
	}
	cfn := cloudformation.NewFromConfig(cfg)
	return &deployment{template: tmpl, stackName: stackName, bucket: bucket, prefix: sc.S3Prefix, region: cfg.Region,
		resolveS3: true, params: params, capabilities: caps, replaceRolledBack: true, summarized: true,
		stdout: stdout, endpoint: srv.Endpoint(), poll: 50 * time.Millisecond,
		cfn: cfn, s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		stages: sdkHTTPStages(apigatewayv2.NewFromConfig(cfg))}, cfn
}

const managedBucket = "iamgate-managed-artifacts"
