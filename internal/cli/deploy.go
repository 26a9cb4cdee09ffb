package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/cfn"
)

// `iamgate deploy` follows `sam deploy`: package local artifacts to S3,
// create a change set, execute it while streaming the stack's events, print
// the outputs. Every step is a CloudFormation or S3 call on the server, as
// `aws --endpoint-url` would make it. The messages users script against are
// sam's own (samcli/commands/deploy/exceptions.py, samcli/lib/deploy/deployer.py).

// errBucketNotSpecified is sam's wording, pinned by its integration test
// tests/integration/deploy/test_deploy_command.py (aws/aws-sam-cli).
var errBucketNotSpecified = errors.New("S3 Bucket not specified, use --s3-bucket to specify a bucket name, or use --resolve-s3 to create a managed default bucket, or run sam deploy --guided")

type deployFlags struct {
	clientFlags
	templateFile, stackName, s3Bucket, s3Prefix, configFile string
	resolveS3, noFailOnEmpty, failOnEmpty                   bool
	overrides, capabilities                                 []string
}

func newDeploy() *cobra.Command {
	var f deployFlags
	c := &cobra.Command{
		Use:   "deploy --template-file F --stack-name S [--s3-bucket B | --resolve-s3] [flags]",
		Short: "Package and deploy a SAM/CloudFormation template to a running iamgate, like sam deploy",
		// aws-CLI style lists (--capabilities A B, --parameter-overrides K=V K2=V2)
		// arrive as positional arguments; deploy takes no others.
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := f.takeListArgs(args); err != nil {
				return err
			}
			if !c.Flags().Changed("region") {
				f.region = ""
			}
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			d, err := f.resolve()
			if err != nil {
				return err
			}
			cfg, err := f.awsConfig()
			if err != nil {
				return err
			}
			d.stdout = c.OutOrStdout()
			d.endpoint = f.endpointURL()
			d.cfn = cloudformation.NewFromConfig(cfg)
			d.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
			d.stages = sdkHTTPStages(apigatewayv2.NewFromConfig(cfg))
			return d.run(ctx)
		},
	}
	f.register(c)
	fl := c.Flags()
	fl.StringVarP(&f.templateFile, "template-file", "t", "", "template to deploy (default template.yaml, .yml or .json in the current folder)")
	fl.StringVar(&f.stackName, "stack-name", "", "stack name (default samconfig.toml's stack_name)")
	fl.StringVar(&f.s3Bucket, "s3-bucket", "", "bucket for packaged artifacts (default samconfig.toml's s3_bucket)")
	fl.StringVar(&f.s3Prefix, "s3-prefix", "", "key prefix for packaged artifacts")
	fl.BoolVar(&f.resolveS3, "resolve-s3", false, "upload artifacts to a managed bucket, created if needed")
	fl.StringArrayVar(&f.overrides, "parameter-overrides", nil, "Key=Value parameter overrides (repeatable, or one quoted space-separated list)")
	fl.StringArrayVar(&f.capabilities, "capabilities", nil, "capabilities, e.g. CAPABILITY_NAMED_IAM")
	fl.BoolVar(&f.noFailOnEmpty, "no-fail-on-empty-changeset", false, "exit 0 when there is nothing to deploy")
	fl.BoolVar(&f.failOnEmpty, "fail-on-empty-changeset", false, "exit 1 when there is nothing to deploy (the default)")
	fl.StringVar(&f.configFile, "config-file", "", "samconfig file (default samconfig.toml beside the template)")
	return c
}

// takeListArgs accepts the aws CLI's space-separated list forms, which
// cobra hands over as positional arguments.
func (f *deployFlags) takeListArgs(args []string) error {
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "CAPABILITY_"):
			f.capabilities = append(f.capabilities, a)
		case strings.Contains(a, "="):
			f.overrides = append(f.overrides, a)
		default:
			return fmt.Errorf("unexpected argument %q", a)
		}
	}
	return nil
}

