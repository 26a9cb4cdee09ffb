package controlplane

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/sigv4"
	"github.com/iamgate/iamgate/internal/stack"
)

const acct = "000000000000"

var (
	testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	root    = &auth.Caller{AccessKeyID: "AKIAROOT", ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct, UserID: acct, Type: "Root"}
	apiUser = &auth.Caller{AccessKeyID: "AKIAAPIUSER", ARN: "arn:aws:iam::" + acct + ":user/api-gateway-user",
		AccountID: acct, UserID: "AIDAAPIUSER", Username: "api-gateway-user", Type: "User"}
	roleSess = &auth.Caller{AccessKeyID: "ASIASESSION", SessionToken: "tok", ARN: "arn:aws:sts::" + acct + ":assumed-role/deployer/s1",
		AccountID: acct, UserID: "AROADEPLOYER:s1", Type: "AssumedRole"}
)

// fakeAuth reads the access key from the credential scope and never checks
// the signature: signature checking is package sigv4's, tested there.
type fakeAuth struct {
	callers map[string]*auth.Caller
	lastOpt sigv4.Options
	body    string
}

func newFakeAuth() *fakeAuth {
	return &fakeAuth{callers: map[string]*auth.Caller{root.AccessKeyID: root, apiUser.AccessKeyID: apiUser, roleSess.AccessKeyID: roleSess}}
}

func (f *fakeAuth) Authenticate(_ context.Context, r *http.Request, opts sigv4.Options) (*auth.Caller, error) {
	f.lastOpt = opts
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body) // the handler must have kept the body for itself
		f.body = string(b)
	}
	sc, ok := scopeOf(r)
	if !ok {
		if r.Header.Get("Authorization") != "" {
			return nil, &sigv4.Error{Reason: sigv4.IncompleteSignature, Message: "Authorization header requires 'Credential' parameter."}
		}
		return nil, &sigv4.Error{Reason: sigv4.MissingAuthentication}
	}
	a := r.Header.Get("Authorization")
	i := strings.Index(a, "Credential=") + len("Credential=")
	key, _, _ := strings.Cut(a[i:], "/")
	if strings.HasSuffix(a, "Signature=bad") { // a real signature is 64 hex digits: never "bad" alone
		return nil, &sigv4.Error{Reason: sigv4.SignatureMismatch}
	}
	if opts.Region != "" && sc.region != opts.Region {
		return nil, &sigv4.Error{Reason: sigv4.BadCredentialScope, Message: "Credential should be scoped to a valid region. "}
	}
	c, ok := f.callers[key]
	if !ok {
		return nil, &sigv4.Error{Reason: sigv4.UnknownKey}
	}
	return c, nil
}

// fakeAuthz allows root everything and others what allow lists.
type fakeAuthz struct {
	mu    sync.Mutex
	allow map[string]bool // "principalARN action"
	seen  []auth.Request
}

func (f *fakeAuthz) Authorize(_ context.Context, c *auth.Caller, req auth.Request) (auth.Decision, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, req)
	if c.Type == "Root" || f.allow[c.ARN+" "+req.Action] {
		return auth.Decision{Allowed: true}, nil
	}
	for _, p := range req.ResourcePolicies {
		if strings.Contains(p.Document, c.ARN) {
			return auth.Decision{Allowed: true}, nil
		}
	}
	return auth.Decision{
		Message: "User: " + c.ARN + " is not authorized to perform: " + req.Action + " on resource: " + req.Resource,
		Because: " because no identity-based policy allows the " + req.Action + " action",
	}, nil
}

func (f *fakeAuthz) requests() []auth.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]auth.Request(nil), f.seen...)
}

// fakeIAM is an in-memory IAM with the domain's error wording.
type fakeIAM struct {
	*fakeAdmin // groups, policies, roles, tags: iam_fakes_test.go
	mu         sync.Mutex
	users      map[string]iam.User
	keys       map[string][]iam.AccessKeyMeta
	roles      map[string]iam.Role
	n          int
}

