package sam

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// AWS::Serverless::StateMachine, as the translator's StateMachineGenerator
// (samtranslator/model/stepfunctions/generators.py) expands it into
// AWS::StepFunctions::StateMachine, its {Id}Role (trust states.amazonaws.com,
// the Policies property, AWSXrayWriteOnlyAccess when Tracing.Enabled), the
// AutoPublishAlias version and alias, and its event sources
// (statemachine_event.go). iamgate does not run Step Functions: the output
// is what CloudFormation receives on AWS, and deploying it fails at change-set
// creation naming the unserved types.

const typeStateMachine = "AWS::Serverless::StateMachine"

// stateMachineProps are the properties the translator accepts.
var stateMachineProps = []string{
	"Definition", "DefinitionUri", "Logging", "Role", "RolePath", "DefinitionSubstitutions", "Events", "Name",
	"Type", "Tags", "PropagateTags", "Policies", "Tracing", "PermissionsBoundary", "AutoPublishAlias",
	"DeploymentPreference", "UseAliasAsEventTarget",
}

// stateMachineTarget is what a state machine's events start: the machine, or
// its alias with UseAliasAsEventTarget.
type stateMachineTarget struct {
	id    string // the AWS::StepFunctions::StateMachine logical ID
	ref   any    // its ARN ({"Ref": machine or alias})
	attrs map[string]any
	cond  string
}

func (x *translator) translateStateMachine(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if !slices.Contains(stateMachineProps, k) {
			return nil, resourceError(id, fmt.Sprintf("property %s not defined for resource of type %s", k, typeStateMachine))
		}
	}
	if err := checkStateMachineTypes(id, p); err != nil {
		return nil, err
	}
	if p["Policies"] != nil {
		pol, err := expandPolicyTemplates(id, p["Policies"])
		if err != nil {
			return nil, err
		}
		p["Policies"] = pol
	}
	sm := newResource(id, "AWS::StepFunctions::StateMachine", pickAttrs(r, resourceAttrs))
	if subs, ok := p["DefinitionSubstitutions"].(map[string]any); ok && len(subs) > 0 {
		sm.set("DefinitionSubstitutions", deepCopy(subs))
	}
	if err := x.stateMachineDefinition(id, sm, p); err != nil {
		return nil, err
	}
	pass := pickAttrs(r, passthroughAttrs)
	tags := append([]any{map[string]any{"Key": "stateMachine:createdBy", "Value": "SAM"}}, tagList(mapOrNil(p["Tags"]))...)
	out := []resource{sm}
	if truthy(p["Role"]) && truthy(p["Policies"]) {
		return nil, resourceError(id, "Specify either 'Role' or 'Policies' (but not both at the same time) or neither of them")
	}
	if truthy(p["Role"]) {
		sm.set("RoleArn", p["Role"])
	} else {
		role, err := x.stateMachineRole(id, p, pass, tags)
		if err != nil {
			return nil, err
		}
		sm.set("RoleArn", getAtt(role.id, "Arn"))
		out = append(out, role)
	}
	sm.set("StateMachineName", p["Name"])
	sm.set("StateMachineType", p["Type"])
	sm.set("LoggingConfiguration", p["Logging"])
	sm.set("TracingConfiguration", p["Tracing"])
	sm.set("Tags", tags)
	versioned, alias, err := stateMachineAlias(id, p, pass)
	if err != nil {
		return nil, err
	}
	out = append(out, versioned...)
	t := stateMachineTarget{id: id, ref: ref(id), attrs: pass}
	t.cond, _ = r["Condition"].(string)
	if p["UseAliasAsEventTarget"] == true && alias != "" {
		t.ref = ref(alias)
	}
	evs, err := x.stateMachineEvents(id, p, t)
	if err != nil {
		return nil, err
	}
	return append(out, evs...), nil
}

// checkStateMachineTypes applies the translator's property types.
func checkStateMachineTypes(id string, p map[string]any) *samError {
	mapProps := []string{"Definition", "Logging", "DefinitionSubstitutions", "Events", "Tags", "Tracing"}
	for _, k := range mapProps {
		if v, has := p[k]; has && v != nil {
			if _, ok := v.(map[string]any); !ok {
				return resourceError(id, fmt.Sprintf("Type of property '%s' is invalid.", k))
			}
		}
	}
	for _, k := range []string{"PropagateTags", "UseAliasAsEventTarget"} {
		if v, has := p[k]; has && v != nil {
			if _, ok := v.(bool); !ok {
				return resourceError(id, fmt.Sprintf("Type of property '%s' is invalid.", k))
			}
		}
	}
	return nil
}