// awsConfig is the SDK configuration every client subcommand uses: the
// environment's keys, else the admin key the server wrote in the data dir.
func (f *clientFlags) awsConfig() (aws.Config, error) {
	id, secret, token := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
	if id == "" || secret == "" {
		var err error
		if id, secret, err = adminKey(f.dataDir); err != nil {
			return aws.Config{}, err
		}
		token = ""
	}
	region := f.region
	if region == "" {
		region = defaultRegion()
	}
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		BaseEndpoint: aws.String(f.endpointURL()),
		HTTPClient:   f.httpClient(),
		// Plain signed payloads: what every S3 implementation accepts.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}, nil
}

// deployment is one resolved `iamgate deploy`.
type deployment struct {
	template, stackName, bucket, prefix, region string
	resolveS3, failOnEmpty                      bool
	// replaceRolledBack deletes a stack whose creation rolled back
	// (ROLLBACK_COMPLETE), which cannot be updated, and creates it anew
	// (up's convenience; sam deploy stops there).
	replaceRolledBack bool
	// summarized leaves the outputs to the caller's own summary (up's).
	summarized   bool
	params       map[string]string
	capabilities []string

	stdout   io.Writer
	endpoint string
	cfn      cfnAPI
	s3       s3API
	// stages finds HTTP API stages for the local URLs; nil treats every
	// API as a REST API.
	stages HTTPStages
	// poll is the first delay between DescribeStackEvents polls; it grows to a second.
	poll time.Duration
}

// resolve merges the flags over samconfig.toml, as sam does.
func (f *deployFlags) resolve() (*deployment, error) {
	tmpl, err := defaultTemplate(f.templateFile)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(tmpl); err != nil {
		return nil, fmt.Errorf("Template file not found at %s", tmpl)
	}
	cfgPath := f.configFile
	if cfgPath == "" {
		cfgPath = filepath.Join(filepath.Dir(tmpl), "samconfig.toml")
		if !fileExists(cfgPath) && fileExists("samconfig.toml") {
			cfgPath = "samconfig.toml" // the project's, beside a built template
		}
	}
	sc, err := readSAMConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	d := &deployment{template: tmpl, stackName: first(f.stackName, sc.StackName), bucket: first(f.s3Bucket, sc.S3Bucket),
		prefix: first(f.s3Prefix, sc.S3Prefix), region: first(f.region, sc.Region, defaultRegion()),
		resolveS3: f.resolveS3 || (sc.ResolveS3 && f.s3Bucket == ""), failOnEmpty: !f.noFailOnEmpty || f.failOnEmpty, params: sc.ParameterOverrides,
		capabilities: sc.Capabilities, poll: 50 * time.Millisecond}
	f.region = d.region
	if d.stackName == "" {
		return nil, errors.New("Missing option '--stack-name', 'sam deploy --guided' can be used to provide and save needed parameters for future deploys.")
	}
	if d.resolveS3 && d.bucket != "" {
		return nil, errors.New("Cannot use both --resolve-s3 and --s3-bucket parameters. Please use only one.")
	}
	if d.resolveS3 {
		d.bucket = managedBucket
	}
	if len(f.capabilities) > 0 {
		d.capabilities = splitLists(f.capabilities)
	}
	if len(f.overrides) > 0 {
		if d.params, err = parseOverrides(splitLists(f.overrides)); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// splitLists accepts both repeated flags and one quoted "A=1 B=2" list.
func splitLists(in []string) []string {
	var out []string
	for _, s := range in {
		out = append(out, splitShell(s)...)
	}
	return out
}

// run deploys: package, change set, execute with events, outputs.
func (d *deployment) run(ctx context.Context) error {
	body, err := os.ReadFile(d.template)
	if err != nil {
		return err
	}
	if d.resolveS3 {
		if err := d.ensureBucket(ctx); err != nil {
			return err
		}
		fmt.Fprintf(d.stdout, "\n\tManaged S3 bucket: %s\n", d.bucket)
	}
	templateBody, err := d.packageBody(ctx, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.stdout, "\n\tDeploying with following values\n\t===============================\n")
	fmt.Fprintf(d.stdout, "\tStack name                   : %s\n\tRegion                       : %s\n", d.stackName, d.region)
	fmt.Fprintf(d.stdout, "\tCapabilities                 : %v\n\tDeployment s3 bucket         : %s\n", d.capabilities, d.bucket)
	if n := bucketNotificationNotice(d.template, body); n != "" {
		fmt.Fprintf(d.stdout, "\n%s\n", n)
	}
	return d.deployChangeSet(ctx, templateBody)
}

// cfnAPI and s3API are the calls deploy makes (satisfied by the SDK clients).
type cfnAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	CreateChangeSet(context.Context, *cloudformation.CreateChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error)
	DescribeChangeSet(context.Context, *cloudformation.DescribeChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error)
	ExecuteChangeSet(context.Context, *cloudformation.ExecuteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
	DeleteChangeSet(context.Context, *cloudformation.DeleteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
}

type s3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var (
	_ cfnAPI = (*cloudformation.Client)(nil)
	_ s3API  = (*s3.Client)(nil)
)

// ensureBucket creates the managed bucket on first use.
func (d *deployment) ensureBucket(ctx context.Context) error {
	if _, err := d.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(d.bucket)}); err == nil {
		return nil
	}
	_, err := d.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(d.bucket)})
	if err != nil && !hasCode(err, "BucketAlreadyOwnedByYou") {
		return fmt.Errorf("creating the managed bucket %s: %w", d.bucket, err)
	}
	return nil
}

