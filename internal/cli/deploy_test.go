package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/cfn"
)

// fakeCFN is a CloudFormation whose ExecuteChangeSet, like iamgate's,
// answers only when the stack is done. It emits one event, then waits until
// the deployer has polled that event before finishing: events must be
// streamed while ExecuteChangeSet runs, not after.
type fakeCFN struct {
	mu          sync.Mutex
	status      string // "" means no stack
	events      []cftypes.StackEvent
	csStatus    cftypes.ChangeSetStatus
	csReason    string
	createErr   error
	created     []*cloudformation.CreateChangeSetInput
	deletedCS   int
	polledFirst chan struct{}
	outputs     []cftypes.Output
	finalStatus string
}

func (f *fakeCFN) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status == "" {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id " + aws.ToString(in.StackName) + " does not exist"}
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cftypes.Stack{{StackName: in.StackName,
		StackStatus: cftypes.StackStatus(f.status), Outputs: f.outputs, StackStatusReason: aws.String("The following resource(s) failed to create: [Fn] (at template:12:7 Resources/Fn)")}}}, nil
}

func (f *fakeCFN) CreateChangeSet(_ context.Context, in *cloudformation.CreateChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.createErr != nil {
		return nil, f.createErr
	}
	f.created = append(f.created, in)
	if f.status == "" {
		f.status = "REVIEW_IN_PROGRESS"
		f.addEvent("S", "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS")
	}
	return &cloudformation.CreateChangeSetOutput{Id: aws.String("arn:cs/1")}, nil
}

func (f *fakeCFN) DescribeChangeSet(context.Context, *cloudformation.DescribeChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error) {
	return &cloudformation.DescribeChangeSetOutput{Status: f.csStatus, StatusReason: aws.String(f.csReason), Changes: []cftypes.Change{
		{ResourceChange: &cftypes.ResourceChange{Action: cftypes.ChangeActionAdd, LogicalResourceId: aws.String("Fn"), ResourceType: aws.String("AWS::Lambda::Function")}}}}, nil
}

func (f *fakeCFN) ExecuteChangeSet(ctx context.Context, _ *cloudformation.ExecuteChangeSetInput, _ ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error) {
	f.mu.Lock()
	f.status = "CREATE_IN_PROGRESS"
	f.addEvent("S", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS")
	f.mu.Unlock()
	select {
	case <-f.polledFirst:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Second):
		return nil, errors.New("deployer never polled events while ExecuteChangeSet ran")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addEvent("Fn", "AWS::Lambda::Function", "CREATE_IN_PROGRESS")
	f.addEvent("Fn", "AWS::Lambda::Function", "CREATE_COMPLETE")
	f.status = f.finalStatus
	f.addEvent("S", "AWS::CloudFormation::Stack", f.finalStatus)
	return &cloudformation.ExecuteChangeSetOutput{}, nil
}

func (f *fakeCFN) DeleteChangeSet(context.Context, *cloudformation.DeleteChangeSetInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletedCS++
	return &cloudformation.DeleteChangeSetOutput{}, nil
}

func (f *fakeCFN) DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	return &cloudformation.DeleteStackOutput{}, nil
}

