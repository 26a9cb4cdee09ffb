package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/policygen"
	"github.com/iamgate/iamgate/internal/policytest"
	"github.com/iamgate/iamgate/internal/server"
)

// `iamgate policy suggest` reads a principal's recorded decisions through
// the server's decisions API and prints the least-privilege identity
// policy for them; --diff compares it with the principal's policies now
// (read with IAM's Get*Policy calls, checked with SimulatePrincipalPolicy).

type suggestFlags struct {
	clientFlags
	principal, stack string
	since            time.Duration
	diff             bool
}

func newPolicy() *cobra.Command {
	c := &cobra.Command{Use: "policy", Short: "Least-privilege policies from recorded traffic"}
	c.AddCommand(newSuggest())
	return c
}

func newSuggest() *cobra.Command {
	var f suggestFlags
	c := &cobra.Command{
		Use:   "suggest --principal ARN|NAME [--stack S] [--since DURATION] [--diff]",
		Short: "Print the minimal identity policy for what a principal did",
		Long: "The principal is an IAM ARN, user/NAME, role/NAME, or a NAME: with --stack, a logical id of the\n" +
			"stack's user, role or function (a function stands for its execution role); else a user or role name.\n" +
			"The decisions recorded for it (data plane, control plane, and calls made with a role's session\n" +
			"credentials) become one statement per service and set of resources. --diff also prints what its\n" +
			"current policies grant that it did not use, and what it needed that they deny.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSuggest(c.Context(), c.OutOrStdout(), c.ErrOrStderr(), &f)
		},
	}
	f.clientFlags.register(c)
	c.Flags().StringVar(&f.principal, "principal", "", "the principal: an ARN, user/NAME, role/NAME or NAME")
	c.Flags().StringVar(&f.stack, "stack", "", "resolve a NAME as a logical id of this stack")
	c.Flags().DurationVar(&f.since, "since", 0, "only decisions of the last DURATION (e.g. 1h); default all kept")
	c.Flags().BoolVar(&f.diff, "diff", false, "also print granted-and-unused and denied-and-needed permissions")
	_ = c.MarkFlagRequired("principal")
	return c
}

func runSuggest(ctx context.Context, stdout, stderr io.Writer, f *suggestFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := f.awsConfig()
	if err != nil {
		return err
	}
	sim := newSimulator(cfg)
	principal, err := resolveSuggestPrincipal(ctx, cfg, sim, f.principal, f.stack)
	if err != nil {
		return err
	}
	var since time.Time
	if f.since > 0 {
		since = time.Now().Add(-f.since)
	}
	answer, err := fetchDecisions(ctx, &f.clientFlags, principal, since)
	if err != nil {
		return err
	}
	if len(answer.Decisions) == 0 {
		return fmt.Errorf("no decisions are recorded for %s%s: send it some traffic first", principal, sinceWords(f.since))
	}
	calls := make([]policygen.Call, 0, len(answer.Decisions))
	for _, d := range answer.Decisions {
		calls = append(calls, policygen.Call{Action: d.Action, Resource: d.Resource, Allowed: d.Effect == "Allow"})
	}
	fmt.Fprint(stdout, policygen.Generate(calls).JSON())
	passRoleNote(stderr, calls)
	if !f.diff {
		return nil
	}
	return printDiff(ctx, stdout, iam.NewFromConfig(cfg), sim, principal, calls)
}

func sinceWords(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return " in the last " + d.String()
}

// passRoleActions pass a role to a service, for which AWS also requires
// iam:PassRole on that role
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
var passRoleActions = []string{"lambda:createfunction", "lambda:updatefunctionconfiguration",
	"cloudformation:createstack", "cloudformation:updatestack", "cloudformation:createchangeset"}