func mapOrNil(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// stateMachineDefinition sets DefinitionString (Definition as indented JSON
// in an Fn::Join, every intrinsic and dynamic reference moved out to a
// ${definition_substitution_N}) or DefinitionS3Location (DefinitionUri).
func (x *translator) stateMachineDefinition(id string, sm resource, p map[string]any) *samError {
	def, uri := p["Definition"], p["DefinitionUri"]
	switch {
	case truthy(def) && truthy(uri):
		return resourceError(id, "Specify either 'Definition' or 'DefinitionUri' property and not both.")
	case truthy(def):
		doc := deepCopy(def)
		subs := map[string]any{}
		replaceDynamicValues(doc, subs, new(int))
		if len(subs) > 0 {
			existing, _ := sm.props["DefinitionSubstitutions"].(map[string]any)
			if existing == nil {
				existing = map[string]any{}
			}
			maps.Copy(existing, subs)
			sm.set("DefinitionSubstitutions", existing)
		}
		lines := strings.Split(pyJSONIndent(doc), "\n")
		list := make([]any, len(lines))
		for i, l := range lines {
			list[i] = l
		}
		sm.set("DefinitionString", map[string]any{"Fn::Join": []any{"\n", list}})
	case truthy(uri):
		loc, err := s3Location(id, "DefinitionUri", uri)
		if err != nil {
			return err
		}
		s3 := map[string]any{"Bucket": loc["Bucket"], "Key": loc["Key"]}
		if v, has := loc["Version"]; has {
			s3["Version"] = v
		}
		sm.set("DefinitionS3Location", s3)
	default:
		return resourceError(id, "Either 'Definition' or 'DefinitionUri' property must be specified.")
	}
	return nil
}

var dynamicRef = regexp.MustCompile(`^\{\{resolve:[a-z-]+:.+\}\}\n?$`)

// replaceDynamicValues walks v in the translator's order (map keys sorted,
// list indexes ascending) and swaps each intrinsic or dynamic reference for
// ${definition_substitution_N}, recording the value under that name.
func replaceDynamicValues(v any, subs map[string]any, n *int) {
	swap := func(e any) (any, bool) {
		s, isStr := e.(string)
		if !isIntrinsic(e) && !(isStr && dynamicRef.MatchString(s)) {
			return nil, false
		}
		*n++
		name := "definition_substitution_" + strconv.Itoa(*n)
		subs[name] = e
		return "${" + name + "}", true
	}
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			if nv, ok := swap(t[k]); ok {
				t[k] = nv
			} else {
				replaceDynamicValues(t[k], subs, n)
			}
		}
	case []any:
		for i := range t {
			if nv, ok := swap(t[i]); ok {
				t[i] = nv
			} else {
				replaceDynamicValues(t[i], subs, n)
			}
		}
	}
}

// stateMachineRole is the execution role the translator generates when the
// state machine names none. Policy templates were expanded before; bare
// names of AWS managed policies become their ARNs.
func (x *translator) stateMachineRole(id string, p, pass map[string]any, tags []any) (resource, *samError) {
	role := newResource(id+"Role", "AWS::IAM::Role", pass)
	role.set("AssumeRolePolicyDocument", serviceTrust("states.amazonaws.com"))
	var policies []any
	switch t := p["Policies"].(type) {
	case nil:
	case []any:
		policies = append(policies, t...)
	default:
		policies = []any{t}
	}
	if tr, ok := p["Tracing"].(map[string]any); ok && tr["Enabled"] == true {
		policies = append(policies, "AWSXrayWriteOnlyAccess")
	}
	if err := x.addPolicies(id, &role, policies, nil, nil); err != nil {
		return role, err
	}
	role.set("Path", p["RolePath"])
	role.set("PermissionsBoundary", p["PermissionsBoundary"])
	role.set("Tags", tags)
	return role, nil
}

// serviceTrust is the trust policy letting one service principal assume a role.
func serviceTrust(principal string) map[string]any {
	return map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": []any{"sts:AssumeRole"}, "Effect": "Allow",
			"Principal": map[string]any{"Service": []any{principal}},
		}},
	}
}

// stateMachineAlias builds {Id}Version and {Id}Alias{Name} for
// AutoPublishAlias (DeploymentPreference defaults to ALL_AT_ONCE), and
// returns the alias's logical ID.
func stateMachineAlias(id string, p, pass map[string]any) ([]resource, string, *samError) {
	name, pref := p["AutoPublishAlias"], p["DeploymentPreference"]
	switch {
	case !truthy(name) && p["UseAliasAsEventTarget"] == true:
		return nil, "", resourceError(id, "'UseAliasAsEventTarget' requires 'AutoPublishAlias' property to be specified.")
	case !truthy(name) && !truthy(pref):
		return nil, "", nil
	case !truthy(name):
		return nil, "", resourceError(id, "'DeploymentPreference' requires 'AutoPublishAlias' property to be specified.")
	}
	vattrs := copyMap(pass)
	for _, k := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
		if _, has := vattrs[k]; !has {
			vattrs[k] = "Retain"
		}
	}
	version := newResource(id+"Version", "AWS::StepFunctions::StateMachineVersion", vattrs)
	version.set("StateMachineArn", ref(id))
	version.set("StateMachineRevisionId", getAtt(id, "StateMachineRevisionId"))
	alias := newResource(id+"Alias"+pyStr(name), "AWS::StepFunctions::StateMachineAlias", pass)
	alias.set("Name", name)
	dp, _ := deepCopy(pref).(map[string]any)
	if !truthy(pref) {
		dp = map[string]any{"Type": "ALL_AT_ONCE"}
	}
	if dp == nil {
		return nil, "", resourceError(id, "Type of property 'DeploymentPreference' is invalid.")
	}
	dp["StateMachineVersionArn"] = ref(version.id)
	alias.set("DeploymentPreference", dp)
	return []resource{version, alias}, alias.id, nil
}