func newFakeIAM() *fakeIAM {
	f := &fakeIAM{users: map[string]iam.User{}, keys: map[string][]iam.AccessKeyMeta{}, roles: map[string]iam.Role{}}
	f.fakeAdmin = newFakeAdmin(f)
	f.users["api-gateway-user"] = iam.User{Path: "/", Name: "api-gateway-user", UserID: "AIDAAPIUSER",
		ARN: apiUser.ARN, Created: testNow.Add(-time.Hour)}
	f.roles["deployer"] = iam.Role{Path: "/", Name: "deployer", RoleID: "AROADEPLOYER", ARN: "arn:aws:iam::" + acct + ":role/deployer",
		AssumeRolePolicy:   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + apiUser.ARN + `"},"Action":"sts:AssumeRole"}]}`,
		MaxSessionDuration: time.Hour, Created: testNow}
	return f
}

func (f *fakeIAM) CreateUser(_ context.Context, name, path string, tags map[string]string) (iam.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[name]; ok {
		return iam.User{}, awserr.New(awserr.EntityAlreadyExists, "User with name %s already exists.", name)
	}
	f.n++
	u := iam.User{Path: path, Name: name, UserID: fmt.Sprintf("AIDA%016d", f.n),
		ARN: "arn:aws:iam::" + acct + ":user" + path + name, Created: testNow, Tags: tags}
	f.users[name] = u
	return u, nil
}

func (f *fakeIAM) GetUser(_ context.Context, name string) (iam.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[name]
	if !ok {
		return iam.User{}, awserr.New(awserr.NoSuchEntity, "The user with name %s cannot be found.", name)
	}
	return u, nil
}

