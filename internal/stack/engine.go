package stack

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/google/uuid"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/sam"
	"github.com/iamgate/iamgate/internal/store"
)

// Options configure an Engine.
type Options struct {
	Store     store.Store
	Region    string
	AccountID string
	Now       func() time.Time
	Logger    *slog.Logger
	// Includes loads AWS::Include locations and TemplateURL objects.
	Includes cfn.IncludeLoader
	// Authz authorizes every call the providers make, every object read
	// and iam:PassRole, as the operation's caller or service role. Without
	// it every operation that deploys or reads a template is refused.
	Authz Authorizer
	// Sessions gives the principal of a stack's service role.
	Sessions RoleSessions
	// Sealer seals stack and change set records (NoEcho values) at rest;
	// nil stores them in clear (tests).
	Sealer Sealer
	// Node names this server among the replicas sharing the store, stable
	// across its restarts (the server keeps it in its data dir): a stack
	// lease held by this node's previous run is taken over at once on
	// Start. "" picks a random one, and such leases wait for their expiry.
	Node string
	// ExecuteWait is how long ExecuteChangeSet, CreateStack, UpdateStack
	// and DeleteStack wait for the operation they started before they
	// answer (worker.go says why); 0 answers at once.
	ExecuteWait time.Duration
	// CustomResourceTimeout bounds the wait for a custom resource's answer
	// (with its ServiceTimeout); 0 is DefaultCustomResourceTimeout.
	CustomResourceTimeout time.Duration
}

// Engine deploys stacks. It owns its operations (worker.go): one at a time
// per stack, across every replica sharing the store (lease.go).
type Engine struct {
	st        store.Store
	region    string
	account   string
	now       func() time.Time
	log       *slog.Logger
	includes  cfn.IncludeLoader
	providers map[string]Provider
	authz     Authorizer
	sessions  RoleSessions
	sealer    Sealer
	roles     roleLookup // CloudFormation's and Lambda's own reads of trust policies
	owner     string     // node "/" incarnation, the holder of this engine's leases
	execWait  time.Duration
	// customTimeout bounds a custom resource's wait (provider_custom.go).
	customTimeout time.Duration

	base    context.Context // ends at Close: operations stop before their next step
	stop    context.CancelFunc
	wg      sync.WaitGroup // running operations
	calls   sync.WaitGroup // custom resource invocations, which may outlive their resource's step
	loop    sync.WaitGroup // Start's look for interrupted operations
	opsMu   sync.Mutex
	ops     map[string]*operation // by stack name
	started bool
	closed  bool
}

var _ Backend = (*Engine)(nil)

// New returns an Engine with no providers; Register adds them.
func New(o Options) *Engine {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Node == "" {
		o.Node = uuid.NewString()
	}
	e := &Engine{st: o.Store, region: o.Region, account: o.AccountID, now: o.Now, log: o.Logger,
		providers: map[string]Provider{}, authz: o.Authz, sessions: o.Sessions, sealer: o.Sealer,
		owner: o.Node + "/" + uuid.NewString(), execWait: o.ExecuteWait, ops: map[string]*operation{}}
	e.customTimeout = o.CustomResourceTimeout
	if e.customTimeout <= 0 {
		e.customTimeout = DefaultCustomResourceTimeout
	}
	e.base, e.stop = context.WithCancel(context.Background())
	if o.Includes != nil {
		e.includes = objectGuard{o.Includes}
	}
	return e
}

// Register sets the provider of a resource type.
func (e *Engine) Register(typ string, p Provider) { e.providers[typ] = p }

// prepared is a template made ready to deploy.
type prepared struct {
	processed *cfn.Template
	plan      *cfn.Plan
	params    map[string]string
	desc      string
	noEcho    map[string]bool
}

func (e *Engine) prepare(ctx context.Context, stackName, stackID, source, body string, params map[string]string) (*prepared, error) {
	if source == "" {
		source = "template"
	}
	t, err := cfn.Parse(source, []byte(body))
	if err != nil {
		return nil, validation(err)
	}
	if e.includes != nil {
		if err := t.ExpandIncludes(ctx, e.includes); err != nil {
			return nil, validation(err)
		}
	}
	values, noEcho, err := parameterValues(t.Root, params)
	if err != nil {
		return nil, err
	}
	processed := t
	if sam.HasTransform(t) {
		processed, err = sam.Transform(t, sam.Options{Region: e.region, AccountID: e.account, Partition: "aws",
			StackName: stackName, Parameters: values})
		if err != nil {
			return nil, validation(err)
		}
	}
	plan, err := cfn.NewPlan(processed, cfn.Env{StackName: stackName, StackID: stackID, Region: e.region,
		AccountID: e.account, Partition: "aws", Parameters: params})
	if err != nil {
		return nil, validation(err)
	}
	if missing := e.unrecognizedTypes(processed); len(missing) > 0 {
		return nil, awserr.New(awserr.ValidationError, "Template format error: Unrecognized resource types: [%s]", strings.Join(missing, ", "))
	}
	desc, _ := processed.Root["Description"].(string)
	return &prepared{processed: processed, plan: plan, params: plan.ParameterValues(), desc: desc, noEcho: noEcho}, nil
}

