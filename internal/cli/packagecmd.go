package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"
)

// `iamgate package` is `sam package`: every local artifact of the template
// (function code, layers, API definitions, AWS::Include files) uploaded to
// S3 on the running server, and the template with their s3:// locations
// written out, ready for `iamgate deploy --template-file` or `aws
// cloudformation deploy`.

type packageFlags struct {
	clientFlags
	templateFile, outputFile, s3Bucket, s3Prefix, configFile string
	resolveS3                                                bool
}

func newPackage() *cobra.Command {
	var f packageFlags
	c := &cobra.Command{
		Use:   "package --s3-bucket B [--output-template-file F]",
		Short: "Upload local artifacts and write the packaged template, as sam package does",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return f.run(ctx, c)
		},
	}
	f.register(c)
	fl := c.Flags()
	fl.StringVarP(&f.templateFile, "template-file", "t", "", "the template (default .aws-sam/build/template.yaml when built, else template.yaml)")
	fl.StringVar(&f.outputFile, "output-template-file", "", "where to write the packaged template (default: standard output)")
	fl.StringVar(&f.s3Bucket, "s3-bucket", "", "bucket to upload to")
	fl.StringVar(&f.s3Prefix, "s3-prefix", "", "key prefix of the uploads")
	fl.BoolVar(&f.resolveS3, "resolve-s3", false, "upload to a managed bucket, created if needed")
	fl.StringVar(&f.configFile, "config-file", "", "samconfig.toml to read (default: beside the template, else here)")
	return c
}

func (f *packageFlags) run(ctx context.Context, c *cobra.Command) error {
	tmpl, err := defaultTemplate(f.templateFile)
	if err != nil {
		return err
	}
	cfgPath := f.configFile
	if cfgPath == "" {
		cfgPath = filepath.Join(filepath.Dir(tmpl), "samconfig.toml")
		if !fileExists(cfgPath) && fileExists("samconfig.toml") {
			cfgPath = "samconfig.toml"
		}
	}
	sc, err := readSAMConfigSection(cfgPath, "package")
	if err != nil {
		return err
	}
	d := &deployment{template: tmpl, bucket: first(f.s3Bucket, sc.S3Bucket), prefix: first(f.s3Prefix, sc.S3Prefix),
		resolveS3: f.resolveS3 || (sc.ResolveS3 && f.s3Bucket == ""), stdout: c.ErrOrStderr(), poll: 50 * time.Millisecond}
	if d.resolveS3 && d.bucket != "" {
		return errors.New("Cannot use both --resolve-s3 and --s3-bucket parameters. Please use only one.")
	}
	if d.resolveS3 {
		d.bucket = managedBucket
	}
	if d.bucket == "" {
		return errBucketNotSpecified
	}
	f.region = first(f.region, sc.Region, defaultRegion())
	cfg, err := f.awsConfig()
	if err != nil {
		return err
	}
	d.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if d.resolveS3 {
		if err := d.ensureBucket(ctx); err != nil {
			return err
		}
	}
	body, err := os.ReadFile(tmpl)
	if err != nil {
		return err
	}
	packaged, err := d.packageBody(ctx, body)
	if err != nil {
		return err
	}
	if f.outputFile == "" {
		fmt.Fprintln(c.OutOrStdout(), packaged)
		return nil
	}
	if err := os.WriteFile(f.outputFile, []byte(packaged+"\n"), 0o644); err != nil {
		return err
	}
	abs, _ := filepath.Abs(f.outputFile)
	fmt.Fprintf(c.OutOrStdout(), "\nSuccessfully packaged artifacts and wrote output template to file %s.\n"+
		"Execute the following command to deploy the packaged template\n"+
		"iamgate deploy --template-file %s --stack-name <YOUR STACK NAME>\n", f.outputFile, abs)
	return nil
}
