package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/policytest"
)

// `iamgate check FILE` runs a policy test table against the running
// server's policies with IAM's SimulatePrincipalPolicy (the server's own
// authorizer answers it), without sending the requests themselves. The
// rows' execute-api resources get their API's resource policy, read with
// API Gateway's GetRestApi, as ResourcePolicy.

type checkFlags struct {
	clientFlags
	stack, junit string
}

// exitTableError is check's exit code for a table it could not read or a
// server it could not ask; 1 is a mismatch.
const exitTableError = 2

func newCheck() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "check FILE",
		Short: "Check a table of principal × action × resource → allow|deny against the server's policies",
		Long: "Each row of FILE (YAML) names a principal (an IAM ARN, user/NAME or role/NAME), an action, a resource\n" +
			"(!Sub and !Ref resolve against --stack), an optional request context and the decision expected.\n" +
			"Rows are simulated with IAM SimulatePrincipalPolicy; no request is sent to the APIs themselves.\n" +
			"Exit status: 0 all rows pass, 1 some row fails, 2 the table or the server could not be read.",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runCheck(c.Context(), c.OutOrStdout(), c.ErrOrStderr(), &f, args[0])
		},
	}
	f.clientFlags.register(c)
	c.Flags().StringVar(&f.stack, "stack", "", "resolve !Sub and !Ref against this stack's parameters, resources and outputs")
	c.Flags().StringVar(&f.junit, "junit", "", "also write the results as JUnit XML to this file")
	return c
}

func runCheck(ctx context.Context, stdout, stderr io.Writer, f *checkFlags, file string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "iamgate:", err)
		return exitError{exitTableError}
	}
	cases, err := policytest.Parse(file, data)
	if err != nil {
		fmt.Fprintln(stderr, "iamgate:", err)
		return exitError{exitTableError}
	}
	cfg, err := f.awsConfig()
	if err != nil {
		return err
	}
	env, err := checkEnv(ctx, cfg, f.stack)
	if err != nil {
		fmt.Fprintln(stderr, "iamgate:", err)
		return exitError{exitTableError}
	}
	sim := newSimulator(cfg)
	outcomes := policytest.Run(ctx, sim, env, cases, time.Now)
	ok := policytest.WriteText(stdout, file, outcomes)
	if f.junit != "" {
		if err := writeJUnit(f.junit, file, outcomes); err != nil {
			fmt.Fprintln(stderr, "iamgate:", err)
			return exitError{exitTableError}
		}
	}
	if !ok {
		return exitError{1}
	}
	return nil
}