// upload stores one artifact unless an object with the same key (its MD5)
// is already there, as sam does; a second deploy uploads nothing.
func (d *deployment) upload(ctx context.Context, key string, data []byte) (string, error) {
	if d.bucket == "" {
		return "", errBucketNotSpecified
	}
	if _, err := d.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(key)}); err == nil {
		fmt.Fprintf(d.stdout, "\tFile with same data already exists at %s, skipping upload\n", key)
		return d.bucket, nil
	}
	_, err := d.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(key),
		Body: strings.NewReader(string(data)), ContentLength: aws.Int64(int64(len(data)))})
	if err != nil {
		return "", fmt.Errorf("uploading s3://%s/%s: %w", d.bucket, key, err)
	}
	fmt.Fprintf(d.stdout, "\tUploading to %s  %d / %d  (100.00%%)\n", key, len(data), len(data))
	return d.bucket, nil
}

// packageBody uploads local artifacts and returns the template to send
// (see packageTemplate).
func (d *deployment) packageBody(ctx context.Context, body []byte) (string, error) {
	return packageTemplate(ctx, d.template, body, d.prefix, d.upload)
}

// spliceEdits replaces each edited value where it stands in the source:
// on the line of its key, right after the colon, as a JSON scalar or flow
// mapping (valid in YAML and JSON alike). ok is false when a value is not
// a plain scalar on its key's line.
func spliceEdits(src string, t *cfn.Template, edits []artifactEdit) (string, bool) {
	if len(edits) == 0 {
		return src, true
	}
	lines := strings.Split(src, "\n")
	type spot struct {
		line, col int
		e         artifactEdit
	}
	spots := make([]spot, 0, len(edits))
	for _, e := range edits {
		p := t.Pos(e.path...)
		if p.Line < 1 || p.Line > len(lines) {
			return "", false
		}
		spots = append(spots, spot{p.Line - 1, p.Col - 1, e})
	}
	// Right to left on a line, so earlier columns stay valid.
	sort.Slice(spots, func(i, j int) bool {
		if spots[i].line != spots[j].line {
			return spots[i].line < spots[j].line
		}
		return spots[i].col > spots[j].col
	})
	for _, s := range spots {
		line, ok := spliceLine(lines[s.line], s.col, s.e)
		if !ok {
			return "", false
		}
		lines[s.line] = line
	}
	return strings.Join(lines, "\n"), true
}

