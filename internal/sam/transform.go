package sam

import (
	"maps"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// TransformName is the value of a template's Transform section that this
// package expands.
const TransformName = "AWS::Serverless-2016-10-31"

const (
	typeFunction = "AWS::Serverless::Function"
	typeAPI      = "AWS::Serverless::Api"
)

// Options are the deployment facts the transform needs.
type Options struct {
	Region, AccountID, Partition, StackName string
	// Parameters holds parameter values (after defaults and overrides), for
	// the intrinsics SAM resolves itself (for example Auth settings).
	Parameters map[string]string
	// ManagedPolicyARN maps a bare AWS managed policy name to its ARN; nil
	// uses a built-in table of the common names.
	ManagedPolicyARN func(name string) (string, bool)
}

// HasTransform reports whether the template declares AWS::Serverless-2016-10-31.
func HasTransform(t *cfn.Template) bool {
	if t == nil || t.Root == nil {
		return false
	}
	switch v := t.Root["Transform"].(type) {
	case string:
		return v == TransformName
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && s == TransformName {
				return true
			}
		}
	}
	return false
}

// Transform expands every AWS::Serverless::* resource and removes the
// Transform entry. A template without the SAM transform is returned unchanged.
// Errors are *cfn.Error values whose message is the translator's
// "Invalid Serverless Application Specification document. ..." text.
func Transform(t *cfn.Template, opts Options) (*cfn.Template, error) {
	if !HasTransform(t) {
		return t, nil
	}
	x := newTranslator(t, opts)
	root, err := x.run()
	if err != nil {
		return nil, err
	}
	out := t.WithRoot(root)
	for id, src := range x.origin {
		out.SetPos([]string{"Resources", id}, t.Pos("Resources", src))
	}
	return out, nil
}

// translator holds the state of one Transform call.
type translator struct {
	src    *cfn.Template
	opts   Options
	root   map[string]any
	res    map[string]any // root["Resources"], edited in place
	params map[string]any // parameter and pseudo parameter values
	errs   []*samError
	// origin maps each generated logical ID to the SAM resource it came from.
	origin map[string]string
	// implicit API bookkeeping (see implicit.go)
	apiConds    map[string]map[string]map[string]string
	apiDeletion map[string][]string
	apiReplace  map[string][]string
	hadImplicit map[string]any
	globals     globals
	// derived maps a SAM resource's referable properties (MyApi.Stage) to
	// the logical IDs generated for them (see derived.go).
	derived map[string]map[string]string
	// targets is what each function's event sources invoke (alias.go).
	targets map[string]target
	// renamed maps SAM logical IDs the translation changed (layers) to
	// the generated ones (layer.go).
	renamed map[string]string
}

func newTranslator(t *cfn.Template, opts Options) *translator {
	if opts.Partition == "" {
		opts.Partition = partitionFor(opts.Region)
	}
	root, _ := deepCopy(t.Root).(map[string]any)
	return &translator{
		src: t, opts: opts, root: root, origin: map[string]string{}, derived: map[string]map[string]string{},
		targets:     map[string]target{},
		apiConds:    map[string]map[string]map[string]string{},
		apiDeletion: map[string][]string{},
		apiReplace:  map[string][]string{},
	}
}