func writeJUnit(path, file string, outcomes []policytest.Outcome) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := policytest.WriteJUnit(out, file, outcomes); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// checkEnv reads what !Sub and !Ref resolve against: the caller's account
// (or the stack's) and region, and the stack's parameters, resources and
// outputs.
func checkEnv(ctx context.Context, cfg aws.Config, stackName string) (*policytest.Env, error) {
	env := &policytest.Env{Region: cfg.Region}
	if stackName == "" {
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("sts get-caller-identity: %w", err)
		}
		env.AccountID = aws.ToString(id.Account)
		return env, nil
	}
	cf := cloudformation.NewFromConfig(cfg)
	out, err := cf.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stackName)})
	if err != nil {
		return nil, fmt.Errorf("--stack %s: %w", stackName, err)
	}
	if len(out.Stacks) == 0 {
		return nil, fmt.Errorf("--stack %s: no such stack", stackName)
	}
	st := out.Stacks[0]
	env.StackName, env.StackID = aws.ToString(st.StackName), aws.ToString(st.StackId)
	env.AccountID = accountOfARN(env.StackID)
	env.Parameters, env.Resources, env.Outputs = map[string]string{}, map[string]string{}, map[string]string{}
	for _, p := range st.Parameters {
		env.Parameters[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	for _, o := range st.Outputs {
		env.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	res, err := cf.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stackName)})
	if err != nil {
		return nil, fmt.Errorf("--stack %s: %w", stackName, err)
	}
	for _, r := range res.StackResources {
		env.Resources[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	return env, nil
}

func accountOfARN(s string) string {
	a, _ := arn.Parse(s) // the zero ARN, no account, when s is not one
	return a.AccountID
}

type iamAPI interface {
	GetUser(ctx context.Context, in *iam.GetUserInput, opts ...func(*iam.Options)) (*iam.GetUserOutput, error)
	GetRole(ctx context.Context, in *iam.GetRoleInput, opts ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetGroup(ctx context.Context, in *iam.GetGroupInput, opts ...func(*iam.Options)) (*iam.GetGroupOutput, error)
	SimulatePrincipalPolicy(ctx context.Context, in *iam.SimulatePrincipalPolicyInput, opts ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error)
}

type restAPIs interface {
	GetRestApi(ctx context.Context, in *apigateway.GetRestApiInput, opts ...func(*apigateway.Options)) (*apigateway.GetRestApiOutput, error)
}

// simulator answers table rows with SimulatePrincipalPolicy.
type simulator struct {
	iam        iamAPI
	apis       restAPIs
	principals map[string]string // user/NAME → ARN
	policies   map[string]string // REST API id → resource policy ("" none)
}

var _ policytest.Simulator = (*simulator)(nil)

func newSimulator(cfg aws.Config) *simulator {
	return &simulator{iam: iam.NewFromConfig(cfg), apis: apigateway.NewFromConfig(cfg),
		principals: map[string]string{}, policies: map[string]string{}}
}

func (s *simulator) Simulate(ctx context.Context, q policytest.Query) (policytest.Result, error) {
	principal, err := s.principalARN(ctx, q.Principal)
	if err != nil {
		return policytest.Result{}, err
	}
	in := &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(principal), ActionNames: []string{q.Action},
		ResourceArns: []string{q.Resource}, ContextEntries: contextEntries(q.Context)}
	var res policytest.Result
	if account := accountOfARN(q.Resource); account != "" && !strings.ContainsAny(account, "*?") {
		in.ResourceOwner = aws.String(arn.IAM(account, "root"))
	}
	if policy, err := s.apiPolicy(ctx, q.Resource); err != nil {
		return policytest.Result{}, err
	} else if policy != "" {
		// SimulatePrincipalPolicy takes a ResourcePolicy for an IAM user;
		// for a role it wants a user as CallerArn, which would evaluate
		// the API's policy for someone else (API_SimulatePrincipalPolicy.html).
		if strings.Contains(principal, ":user/") {
			in.ResourcePolicy = aws.String(policy)
		} else {
			res.Notes = append(res.Notes, "the API's resource policy was not simulated: SimulatePrincipalPolicy evaluates one only for an IAM user")
		}
	}
	out, err := s.iam.SimulatePrincipalPolicy(ctx, in)
	if err != nil {
		return policytest.Result{}, fmt.Errorf("iam simulate-principal-policy: %w", err)
	}
	if len(out.EvaluationResults) != 1 {
		return policytest.Result{}, fmt.Errorf("iam simulate-principal-policy: %d results for one action", len(out.EvaluationResults))
	}
	r := out.EvaluationResults[0]
	res.Decision = string(r.EvalDecision)
	for _, st := range r.MatchedStatements {
		res.Matched = append(res.Matched, policytest.Statement{PolicyID: aws.ToString(st.SourcePolicyId),
			PolicyType: string(st.SourcePolicyType), Start: position(st.StartPosition), End: position(st.EndPosition)})
	}
	if len(r.MissingContextValues) > 0 {
		res.Notes = append(res.Notes, "context keys the policies test but the row does not give: "+strings.Join(r.MissingContextValues, ", "))
	}
	return res, nil
}

func position(p *iamtypes.Position) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(int(p.Line)) + ":" + strconv.Itoa(int(p.Column))
}

