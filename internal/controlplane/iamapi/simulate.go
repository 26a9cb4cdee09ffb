package iamapi

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy,
// answered by the Evaluator, the engine the gateway and the control plane
// authorize with: the same policy set, the same compiled documents, the
// same Decision.
// Shapes: https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html,
// API_SimulateCustomPolicy.html, API_EvaluationResult.html, API_ResourceSpecificResult.html,
// API_Statement.html, API_ContextEntry.html.

// Simulator decisions (PolicyEvaluationDecisionType).
const (
	evalAllowed      = "allowed"
	evalExplicitDeny = "explicitDeny"
	evalImplicitDeny = "implicitDeny"
)

// contextKeyTypes is ContextKeyTypeEnum.
var contextKeyTypes = []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList",
	"ip", "ipList", "binary", "binaryList", "date", "dateList"}

// Evaluator is the policy engine of the simulator; *auth.Service (and
// *auth.Evaluator) satisfies it.
type Evaluator interface {
	Compile(doc string, kind iampolicy.Kind) (*iampolicy.Policy, error)
	Evaluate(ctx context.Context, p iam.Principal, req auth.Request) (auth.Decision, error)
}

// simSource is one policy of a simulation with what MatchedStatements
// reports for it.
type simSource struct {
	id, typ string // SourcePolicyId, SourcePolicyType ("" is omitted)
	doc     string
	spans   []span
}

// simulation is one decoded Simulate* request: the principal with the
// policies to simulate, each named by its index in sources.
type simulation struct {
	ev        Evaluator
	principal iam.Principal
	resource  []auth.Policy
	sources   []simSource // by policy name, which is the index
	actions   []string
	resources []string // nil: "*"
	owner     string
	context   map[string][]string
}

// add validates src as a policy of kind and returns it under its name.
func (s *simulation) add(kind iampolicy.Kind, src simSource) (iam.PolicyDoc, error) {
	pol, err := s.ev.Compile(src.doc, kind)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return iam.PolicyDoc{}, awserr.New(awserr.MalformedPolicyDocument, "%s", pe.Message)
		}
		return iam.PolicyDoc{}, err
	}
	src.spans = statementSpans(src.doc)
	if len(src.spans) != len(pol.Statements) {
		src.spans = nil
	}
	s.sources = append(s.sources, src)
	return iam.PolicyDoc{Name: strconv.Itoa(len(s.sources) - 1), Document: src.doc}, nil
}

// inputs adds the PolicyInputList and PermissionsBoundaryPolicyInputList
// documents; SourcePolicyId names each by its member, "PolicyInputList.1".
func (s *simulation) inputs(c *call) error {
	for i, doc := range c.P.List("PolicyInputList") {
		n, err := s.add(iampolicy.IdentityPolicy, simSource{id: "PolicyInputList." + strconv.Itoa(i+1), doc: doc})
		if err != nil {
			return err
		}
		s.principal.Identity = append(s.principal.Identity, n)
	}
	for i, doc := range c.P.List("PermissionsBoundaryPolicyInputList") {
		if i > 0 {
			return awserr.New(awserr.InvalidInput, "Only one permissions boundary policy may be specified.")
		}
		n, err := s.add(iampolicy.PermissionsBoundary, simSource{id: "PermissionsBoundaryPolicyInputList.1", doc: doc})
		if err != nil {
			return err
		}
		s.principal.Boundary = &n // replaces the entity's own boundary, as documented
	}
	return nil
}