func (f *fakeIAM) ListUsers(_ context.Context, prefix string) ([]iam.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []iam.User
	for _, u := range f.users {
		if strings.HasPrefix(u.Path, prefix) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (f *fakeIAM) DeleteUser(ctx context.Context, name string) error {
	if _, err := f.GetUser(ctx, name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, name)
	return nil
}

func (f *fakeIAM) CreateAccessKey(ctx context.Context, user string) (iam.AccessKey, error) {
	if _, err := f.GetUser(ctx, user); err != nil {
		return iam.AccessKey{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	k := iam.AccessKey{UserName: user, AccessKeyID: fmt.Sprintf("AKIA%016d", f.n), Secret: seal.Secret("secret/" + user),
		Status: "Active", Created: testNow}
	f.keys[user] = append(f.keys[user], iam.AccessKeyMeta{UserName: user, AccessKeyID: k.AccessKeyID, Status: "Active", Created: testNow})
	return k, nil
}

func (f *fakeIAM) ListAccessKeys(ctx context.Context, user string) ([]iam.AccessKeyMeta, error) {
	if _, err := f.GetUser(ctx, user); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.keys[user], nil
}

func (f *fakeIAM) UpdateAccessKey(_ context.Context, user, id, status string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, k := range f.keys[user] {
		if k.AccessKeyID == id {
			f.keys[user][i].Status = status
			return nil
		}
	}
	return awserr.New(awserr.NoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

func (f *fakeIAM) DeleteAccessKey(_ context.Context, user, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, k := range f.keys[user] {
		if k.AccessKeyID == id {
			f.keys[user] = append(f.keys[user][:i], f.keys[user][i+1:]...)
			return nil
		}
	}
	return awserr.New(awserr.NoSuchEntity, "The Access Key with id %s cannot be found.", id)
}

func (f *fakeIAM) GetRole(_ context.Context, name string) (iam.Role, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.roles[name]
	if !ok {
		return iam.Role{}, awserr.New(awserr.NoSuchEntity, "The role with name %s cannot be found.", name)
	}
	return r, nil
}

func (f *fakeIAM) CreateSession(_ context.Context, roleARN, name string, d time.Duration, _ string) (iam.Session, error) {
	role := roleARN[strings.LastIndex(roleARN, "/")+1:]
	return iam.Session{AccessKeyID: "ASIANEW", Secret: "s", SessionToken: "token",
		Expires: testNow.Add(d), AssumedRoleID: "AROADEPLOYER:" + name,
		AssumedRoleARN: "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + name}, nil
}

func (f *fakeIAM) GetSessionToken(_ context.Context, id string, d time.Duration) (iam.Session, error) {
	return iam.Session{AccessKeyID: "ASIATOKEN", Secret: "s", SessionToken: "token", Expires: testNow.Add(d)}, nil
}

// fakeStacks holds one deployed stack, the seed's.
type fakeStacks struct {
	stack.Backend // unimplemented methods panic: tests call only these
	stacks        []stack.Stack
	lastInput     stack.ChangeSetInput
}

const seedStackID = "arn:aws:cloudformation:us-east-1:" + acct + ":stack/Api-IAM-Sample-Stack/1b2c3d4e-0000-4000-8000-000000000001"

func newFakeStacks() *fakeStacks {
	return &fakeStacks{stacks: []stack.Stack{{
		StackID: seedStackID, StackName: "Api-IAM-Sample-Stack", StackStatus: stack.CreateComplete,
		CreationTime: testNow, Capabilities: []string{"CAPABILITY_NAMED_IAM"},
		Parameters: []stack.Parameter{{Key: "Stage", Value: "v1"}},
		Outputs: []stack.Output{{Key: "HelloWorldApi", Value: "https://abc123.execute-api.us-east-1.amazonaws.com/v1/hello",
			Description: "API Gateway endpoint URL"}},
		Tags: map[string]string{"team": "a"},
	}}}
}

func (f *fakeStacks) DescribeStacks(_ context.Context, name string) ([]stack.Stack, error) {
	if name == "" {
		return f.stacks, nil
	}
	for _, s := range f.stacks {
		if s.StackName == name || s.StackID == name {
			return []stack.Stack{s}, nil
		}
	}
	return nil, awserr.New(awserr.ValidationError, "Stack with id %s does not exist", name)
}

func (f *fakeStacks) CreateChangeSet(_ context.Context, in stack.ChangeSetInput) (stack.ChangeSet, error) {
	f.lastInput = in
	return stack.ChangeSet{ChangeSetID: "arn:aws:cloudformation:us-east-1:" + acct + ":changeSet/" + in.ChangeSetName + "/1",
		StackID: seedStackID}, nil
}

func (f *fakeStacks) DescribeChangeSet(_ context.Context, stackName, cs string) (stack.ChangeSet, error) {
	if cs != "cs1" {
		return stack.ChangeSet{}, awserr.New(awserr.ChangeSetNotFound, "ChangeSet [%s] does not exist", cs)
	}
	return stack.ChangeSet{ChangeSetID: "arn:cs1", ChangeSetName: "cs1", StackID: seedStackID, StackName: stackName,
		Status: "CREATE_COMPLETE", ExecutionStatus: "AVAILABLE", CreationTime: testNow,
		Changes: []stack.Change{{Action: "Add", LogicalResourceID: "HelloWorldFunction", ResourceType: "AWS::Lambda::Function"}}}, nil
}

func (f *fakeStacks) ExecuteChangeSet(context.Context, string, string) error { return nil }

func (f *fakeStacks) GetTemplate(_ context.Context, name, _, stage string) (string, error) {
	return "stage: " + stage, nil
}

func (f *fakeStacks) DescribeStackEvents(_ context.Context, name string) ([]stack.Event, error) {
	return []stack.Event{{EventID: "e1", StackID: seedStackID, StackName: name, LogicalResourceID: name,
		PhysicalResourceID: seedStackID, ResourceType: "AWS::CloudFormation::Stack", Timestamp: testNow,
		ResourceStatus: stack.CreateComplete}}, nil
}

func (f *fakeStacks) ValidateTemplate(_ context.Context, body, _ string) (stack.ValidateResult, error) {
	return stack.ValidateResult{Description: "d", Parameters: []stack.TemplateParameter{{Key: "Stage", DefaultValue: "v1"}}}, nil
}