// DescribeStackEvents answers newest first, two per page.
func (f *fakeCFN) DescribeStackEvents(_ context.Context, in *cloudformation.DescribeStackEventsInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status == "CREATE_IN_PROGRESS" && len(f.events) == 2 {
		select {
		case <-f.polledFirst:
		default:
			close(f.polledFirst)
		}
	}
	var all []cftypes.StackEvent
	for i := len(f.events) - 1; i >= 0; i-- {
		all = append(all, f.events[i])
	}
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	end := min(start+2, len(all))
	out := &cloudformation.DescribeStackEventsOutput{StackEvents: all[start:end]}
	if end < len(all) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (f *fakeCFN) addEvent(logical, typ, status string) {
	f.events = append(f.events, cftypes.StackEvent{EventId: aws.String(fmt.Sprint(len(f.events))), LogicalResourceId: aws.String(logical),
		ResourceType: aws.String(typ), ResourceStatus: cftypes.ResourceStatus(status)})
}

type fakeS3 struct {
	objects map[string]int
	puts    int
	buckets map[string]bool
}

func (f *fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	if f.buckets[aws.ToString(in.Bucket)] {
		return &s3.HeadBucketOutput{}, nil
	}
	return nil, &smithy.GenericAPIError{Code: "NotFound"}
}

func (f *fakeS3) CreateBucket(_ context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	f.buckets[aws.ToString(in.Bucket)] = true
	return &s3.CreateBucketOutput{}, nil
}

func (f *fakeS3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	if _, ok := f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)]; ok {
		return &s3.HeadObjectOutput{}, nil
	}
	return nil, &smithy.GenericAPIError{Code: "NotFound"}
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if !f.buckets[aws.ToString(in.Bucket)] {
		return nil, &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "The specified bucket does not exist"}
	}
	f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = int(aws.ToInt64(in.ContentLength))
	f.puts++
	return &s3.PutObjectOutput{}, nil
}

const fnTemplate = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: v1
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/   # the code
      Handler: app.handler
      Runtime: python3.9
Outputs:
  Url:
    Value: https://abcdefghij.execute-api.us-east-1.amazonaws.com/v1/hello
`

// project writes a template and its code folder; returns the template path.
func project(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "app.py"), []byte("def handler(e, c):\n    return 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func newTestDeployment(t *testing.T, bucket string) (*deployment, *fakeCFN, *fakeS3, *bytes.Buffer) {
	tmpl := project(t, fnTemplate)
	var out bytes.Buffer
	cf := &fakeCFN{csStatus: cftypes.ChangeSetStatusCreateComplete, polledFirst: make(chan struct{}), finalStatus: "CREATE_COMPLETE",
		outputs: []cftypes.Output{{OutputKey: aws.String("Url"), OutputValue: aws.String("https://abcdefghij.execute-api.us-east-1.amazonaws.com/v1/hello")}}}
	fs := &fakeS3{objects: map[string]int{}, buckets: map[string]bool{"b": true}}
	d := &deployment{template: tmpl, stackName: "S", bucket: bucket, region: "us-east-1", failOnEmpty: true,
		params: map[string]string{"Stage": "v2", "Unknown": "x"}, capabilities: []string{"CAPABILITY_IAM"},
		stdout: &out, endpoint: "http://127.0.0.1:4566", cfn: cf, s3: fs, poll: time.Millisecond}
	return d, cf, fs, &out
}

func TestDeployCreatesAndStreamsEvents(t *testing.T) {
	d, cf, fs, out := newTestDeployment(t, "b")
	if err := d.run(context.Background()); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	t.Run("events in order, each once", func(t *testing.T) {
		var got []string
		for _, line := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(line); len(f) == 3 && strings.Contains(f[0], "_") && f[0] != "ResourceStatus" {
				got = append(got, f[0]+" "+f[2])
			}
		}
		want := []string{"CREATE_IN_PROGRESS S", "CREATE_IN_PROGRESS Fn", "CREATE_COMPLETE Fn", "CREATE_COMPLETE S"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s\n%s", diff, out)
		}
	})
	t.Run("change set input", func(t *testing.T) {
		in := cf.created[0]
		if in.ChangeSetType != cftypes.ChangeSetTypeCreate {
			t.Errorf("type %s, want CREATE", in.ChangeSetType)
		}
		var params []string
		for _, p := range in.Parameters {
			params = append(params, aws.ToString(p.ParameterKey)+"="+aws.ToString(p.ParameterValue))
		}
		if diff := cmp.Diff([]string{"Stage=v2"}, params); diff != "" {
			t.Errorf("parameters: only declared ones are sent (-want +got):\n%s", diff)
		}
		body := aws.ToString(in.TemplateBody)
		if !strings.Contains(body, `      CodeUri: "s3://b/`) || !strings.Contains(body, "# the code") {
			t.Errorf("template not rewritten in place:\n%s", body)
		}
		if fs.puts != 1 {
			t.Errorf("%d uploads, want 1", fs.puts)
		}
	})
	t.Run("outputs and local URLs", func(t *testing.T) {
		for _, s := range []string{"Successfully created/updated stack - S in us-east-1",
			"Value               https://abcdefghij.execute-api.us-east-1.amazonaws.com/v1/hello",
			"path style: http://127.0.0.1:4566/restapis/abcdefghij/v1/_user_request_/hello"} {
			if !strings.Contains(out.String(), s) {
				t.Errorf("output lacks %q:\n%s", s, out)
			}
		}
	})
}