// unrecognizedTypes lists every resource type of the template that has no
// provider, conditions or not, once each in template order, as
// CloudFormation names them all in one error ("Unrecognized resource types:
// [AWS::Timestream::Table, AWS::Timestream::Database]").
func (e *Engine) unrecognizedTypes(t *cfn.Template) []string {
	res, _ := t.Root["Resources"].(map[string]any)
	type use struct {
		typ string
		pos cfn.Pos
		id  string
	}
	var uses []use
	for id, r := range res {
		m, _ := r.(map[string]any)
		typ, _ := m["Type"].(string)
		if _, ok := e.provider(typ); !ok && typ != "" {
			uses = append(uses, use{typ, t.Pos("Resources", id), id})
		}
	}
	sort.Slice(uses, func(i, j int) bool {
		a, b := uses[i], uses[j]
		if a.pos.Line != b.pos.Line {
			return a.pos.Line < b.pos.Line
		}
		return a.id < b.id
	})
	var out []string
	for _, u := range uses {
		if !slices.Contains(out, u.typ) {
			out = append(out, u.typ)
		}
	}
	return out
}

// validation turns a template error into CloudFormation's ValidationError,
// keeping iamgate's file:line:col in the message so a user can find it.
func validation(err error) error {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return err
	}
	var ce *cfn.Error
	if errors.As(err, &ce) {
		msg := ce.Msg
		loc := ce.Pos.String()
		if ce.Path != "" {
			loc += " " + ce.Path
		}
		return awserr.New(awserr.ValidationError, "%s (at %s)", msg, loc)
	}
	return awserr.New(awserr.ValidationError, "%s", err.Error())
}

// parameterValues gives the SAM transform the parameter values it resolves
// itself (defaults, then overrides). Full validation happens in cfn.NewPlan.
func parameterValues(root map[string]any, overrides map[string]string) (map[string]string, map[string]bool, error) {
	out := map[string]string{}
	noEcho := map[string]bool{}
	decl, _ := root["Parameters"].(map[string]any)
	for name, v := range decl {
		p, _ := v.(map[string]any)
		if d, ok := p["Default"]; ok {
			out[name] = toString(d)
		}
		if ne, _ := p["NoEcho"].(bool); ne || toString(p["NoEcho"]) == "true" {
			noEcho[name] = true
		}
	}
	for k, v := range overrides {
		if _, ok := decl[k]; !ok {
			return nil, nil, awserr.New(awserr.ValidationError, "Parameters: [%s] do not exist in the template", k)
		}
		out[k] = v
	}
	return out, noEcho, nil
}

// requiredCapabilities reports the capabilities a processed template needs.
func requiredCapabilities(plan *cfn.Plan) []string {
	named, iam := false, false
	nameProp := map[string]string{"AWS::IAM::User": "UserName", "AWS::IAM::Role": "RoleName",
		"AWS::IAM::Group": "GroupName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::InstanceProfile": "InstanceProfileName"}
	for _, id := range plan.Order() {
		typ, props, _ := plan.Resource(id)
		if !strings.HasPrefix(typ, "AWS::IAM::") {
			continue
		}
		iam = true
		if p, ok := nameProp[typ]; ok && props[p] != nil {
			named = true
		}
	}
	switch {
	case named:
		return []string{"CAPABILITY_NAMED_IAM"}
	case iam:
		return []string{"CAPABILITY_IAM"}
	}
	return nil
}

func checkCapabilities(plan *cfn.Plan, have []string) error {
	need := requiredCapabilities(plan)
	if len(need) == 0 {
		return nil
	}
	for _, h := range have {
		if h == "CAPABILITY_NAMED_IAM" || (h == need[0]) {
			return nil
		}
	}
	return awserr.New(awserr.InsufficientCapabilities, "Requires capabilities : [%s]", need[0])
}

func (e *Engine) stackID(name string) string {
	return arn.CloudFormationStack(e.region, e.account, name, uuid.NewString())
}

func paramList(values map[string]string, noEcho map[string]bool) []Parameter {
	out := make([]Parameter, 0, len(values))
	for k, v := range values {
		if noEcho[k] {
			v = "****"
		}
		out = append(out, Parameter{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// changes compares a plan with the deployed resources.
func (e *Engine) changes(p *prepared, rec *record) []Change {
	var out []Change
	seen := map[string]bool{}
	vals := &values{rec: rec}
	for _, id := range p.plan.Order() {
		seen[id] = true
		typ, props, _ := p.plan.Resource(id)
		prev, ok := rec.Resources[id]
		if !ok {
			out = append(out, Change{Action: "Add", LogicalResourceID: id, ResourceType: typ})
			continue
		}
		if prev.Type != typ {
			out = append(out, Change{Action: "Modify", LogicalResourceID: id, PhysicalResourceID: prev.PhysicalID, ResourceType: typ, Replacement: "True"})
			continue
		}
		resolved, err := p.plan.Resolve([]string{"Resources", id, "Properties"}, props, vals)
		if err != nil || !sameJSON(resolved, prev.Props) {
			out = append(out, Change{Action: "Modify", LogicalResourceID: id, PhysicalResourceID: prev.PhysicalID, ResourceType: typ, Replacement: "Conditional"})
		}
	}
	for _, id := range rec.Order {
		if prev, ok := rec.Resources[id]; ok && !seen[id] {
			out = append(out, Change{Action: "Remove", LogicalResourceID: id, PhysicalResourceID: prev.PhysicalID, ResourceType: prev.Type})
		}
	}
	return out
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// values answers Ref and GetAtt from deployed resource state.
type values struct{ rec *record }

func (v *values) Ref(id string) (string, bool) {
	s, ok := v.rec.Resources[id]
	if !ok || s.PhysicalID == "" {
		return "", false
	}
	if s.Ref != "" {
		return s.Ref, true
	}
	return s.PhysicalID, true
}

func (v *values) GetAtt(id, attr string) (any, bool) {
	s, ok := v.rec.Resources[id]
	if !ok {
		return nil, false
	}
	a, ok := s.Attrs[attr]
	return a, ok
}