// passRoleNote says when a call that passes a role was seen without an
// iam:PassRole decision: the server checks PassRole only where the request
// names a role, so the policy may need it for the role passed.
func passRoleNote(w io.Writer, calls []policygen.Call) {
	var passes []string
	sawPassRole := false
	for _, c := range calls {
		a := strings.ToLower(c.Action)
		sawPassRole = sawPassRole || a == "iam:passrole"
		if slices.Contains(passRoleActions, a) && !slices.Contains(passes, c.Action) {
			passes = append(passes, c.Action)
		}
	}
	if len(passes) > 0 && !sawPassRole {
		fmt.Fprintf(w, "note: %s can pass a role; where it did, the policy also needs iam:PassRole on that role\n", strings.Join(passes, ", "))
	}
}

// resolveSuggestPrincipal turns the --principal forms into an IAM ARN.
func resolveSuggestPrincipal(ctx context.Context, cfg aws.Config, sim *simulator, p, stackName string) (string, error) {
	if strings.HasPrefix(p, "arn:") || strings.Contains(p, "/") {
		return sim.principalARN(ctx, p)
	}
	if stackName != "" {
		out, err := cloudformation.NewFromConfig(cfg).DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{
			StackName: aws.String(stackName), LogicalResourceId: aws.String(p)})
		if err != nil {
			return "", fmt.Errorf("--principal %s in stack %s: %w", p, stackName, err)
		}
		d := out.StackResourceDetail
		physical := aws.ToString(d.PhysicalResourceId)
		switch aws.ToString(d.ResourceType) {
		case "AWS::IAM::Role":
			return sim.principalARN(ctx, "role/"+physical)
		case "AWS::IAM::User":
			return sim.principalARN(ctx, "user/"+physical)
		case "AWS::Lambda::Function":
			fn, err := lambda.NewFromConfig(cfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(physical)})
			if err != nil {
				return "", fmt.Errorf("--principal %s: %w", p, err)
			}
			return aws.ToString(fn.Configuration.Role), nil
		}
		return "", fmt.Errorf("--principal %s is a %s: want a user, a role or a function", p, aws.ToString(d.ResourceType))
	}
	if arn, err := sim.principalARN(ctx, "user/"+p); err == nil {
		return arn, nil
	}
	if arn, err := sim.principalARN(ctx, "role/"+p); err == nil {
		return arn, nil
	}
	return "", fmt.Errorf("--principal %s: no user or role of that name", p)
}

// fetchDecisions asks the server's decisions API.
func fetchDecisions(ctx context.Context, f *clientFlags, principal string, since time.Time) (*server.DecisionsAnswer, error) {
	q := url.Values{"principal": {principal}}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339Nano))
	}
	status, h, body, err := callIamgate(ctx, f, http.MethodGet, server.DecisionsPath+"?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, iamgateError("decisions", h, body)
	}
	var a server.DecisionsAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, fmt.Errorf("decisions: unexpected answer: %w", err)
	}
	return &a, nil
}

// callIamgate sends one request to an iamgate API (service "iamgate"),
// signed with the environment's or the data dir's admin credentials.
func callIamgate(ctx context.Context, f *clientFlags, method, path string, payload []byte) (int, http.Header, []byte, error) {
	id, secret, token := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
	if id == "" {
		var err error
		if id, secret, err = adminKey(f.dataDir); err != nil {
			return 0, nil, nil, err
		}
		token = ""
	}
	req, err := http.NewRequestWithContext(ctx, method, f.endpointURL()+path, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(payload)
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), server.WhyService, f.region, time.Now()); err != nil {
		return 0, nil, nil, err
	}
	resp, err := f.httpClient().Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}

// iamgateError is the AWS-shaped error answer of an iamgate API as an
// error: "API: ErrorType: message".
func iamgateError(api string, h http.Header, body []byte) error {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	if e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
	}
	return fmt.Errorf("%s: %s: %s", api, h.Get("x-amzn-ErrorType"), e.Message)
}