func TestDeploySecondRunUploadsNothing(t *testing.T) {
	d, cf, fs, out := newTestDeployment(t, "b")
	if err := d.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cf.csStatus, cf.csReason = cftypes.ChangeSetStatusFailed, "The submitted information didn't contain changes. Submit different information to create a change set."
	for _, tc := range []struct {
		name        string
		failOnEmpty bool
		wantErr     string
	}{
		{"fail on empty (default)", true, "No changes to deploy. Stack S is up to date"},
		{"no-fail-on-empty-changeset", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out.Reset()
			d.failOnEmpty = tc.failOnEmpty
			err := d.run(context.Background())
			if got := fmt.Sprint(err); tc.wantErr != "" && got != tc.wantErr || tc.wantErr == "" && err != nil {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr == "" && !strings.Contains(out.String(), "No changes to deploy. Stack S is up to date") {
				t.Errorf("output:\n%s", out)
			}
			if !strings.Contains(out.String(), "skipping upload") {
				t.Errorf("second deploy re-uploaded:\n%s", out)
			}
		})
	}
	if fs.puts != 1 || cf.deletedCS != 2 {
		t.Errorf("puts %d (want 1), deleted change sets %d (want 2)", fs.puts, cf.deletedCS)
	}
	if got := cf.created[1].ChangeSetType; got != cftypes.ChangeSetTypeUpdate {
		t.Errorf("second change set %s, want UPDATE", got)
	}
}