// spliceLine replaces the value of the key at rune column col.
func spliceLine(line string, col int, e artifactEdit) (string, bool) {
	r := []rune(line)
	if col < 0 || col > len(r) {
		return "", false
	}
	key := e.path[len(e.path)-1]
	rest := string(r[col:])
	switch {
	case strings.HasPrefix(rest, key):
		rest = rest[len(key):]
	case strings.HasPrefix(rest, `"`+key+`"`), strings.HasPrefix(rest, "'"+key+"'"):
		rest = rest[len(key)+2:]
	default:
		return "", false
	}
	head := line[:len(line)-len(rest)] // everything up to the end of the key
	afterColon := strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(afterColon, ":") {
		return "", false
	}
	value := afterColon[1:]
	lead := len(value) - len(strings.TrimLeft(value, " \t"))
	value = value[lead:]
	for _, lit := range []string{`"` + e.old + `"`, "'" + e.old + "'", e.old} {
		if !strings.HasPrefix(value, lit) {
			continue
		}
		tail := value[len(lit):]
		if t := strings.TrimSpace(tail); t != "" && t != "," && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, ",") && !strings.HasPrefix(t, "}") {
			continue
		}
		repl, err := json.Marshal(e.new)
		if err != nil {
			return "", false
		}
		colon := len(rest) - len(afterColon)
		return head + rest[:colon+1] + afterColon[1:1+lead] + string(repl) + tail, true
	}
	return "", false
}

// hasCode reports whether err is an AWS API error with this code.
func hasCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// emptyChangeSet tells the reasons CloudFormation gives a change set
// without changes (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html).
func emptyChangeSet(reason string) bool {
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}

// deployChangeSet creates the change set, waits for it, executes it and
// reports the result.
func (d *deployment) deployChangeSet(ctx context.Context, body string) error {
	st, err := d.describeStack(ctx)
	if err != nil {
		return err
	}
	if st != nil && st.StackStatus == cftypes.StackStatusRollbackComplete && d.replaceRolledBack {
		if st, err = d.deleteRolledBack(ctx); err != nil {
			return err
		}
	}
	typ := "UPDATE"
	if st == nil || st.StackStatus == "REVIEW_IN_PROGRESS" {
		typ = "CREATE"
	}
	in := &cloudformation.CreateChangeSetInput{StackName: aws.String(d.stackName),
		ChangeSetName: aws.String(fmt.Sprintf("samcli-deploy%d", time.Now().Unix())), ChangeSetType: cftypes.ChangeSetType(typ),
		TemplateBody: aws.String(body), Parameters: d.parameters(body, typ == "CREATE"),
		Description: aws.String("Created by iamgate deploy at " + time.Now().UTC().Format(time.RFC3339))}
	for _, c := range d.capabilities {
		in.Capabilities = append(in.Capabilities, cftypes.Capability(c))
	}
	fmt.Fprintf(d.stdout, "\nInitiating deployment\n=====================\n\nWaiting for changeset to be created..\n")
	out, err := d.cfn.CreateChangeSet(ctx, in)
	if err != nil {
		return d.located(err)
	}
	cs, err := d.waitChangeSet(ctx, aws.ToString(out.Id))
	if err != nil {
		return err
	}
	if cs.Status == cftypes.ChangeSetStatusFailed {
		reason := aws.ToString(cs.StatusReason)
		if !emptyChangeSet(reason) {
			return d.located(fmt.Errorf("Failed to create the changeset: Status: FAILED. Reason: %s", reason))
		}
		_, _ = d.cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: out.Id, StackName: aws.String(d.stackName)})
		msg := fmt.Sprintf("No changes to deploy. Stack %s is up to date", d.stackName)
		if d.failOnEmpty {
			return errors.New(msg)
		}
		fmt.Fprintln(d.stdout, msg)
		return nil
	}
	d.printChanges(cs)
	if err := d.execute(ctx, aws.ToString(out.Id), typ); err != nil {
		return err
	}
	if d.summarized {
		return nil
	}
	return d.printOutputs(ctx)
}