func partitionFor(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func (x *translator) run() (map[string]any, error) {
	res, ok := x.root["Resources"].(map[string]any)
	if !ok || len(res) == 0 {
		return nil, x.document(templateError("'Resources' section is required"))
	}
	x.res = res
	x.params = x.parameterValues()
	globals, gerr := parseGlobals(x.root["Globals"])
	if gerr != nil {
		return nil, x.document(gerr)
	}
	delete(x.root, "Globals")
	x.globals = globals
	if err := x.validateResources(); err != nil {
		return nil, x.document(err)
	}
	x.addDefaultBodies(typeAPI, swaggerSkeleton)
	x.addDefaultBodies(typeHTTPAPI, openAPISkeleton)
	errs := x.implicitAPI()
	errs = append(errs, x.implicitHTTPAPIs()...)
	if len(errs) > 0 {
		return nil, x.document(errs...)
	}
	globals.apply(x.res)
	x.translateAll()
	if len(x.errs) > 0 {
		return nil, x.document(x.errs...)
	}
	x.resolveRenamed()
	x.resolveDerivedRefs()
	delete(x.root, "Transform")
	return x.root, nil
}

// validateResources checks the shape the translator's parser checks before
// any plugin runs.
func (x *translator) validateResources() *samError {
	for _, id := range slices.Sorted(maps.Keys(x.res)) {
		r, ok := x.res[id].(map[string]any)
		if !ok {
			return templateError("All 'Resources' must be Objects. If you're using YAML, this may be an indentation issue.")
		}
		typ, _ := r["Type"].(string)
		if !strings.HasPrefix(typ, "AWS::Serverless::") {
			continue
		}
		if p, has := r["Properties"]; has && p != nil {
			if _, ok := p.(map[string]any); !ok {
				return resourceError(id, "Properties of a resource must be an object.")
			}
		}
	}
	return nil
}

// parameterValues merges template defaults, the caller's values and the
// pseudo parameters, as SamParameterValues does.
func (x *translator) parameterValues() map[string]any {
	out := map[string]any{}
	if ps, ok := x.root["Parameters"].(map[string]any); ok {
		for name, p := range ps {
			if pm, ok := p.(map[string]any); ok {
				if d, has := pm["Default"]; has {
					out[name] = d
				}
			}
		}
	}
	for k, v := range x.opts.Parameters {
		out[k] = v
	}
	pseudo := map[string]string{
		"AWS::Region": x.opts.Region, "AWS::AccountId": x.opts.AccountID,
		"AWS::Partition": x.opts.Partition, "AWS::StackName": x.opts.StackName,
	}
	for k, v := range pseudo {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// translateAll converts functions and state machines first (their Api
// events edit the APIs' bodies), then APIs, as the translator orders them.
func (x *translator) translateAll() {
	var fns, machines, apis, httpAPIs, tables, layers []string
	for _, id := range slices.Sorted(maps.Keys(x.res)) {
		r, _ := x.res[id].(map[string]any)
		switch r["Type"] {
		case typeFunction:
			fns = append(fns, id)
		case typeStateMachine:
			machines = append(machines, id)
		case typeAPI:
			apis = append(apis, id)
		case typeHTTPAPI:
			httpAPIs = append(httpAPIs, id)
		case typeSimpleTable:
			tables = append(tables, id)
		case typeLayer:
			layers = append(layers, id)
		}
	}
	for _, id := range fns {
		x.emit(id, x.translateFunction)
	}
	for _, id := range machines {
		x.emit(id, x.translateStateMachine)
	}
	for _, id := range apis {
		x.emit(id, x.translateAPI)
	}
	for _, id := range httpAPIs {
		x.emit(id, x.translateHTTPAPI)
	}
	for _, id := range tables {
		x.emit(id, x.translateSimpleTable)
	}
	// Layers come with "anything else", after functions (whose
	// AutoPublishAlias hash reads their layers' properties) and APIs.
	for _, id := range layers {
		x.emit(id, x.translateLayer)
	}
}

// emit runs one SAM resource's conversion and replaces it by its output.
func (x *translator) emit(id string, conv func(id string, r map[string]any) ([]resource, *samError)) {
	r := x.res[id].(map[string]any)
	out, err := conv(id, r)
	if err != nil {
		x.errs = append(x.errs, err)
		return
	}
	propagateTags(r, out)
	delete(x.res, id)
	for _, g := range out {
		x.res[g.id] = g.toMap()
		x.origin[g.id] = id
	}
}

// resource is one generated CloudFormation resource.
type resource struct {
	id    string
	typ   string
	props map[string]any
	attrs map[string]any // DependsOn, Condition, DeletionPolicy, ...
}

func newResource(id, typ string, attrs map[string]any) resource {
	return resource{id: id, typ: typ, props: map[string]any{}, attrs: copyMap(attrs)}
}

// set stores a property unless the value is nil, as the translator drops
// properties left at None.
func (r resource) set(name string, v any) {
	if v != nil {
		r.props[name] = v
	}
}

func (r resource) toMap() map[string]any {
	// The translator always writes Properties, {} included.
	m := map[string]any{"Type": r.typ, "Properties": r.props}
	for k, v := range r.attrs {
		if v != nil {
			m[k] = v
		}
	}
	return m
}

// passthroughAttrs are the attributes every generated resource inherits.
var passthroughAttrs = []string{"Condition", "DeletionPolicy", "UpdateReplacePolicy"}

// resourceAttrs are the attributes kept on the main generated resource.
var resourceAttrs = []string{"DeletionPolicy", "UpdatePolicy", "Condition", "UpdateReplacePolicy", "Metadata", "DependsOn"}

func pickAttrs(r map[string]any, names []string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		if v, ok := r[n]; ok && v != nil {
			out[n] = deepCopy(v)
		}
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	if p == nil {
		p = map[string]any{}
		r["Properties"] = p
	}
	return p
}