// printDiff prints what the principal's policies grant that no call used,
// and which calls its policies deny now.
func printDiff(ctx context.Context, w io.Writer, client *iam.Client, sim *simulator, principal string, calls []policygen.Call) error {
	policies, err := currentPolicies(ctx, client, principal)
	if err != nil {
		return err
	}
	// Decide each distinct call again against today's policies: a denial
	// recorded before a policy change may be allowed now.
	now := make([]policygen.Call, 0, len(calls))
	for _, c := range calls {
		if slices.ContainsFunc(now, func(o policygen.Call) bool { return strings.EqualFold(o.Action, c.Action) && o.Resource == c.Resource }) {
			continue
		}
		res, err := sim.Simulate(ctx, policytest.Query{Principal: principal, Action: c.Action, Resource: c.Resource})
		if err != nil {
			return err
		}
		c.Allowed = res.Decision == "allowed"
		now = append(now, c)
	}
	unused, notes := policygen.Unused(policies, now)
	fmt.Fprintln(w, "\nGranted and unused:")
	if len(unused) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, g := range unused {
		fmt.Fprintln(w, "  "+g.String())
	}
	for _, n := range notes {
		fmt.Fprintln(w, "  note: "+n)
	}
	fmt.Fprintln(w, "\nDenied and needed:")
	needed := policygen.Needed(now)
	if len(needed) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, c := range needed {
		fmt.Fprintln(w, "  "+c.Action+" on "+c.Resource)
	}
	return nil
}

// currentPolicies reads the identity policies of a user (its own and its
// groups') or a role, inline and attached, as IAM's Get*Policy calls
// return them (URL-encoded documents).
func currentPolicies(ctx context.Context, c *iam.Client, principal string) ([]policygen.Named, error) {
	_, rest, _ := strings.Cut(principal, ":iam::")
	_, res, _ := strings.Cut(rest, ":")
	kind, path, _ := strings.Cut(res, "/")
	name := path[strings.LastIndexByte(path, '/')+1:]
	var out []policygen.Named
	add := func(label, doc string) error {
		d, err := url.QueryUnescape(doc)
		if err != nil {
			return fmt.Errorf("policy %s: %w", label, err)
		}
		out = append(out, policygen.Named{Name: label, Document: d})
		return nil
	}
	attached := func(arns []string) error {
		for _, a := range arns {
			p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(a)})
			if err != nil {
				return err
			}
			v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(a), VersionId: p.Policy.DefaultVersionId})
			if err != nil {
				return err
			}
			if err := add(aws.ToString(p.Policy.PolicyName), aws.ToString(v.PolicyVersion.Document)); err != nil {
				return err
			}
		}
		return nil
	}
	switch kind {
	case "user":
		names, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		for _, pn := range names.PolicyNames {
			p, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			if err := add(pn, aws.ToString(p.PolicyDocument)); err != nil {
				return nil, err
			}
		}
		att, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, a := range att.AttachedPolicies {
			arns = append(arns, aws.ToString(a.PolicyArn))
		}
		groups, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		for _, g := range groups.Groups {
			gn := aws.ToString(g.GroupName)
			names, err := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g.GroupName})
			if err != nil {
				return nil, err
			}
			for _, pn := range names.PolicyNames {
				p, err := c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: g.GroupName, PolicyName: aws.String(pn)})
				if err != nil {
					return nil, err
				}
				if err := add(gn+"/"+pn, aws.ToString(p.PolicyDocument)); err != nil {
					return nil, err
				}
			}
			att, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g.GroupName})
			if err != nil {
				return nil, err
			}
			for _, a := range att.AttachedPolicies {
				arns = append(arns, aws.ToString(a.PolicyArn))
			}
		}
		return out, attached(arns)
	case "role":
		names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		for _, pn := range names.PolicyNames {
			p, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			if err := add(pn, aws.ToString(p.PolicyDocument)); err != nil {
				return nil, err
			}
		}
		att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, a := range att.AttachedPolicies {
			arns = append(arns, aws.ToString(a.PolicyArn))
		}
		return out, attached(arns)
	}
	return nil, errors.New("--diff: the principal must be an IAM user or role")
}
