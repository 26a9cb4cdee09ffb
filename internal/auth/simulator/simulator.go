package simulator

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/iam"
	"github.com/iamgate/iamgate/internal/iampolicy"
)

// Evaluator is the policy engine; *auth.Service and *auth.Evaluator
// satisfy it.
type Evaluator interface {
	Compile(doc string, kind iampolicy.Kind) (*iampolicy.Policy, error)
	Evaluate(ctx context.Context, p iam.Principal, req auth.Request) (auth.Decision, error)
}

var (
	_ Evaluator = (*auth.Evaluator)(nil)
	_ Evaluator = (*auth.Service)(nil)
)

// Input is one simulation request.
type Input struct {
	// Source is the simulated entity's policies (SimulatePrincipalPolicy,
	// from iam.PolicySourcesFor); nil simulates a user of Account with only
	// the input policies (SimulateCustomPolicy).
	Source  *iam.PolicySources
	Account string
	// PolicyInputs and BoundaryInputs are PolicyInputList and
	// PermissionsBoundaryPolicyInputList.
	PolicyInputs   []string
	BoundaryInputs []string
	Actions        []string
	Resources      []string // ResourceArns; nil is "*"
	ResourceOwner  string   // an account or an ARN naming one
	ResourcePolicy string
	CallerARN      string
	Context        map[string][]string
}

// source is one policy of a simulation with what MatchedStatements reports
// for it.
type source struct {
	id, typ string // SourcePolicyId, SourcePolicyType ("" is omitted)
	spans   []span
}

// simulation is a built Input: the principal with the policies to
// simulate, each named by its index in sources.
type simulation struct {
	ev        Evaluator
	principal iam.Principal
	resource  []auth.Policy
	sources   []source
	actions   []string
	resources []string
	owner     string
	context   map[string][]string
}

// Simulate answers in: one Result per action, in order.
func Simulate(ctx context.Context, ev Evaluator, in Input) ([]Result, error) {
	s, err := build(ev, in)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(s.actions))
	for _, action := range s.actions {
		r, err := s.action(ctx, action)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// build validates in's policies in IAM's order (the resource policy, the
// entity's, the inputs, the boundary input) and the caller.
func build(ev Evaluator, in Input) (*simulation, error) {
	s := &simulation{ev: ev, actions: in.Actions, resources: in.Resources, owner: in.ResourceOwner, context: in.Context}
	if s.owner != "" {
		if acct, ok := accountOf(s.owner); ok {
			s.owner = acct
		}
	}
	if in.ResourcePolicy != "" {
		n, err := s.add(iampolicy.ResourcePolicy, "ResourcePolicy", "resource", in.ResourcePolicy)
		if err != nil {
			return nil, err
		}
		s.resource = []auth.Policy{{Name: n.Name, Document: n.Document}}
	}
	sourceIsUser := false
	if src := in.Source; src != nil {
		s.principal = src.Principal
		s.principal.Derived = nil // its policies are edited below: nothing derived from them holds
		sourceIsUser = src.Principal.Type == iam.TypeUser
		for _, ps := range src.Identity {
			n, err := s.add(iampolicy.IdentityPolicy, ps.ID, ps.Type, ps.Document)
			if err != nil {
				return nil, err
			}
			s.principal.Identity = append(s.principal.Identity, n)
		}
		if b := src.Boundary; b != nil {
			n, err := s.add(iampolicy.PermissionsBoundary, b.ID, b.Type, b.Document)
			if err != nil {
				return nil, err
			}
			s.principal.Boundary = &n
		}
	} else {
		s.principal = iam.Principal{Type: iam.TypeUser, AccountID: in.Account}
	}
	if err := s.inputs(in); err != nil {
		return nil, err
	}
	if err := s.caller(in.CallerARN, sourceIsUser); err != nil {
		return nil, err
	}
	return s, nil
}

// add validates doc as a policy of kind and returns it under its name.
func (s *simulation) add(kind iampolicy.Kind, id, typ, doc string) (iam.PolicyDoc, error) {
	pol, err := s.ev.Compile(doc, kind)
	if err != nil {
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			return iam.PolicyDoc{}, awserr.New(awserr.MalformedPolicyDocument, "%s", pe.Message)
		}
		return iam.PolicyDoc{}, err
	}
	src := source{id: id, typ: typ, spans: statementSpans(doc)}
	if len(src.spans) != len(pol.Statements) {
		src.spans = nil
	}
	s.sources = append(s.sources, src)
	return iam.PolicyDoc{Name: strconv.Itoa(len(s.sources) - 1), Document: doc}, nil
}

// inputs adds the PolicyInputList and PermissionsBoundaryPolicyInputList
// documents; SourcePolicyId names each by its member, "PolicyInputList.1".
func (s *simulation) inputs(in Input) error {
	for i, doc := range in.PolicyInputs {
		n, err := s.add(iampolicy.IdentityPolicy, "PolicyInputList."+strconv.Itoa(i+1), "", doc)
		if err != nil {
			return err
		}
		s.principal.Identity = append(s.principal.Identity, n)
	}
	for i, doc := range in.BoundaryInputs {
		if i > 0 {
			return awserr.New(awserr.InvalidInput, "Only one permissions boundary policy may be specified.")
		}
		n, err := s.add(iampolicy.PermissionsBoundary, "PermissionsBoundaryPolicyInputList.1", "", doc)
		if err != nil {
			return err
		}
		s.principal.Boundary = &n // replaces the entity's own boundary, as documented
	}
	return nil
}

// caller applies CallerArn: the IAM user the resource policy's Principal is
// matched against. AWS requires it with a ResourcePolicy unless the
// simulated principal is itself a user (API_SimulatePrincipalPolicy.html,
// "CallerArn is required if you include a ResourcePolicy and the
// PolicySourceArn is not the ARN for an IAM user").
func (s *simulation) caller(arn string, sourceIsUser bool) error {
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

// accountOf returns the account of an ARN such as arn:aws:iam::123456789012:root.
func accountOf(s string) (string, bool) {
	a, err := arn.Parse(s)
	return a.AccountID, err == nil && a.AccountID != ""
}