// common reads the members both operations share.
func (s *simulation) common(c *call) error {
	s.actions = c.P.List("ActionNames")
	if len(s.actions) == 0 {
		return awserr.New(awserr.ValidationError,
			"1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	s.resources = c.P.List("ResourceArns")
	s.owner = c.P.Get("ResourceOwner")
	if s.owner != "" {
		if acct, ok := accountOf(s.owner); ok {
			s.owner = acct
		}
	}
	if doc := c.P.Get("ResourcePolicy"); doc != "" {
		n, err := s.add(iampolicy.ResourcePolicy, simSource{id: "ResourcePolicy", typ: "resource", doc: doc})
		if err != nil {
			return err
		}
		s.resource = []auth.Policy{{Name: n.Name, Document: n.Document}}
	}
	ctx, err := contextEntries(c.P)
	s.context = ctx
	return err
}

// accountOf returns the account of an ARN such as arn:aws:iam::123456789012:root.
func accountOf(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return "", false
	}
	return parts[4], parts[4] != ""
}

// contextEntries decodes ContextEntries.member.N.{ContextKeyName,
// ContextKeyValues.member.M, ContextKeyType}.
func contextEntries(p query.Params) (map[string][]string, error) {
	ctx := map[string][]string{}
	for _, e := range p.Structs("ContextEntries") {
		name := e["ContextKeyName"]
		if t := e["ContextKeyType"]; t != "" && !slices.Contains(contextKeyTypes, t) {
			return nil, awserr.New(awserr.ValidationError,
				"1 validation error detected: Value '%s' at 'contextEntries.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
				t, strings.Join(contextKeyTypes, ", "))
		}
		if name == "" {
			continue
		}
		vals := query.Params(e).List("ContextKeyValues")
		ctx[name] = append([]string{}, vals...)
	}
	return ctx, nil
}

func iamSimulateCustomPolicy(c *call) (any, error) {
	if err := c.Authorize("iam:SimulateCustomPolicy", "*"); err != nil {
		return nil, err
	}
	if len(c.P.List("PolicyInputList")) == 0 {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	s := &simulation{ev: c.o.Evaluator, principal: iam.Principal{Type: iam.TypeUser, AccountID: c.Account()}}
	if err := s.common(c); err != nil {
		return nil, err
	}
	if err := s.inputs(c); err != nil {
		return nil, err
	}
	if err := s.caller(c, false); err != nil {
		return nil, err
	}
	return s.run(c)
}

func iamSimulatePrincipalPolicy(c *call) (any, error) {
	arn, err := c.P.Required("PolicySourceArn")
	if err != nil {
		return nil, err
	}
	if err := c.Authorize("iam:SimulatePrincipalPolicy", arn); err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	src, err := svc.PolicySourcesFor(c.Ctx, arn)
	if err != nil {
		return nil, err
	}
	s := &simulation{ev: c.o.Evaluator, principal: src.Principal}
	if err := s.common(c); err != nil {
		return nil, err
	}
	for _, ps := range src.Identity {
		n, err := s.add(iampolicy.IdentityPolicy, simSource{id: ps.ID, typ: ps.Type, doc: ps.Document})
		if err != nil {
			return nil, err
		}
		s.principal.Identity = append(s.principal.Identity, n)
	}
	if b := src.Boundary; b != nil {
		n, err := s.add(iampolicy.PermissionsBoundary, simSource{id: b.ID, typ: b.Type, doc: b.Document})
		if err != nil {
			return nil, err
		}
		s.principal.Boundary = &n
	}
	if err := s.inputs(c); err != nil {
		return nil, err
	}
	if err := s.caller(c, src.Principal.Type == iam.TypeUser); err != nil {
		return nil, err
	}
	return s.run(c)
}

// caller applies CallerArn: the IAM user the resource policy's Principal is
// matched against. AWS requires it with a ResourcePolicy unless the
// simulated principal is itself a user (API_SimulatePrincipalPolicy.html,
// "CallerArn is required if you include a ResourcePolicy and the
// PolicySourceArn is not the ARN for an IAM user").
func (s *simulation) caller(c *call, sourceIsUser bool) error {
	arn := c.P.Get("CallerArn")
	if arn == "" {
		if len(s.resource) > 0 && !sourceIsUser {
			return awserr.New(awserr.InvalidInput, "Caller ARN must be specified when a resource policy is provided.")
		}
		return nil
	}
	acct, ok := accountOf(arn)
	_, name, isUser := strings.Cut(arn, ":user/")
	if !ok || !isUser {
		return awserr.New(awserr.InvalidInput, "Invalid caller ARN: %s. The caller must be an IAM user.", arn)
	}
	s.principal.ARN, s.principal.AccountID, s.principal.Type = arn, acct, iam.TypeUser
	s.principal.Username = name[strings.LastIndexByte(name, '/')+1:]
	s.principal.RoleARN = ""
	return nil
}