// principalARN turns user/NAME, role/NAME and group/NAME into the entity's
// ARN (with its path) by asking IAM; an ARN is used as given.
func (s *simulator) principalARN(ctx context.Context, p string) (string, error) {
	if strings.HasPrefix(p, "arn:") {
		return p, nil
	}
	if arn, ok := s.principals[p]; ok {
		return arn, nil
	}
	kind, rest, _ := strings.Cut(p, "/")
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	if name == "" {
		return "", fmt.Errorf("principal %q: want an IAM ARN, user/NAME, role/NAME or group/NAME", p)
	}
	var arn *string
	var err error
	switch kind {
	case "user":
		var out *iam.GetUserOutput
		if out, err = s.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)}); err == nil {
			arn = out.User.Arn
		}
	case "role":
		var out *iam.GetRoleOutput
		if out, err = s.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err == nil {
			arn = out.Role.Arn
		}
	case "group":
		var out *iam.GetGroupOutput
		if out, err = s.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(name)}); err == nil {
			arn = out.Group.Arn
		}
	default:
		return "", fmt.Errorf("principal %q: want an IAM ARN, user/NAME, role/NAME or group/NAME", p)
	}
	if err != nil {
		return "", fmt.Errorf("principal %s: %w", p, err)
	}
	s.principals[p] = aws.ToString(arn)
	return s.principals[p], nil
}

// apiPolicy returns the resource policy of the REST API an execute-api ARN
// names ("" when it has none, or when the ARN's API id is a wildcard).
func (s *simulator) apiPolicy(ctx context.Context, resource string) (string, error) {
	a, err := arn.Parse(resource)
	if err != nil || a.Service != "execute-api" {
		return "", nil
	}
	id, _, _ := strings.Cut(a.Resource, "/")
	if id == "" || strings.ContainsAny(id, "*?") {
		return "", nil
	}
	if p, ok := s.policies[id]; ok {
		return p, nil
	}
	out, err := s.apis.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(id)})
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() == "NotFoundException":
		s.policies[id] = "" // a row may test an API that is gone: IAM decides alone
		return "", nil
	case err != nil:
		return "", fmt.Errorf("apigateway get-rest-api %s: %w", id, err)
	}
	s.policies[id] = unescapePolicy(aws.ToString(out.Policy))
	return s.policies[id], nil
}

// unescapePolicy undoes the escaping API Gateway applies to a REST API's
// policy in GetRestApi ("{\"Version\":...}"), when it is there.
func unescapePolicy(p string) string {
	if p == "" || json.Valid([]byte(p)) {
		return p
	}
	if u := strings.ReplaceAll(p, `\"`, `"`); json.Valid([]byte(u)) {
		return u
	}
	return p
}

// contextEntries types each key as IAM's condition keys are typed
// (reference_policies_condition-keys.html); other keys are strings.
func contextEntries(ctx map[string][]string) []iamtypes.ContextEntry {
	if len(ctx) == 0 {
		return nil
	}
	out := make([]iamtypes.ContextEntry, 0, len(ctx))
	for _, k := range slices.Sorted(maps.Keys(ctx)) {
		t := contextKeyType(k)
		if len(ctx[k]) > 1 {
			t += "List"
		}
		out = append(out, iamtypes.ContextEntry{ContextKeyName: aws.String(k), ContextKeyValues: ctx[k], ContextKeyType: iamtypes.ContextKeyTypeEnum(t)})
	}
	return out
}

func contextKeyType(k string) string {
	switch strings.ToLower(k) {
	case "aws:sourceip":
		return "ip"
	case "aws:currenttime", "aws:tokenissuetime":
		return "date"
	case "aws:epochtime", "aws:multifactorauthage":
		return "numeric"
	case "aws:securetransport", "aws:multifactorauthpresent", "aws:viaawsservice", "aws:principalisawsservice":
		return "boolean"
	}
	return "string"
}