func TestDeployErrors(t *testing.T) {
	tests := []struct {
		name   string
		bucket string
		setup  func(*fakeCFN)
		want   []string
	}{
		{"local CodeUri without a bucket", "", nil,
			// https://github.com/aws/aws-sam-cli tests/integration/deploy/test_deploy_command.py pins this text.
			[]string{"template.yaml:10:7: Resources/Fn/Properties/CodeUri: S3 Bucket not specified, use --s3-bucket to specify a bucket name, or use --resolve-s3 to create a managed default bucket, or run sam deploy --guided"}},
		{"server validation names the file", "b", func(f *fakeCFN) {
			f.createErr = &smithy.GenericAPIError{Code: "ValidationError", Message: "Template format error: Unresolved resource dependencies [X] in the Resources block of the template (at template:11:7 Resources/Fn/Properties/Handler)"}
		}, []string{"ValidationError: Template format error", "(at ", "template.yaml:11:7 Resources/Fn/Properties/Handler)"}},
		{"failed change set", "b", func(f *fakeCFN) {
			f.csStatus, f.csReason = cftypes.ChangeSetStatusFailed, "Requires capabilities : [CAPABILITY_NAMED_IAM]"
		}, []string{"Failed to create the changeset: Status: FAILED. Reason: Requires capabilities : [CAPABILITY_NAMED_IAM]"}},
		{"stack rolled back", "b", func(f *fakeCFN) { f.finalStatus = "ROLLBACK_COMPLETE" },
			[]string{"Failed to create the stack: S, stack status ROLLBACK_COMPLETE", "template.yaml:12:7 Resources/Fn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, cf, _, out := newTestDeployment(t, tc.bucket)
			if tc.setup != nil {
				tc.setup(cf)
			}
			err := d.run(context.Background())
			if err == nil {
				t.Fatalf("no error:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestDeployResolveS3CreatesManagedBucket(t *testing.T) {
	d, _, fs, out := newTestDeployment(t, managedBucket)
	d.resolveS3 = true
	if err := d.run(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !fs.buckets[managedBucket] || fs.puts != 1 {
		t.Errorf("buckets %v, puts %d", fs.buckets, fs.puts)
	}
}

func TestResolveFlags(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(tmpl, []byte(fnTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := "version = 0.1\n[default.deploy.parameters]\nstack_name = \"FromConfig\"\ns3_bucket = \"cfg-bucket\"\ncapabilities = \"CAPABILITY_IAM\"\nparameter_overrides = \"Stage=cfg\"\n"
	if err := os.WriteFile(filepath.Join(dir, "samconfig.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	type got struct {
		Stack, Bucket string
		Caps          []string
		Params        map[string]string
		FailOnEmpty   bool
	}
	tests := []struct {
		name    string
		f       deployFlags
		args    []string
		want    got
		wantErr string
	}{
		{"samconfig", deployFlags{templateFile: tmpl}, nil,
			got{"FromConfig", "cfg-bucket", []string{"CAPABILITY_IAM"}, map[string]string{"Stage": "cfg"}, true}, ""},
		{"flags win, aws CLI list style", deployFlags{templateFile: tmpl, stackName: "S", s3Bucket: "b", noFailOnEmpty: true,
			overrides: []string{"Stage=x"}, capabilities: []string{"CAPABILITY_NAMED_IAM"}}, []string{"Other=y", "CAPABILITY_AUTO_EXPAND"},
			got{"S", "b", []string{"CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}, map[string]string{"Stage": "x", "Other": "y"}, false}, ""},
		{"sam quoted list", deployFlags{templateFile: tmpl, overrides: []string{`Stage=a "Other=b c"`}}, nil,
			got{"FromConfig", "cfg-bucket", []string{"CAPABILITY_IAM"}, map[string]string{"Stage": "a", "Other": "b c"}, true}, ""},
		{"resolve-s3 and a bucket", deployFlags{templateFile: tmpl, resolveS3: true}, nil, got{},
			"Cannot use both --resolve-s3 and --s3-bucket parameters. Please use only one."},
		{"missing template", deployFlags{templateFile: filepath.Join(dir, "nope.yaml")}, nil, got{}, "Template file not found at " + filepath.Join(dir, "nope.yaml")},
		{"stray argument", deployFlags{templateFile: tmpl}, []string{"oops"}, got{}, `unexpected argument "oops"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			err := f.takeListArgs(tc.args)
			var d *deployment
			if err == nil {
				d, err = f.resolve()
			}
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := got{d.stackName, d.bucket, d.capabilities, d.params, d.failOnEmpty}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployMissingStackName(t *testing.T) {
	tmpl := project(t, fnTemplate)
	f := deployFlags{templateFile: tmpl}
	_, err := f.resolve()
	want := "Missing option '--stack-name', 'sam deploy --guided' can be used to provide and save needed parameters for future deploys."
	if err == nil || err.Error() != want {
		t.Fatalf("err %v, want %q", err, want)
	}
}

func TestSpliceEdits(t *testing.T) {
	tests := []struct {
		name, src string
		path      []string
		old       string
		new       any
		want      string // "" means: no in-place edit possible
	}{
		{"plain", "R:\n  P:\n    CodeUri: src/\n", []string{"R", "P", "CodeUri"}, "src/", "s3://b/k", "R:\n  P:\n    CodeUri: \"s3://b/k\"\n"},
		{"quoted with comment", "A:\n  CodeUri: 'src/'  # c\n", []string{"A", "CodeUri"}, "src/", "s3://b/k", "A:\n  CodeUri: \"s3://b/k\"  # c\n"},
		{"json", "{\"A\": {\"CodeUri\": \"src/\", \"X\": 1}}", []string{"A", "CodeUri"}, "src/", "s3://b/k", "{\"A\": {\"CodeUri\": \"s3://b/k\", \"X\": 1}}"},
		{"dict", "A:\n  Code: fn/\n", []string{"A", "Code"}, "fn/", map[string]any{"S3Bucket": "b", "S3Key": "k"}, "A:\n  Code: {\"S3Bucket\":\"b\",\"S3Key\":\"k\"}\n"},
		{"multi-line value", "A:\n  CodeUri:\n    src/\n", []string{"A", "CodeUri"}, "src/", "s3://b/k", ""},
		{"block scalar", "A:\n  CodeUri: >-\n    src/\n", []string{"A", "CodeUri"}, "src/", "s3://b/k", ""},
		{"japanese before", "# 日本語\nA: {B: 1, CodeUri: src/}\n", []string{"A", "CodeUri"}, "src/", "s3://b/k", "# 日本語\nA: {B: 1, CodeUri: \"s3://b/k\"}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := cfn.Parse("t.yaml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := spliceEdits(tc.src, tpl, []artifactEdit{{path: tc.path, old: tc.old, new: tc.new}})
			if tc.want == "" {
				if ok {
					t.Errorf("spliced a value not on its key's line:\n%s", got)
				}
				return
			}
			if !ok {
				t.Fatal("not spliced")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSpliceEdits checks that an in-place rewrite, when it happens, parses
// to exactly the tree the JSON rewrite would send, on the same line count.
func FuzzSpliceEdits(f *testing.F) {
	for _, s := range []string{fnTemplate, "A:\n  CodeUri: src/\n", "{\"A\": {\"CodeUri\": \"x\"}}", "A: {CodeUri: 'a b'}\n",
		"A:\n  CodeUri: \"q\\\"\" # x\n", "A:\n  CodeUri: |\n    x\n", "A:\n  \"CodeUri\": x, \n"} {
		f.Add(s, "s3://bucket/key")
	}
	f.Fuzz(func(t *testing.T, src, uri string) {
		if !utf8.ValidString(uri) { // S3 URIs are UTF-8; JSON would replace the bytes
			return
		}
		tpl, err := cfn.Parse("t.yaml", []byte(src))
		if err != nil {
			return
		}
		var edits []artifactEdit
		collectCodeUris(tpl.Root, nil, uri, &edits)
		if len(edits) == 0 {
			return
		}
		out, ok := spliceEdits(src, tpl, edits)
		if !ok {
			return
		}
		if strings.Count(out, "\n") != strings.Count(src, "\n") {
			t.Fatalf("line count changed:\n%s\n---\n%s", src, out)
		}
		got, err := cfn.Parse("t.yaml", []byte(out))
		if err != nil {
			t.Fatalf("spliced template does not parse: %v\n%s", err, out)
		}
		for _, e := range edits {
			setPath(tpl.Root, e.path, e.new)
		}
		if diff := cmp.Diff(tpl.Root, got.Root); diff != "" {
			t.Fatalf("spliced tree differs (-want +got):\n%s\nsrc:\n%s\nout:\n%s", diff, src, out)
		}
	})
}

func collectCodeUris(v any, path []string, uri string, edits *[]artifactEdit) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		p := append(append([]string(nil), path...), k)
		if s, ok := m[k].(string); ok && k == "CodeUri" && s != "" {
			*edits = append(*edits, artifactEdit{path: p, old: s, new: uri})
			continue
		}
		collectCodeUris(m[k], p, uri, edits)
	}
}

func setPath(root map[string]any, path []string, v any) {
	m := root
	for _, k := range path[:len(path)-1] {
		m = m[k].(map[string]any)
	}
	m[path[len(path)-1]] = v
}