// deleteRolledBack deletes the stack and waits until it is gone.
func (d *deployment) deleteRolledBack(ctx context.Context) (*cftypes.Stack, error) {
	fmt.Fprintf(d.stdout, "Stack %s is ROLLBACK_COMPLETE: deleting it to create it again\n", d.stackName)
	if _, err := d.cfn.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(d.stackName)}); err != nil {
		return nil, err
	}
	for delay := d.poll; ; delay = next(delay) {
		st, err := d.describeStack(ctx)
		if err != nil || st == nil {
			return nil, err
		}
		switch st.StackStatus {
		case cftypes.StackStatusDeleteComplete:
			return nil, nil
		case cftypes.StackStatusDeleteFailed:
			return nil, fmt.Errorf("deleting the rolled back stack %s: %s", d.stackName, aws.ToString(st.StackStatusReason))
		}
		if err := wait(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// located points the server's "(at template:LINE:COL FIELD)" at the user's file.
func (d *deployment) located(err error) error {
	msg := err.Error()
	if ae := (smithy.APIError)(nil); errors.As(err, &ae) {
		msg = ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return errors.New(strings.ReplaceAll(msg, "(at template:", "(at "+d.template+":"))
}

// describeStack returns the stack, or nil when it does not exist.
func (d *deployment) describeStack(ctx context.Context) (*cftypes.Stack, error) {
	out, err := d.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(d.stackName)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist") {
			return nil, nil
		}
		return nil, err
	}
	if len(out.Stacks) == 0 {
		return nil, nil
	}
	return &out.Stacks[0], nil
}

// parameters passes every parameter the template declares: the override,
// else the stack's previous value, as sam's merge_parameters does (a new
// stack takes the template's defaults instead).
func (d *deployment) parameters(body string, create bool) []cftypes.Parameter {
	t, err := cfn.Parse(d.template, []byte(body))
	if err != nil {
		return nil
	}
	decl, _ := t.Root["Parameters"].(map[string]any)
	var out []cftypes.Parameter
	for _, k := range slices.Sorted(maps.Keys(decl)) {
		if v, ok := d.params[k]; ok {
			out = append(out, cftypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
		} else if !create {
			out = append(out, cftypes.Parameter{ParameterKey: aws.String(k), UsePreviousValue: aws.Bool(true)})
		}
	}
	return out
}

// waitChangeSet polls until the change set is created or failed.
func (d *deployment) waitChangeSet(ctx context.Context, id string) (*cloudformation.DescribeChangeSetOutput, error) {
	for delay := d.poll; ; delay = next(delay) {
		cs, err := d.cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id), StackName: aws.String(d.stackName)})
		if err != nil {
			return nil, err
		}
		switch cs.Status {
		case cftypes.ChangeSetStatusCreateComplete, cftypes.ChangeSetStatusFailed:
			return cs, nil
		}
		if err := wait(ctx, delay); err != nil {
			return nil, err
		}
	}
}

// next grows a poll delay to at most a second.
func next(d time.Duration) time.Duration {
	return min(d*3/2+time.Millisecond, time.Second)
}

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (d *deployment) printChanges(cs *cloudformation.DescribeChangeSetOutput) {
	fmt.Fprintf(d.stdout, "\nCloudFormation stack changeset\n%-12s %-32s %-32s %s\n", "Operation", "LogicalResourceId", "ResourceType", "Replacement")
	sym := map[cftypes.ChangeAction]string{cftypes.ChangeActionAdd: "+ Add", cftypes.ChangeActionModify: "* Modify", cftypes.ChangeActionRemove: "- Delete"}
	for _, c := range cs.Changes {
		rc := c.ResourceChange
		if rc == nil {
			continue
		}
		op := sym[rc.Action]
		if op == "" {
			op = string(rc.Action)
		}
		repl := string(rc.Replacement)
		if repl == "" {
			repl = "N/A"
		}
		fmt.Fprintf(d.stdout, "%-12s %-32s %-32s %s\n", op, aws.ToString(rc.LogicalResourceId), aws.ToString(rc.ResourceType), repl)
	}
}

// sdkHTTPStages asks the server's API Gateway v2 control plane for an HTTP
// API's stages (aws apigatewayv2 get-stages): a REST API id is NotFound there.
func sdkHTTPStages(c *apigatewayv2.Client) HTTPStages {
	return func(ctx context.Context, apiID string) ([]string, bool) {
		out, err := c.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: aws.String(apiID)})
		if err != nil {
			return nil, false
		}
		names := make([]string, 0, len(out.Items))
		for _, st := range out.Items {
			names = append(names, aws.ToString(st.StageName))
		}
		return names, true
	}
}
