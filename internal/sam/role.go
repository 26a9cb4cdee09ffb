package sam

import (
	"fmt"
	"strconv"

	"github.com/iamgate/iamgate/internal/iam/awspolicy"
)

// executionRole builds the {Function}Role the translator generates when a
// function has no Role: the Lambda trust policy, AWSLambdaBasicExecutionRole
// (plus X-Ray and VPC policies when used), and the Policies property.
func (x *translator) executionRole(id string, p, attrs map[string]any, tags []any) (resource, *samError) {
	role := newResource(id+"Role", "AWS::IAM::Role", attrs)
	trust := p["AssumeRolePolicyDocument"]
	if trust == nil {
		trust = map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Action": []any{"sts:AssumeRole"}, "Effect": "Allow",
				"Principal": map[string]any{"Service": []any{"lambda.amazonaws.com"}},
			}},
		}
	}
	role.set("AssumeRolePolicyDocument", trust)
	basic := "service-role/AWSLambdaBasicExecutionRole"
	if p["DurableConfig"] != nil {
		basic = "service-role/AWSLambdaBasicDurableExecutionRolePolicy"
	}
	managed := []any{x.awsPolicyARN(basic)}
	if truthy(p["Tracing"]) && x.resolveParams(p["Tracing"]) != "Disabled" {
		managed = append(managed, x.awsPolicyARN("AWSXrayWriteOnlyAccess"))
	}
	if p["VpcConfig"] != nil {
		managed = append(managed, x.awsPolicyARN("service-role/AWSLambdaVPCAccessExecutionRole"))
	}
	var docs []any
	if dlq, ok := p["DeadLetterQueue"].(map[string]any); ok {
		docs = append(docs, dlqPolicy(dlq))
	}
	if err := x.addPolicies(id, &role, p["Policies"], managed, docs); err != nil {
		return role, err
	}
	role.set("Path", p["RolePath"])
	role.set("PermissionsBoundary", p["PermissionsBoundary"])
	role.set("Tags", tags)
	return role, nil
}

// addPolicies sets a generated role's ManagedPolicyArns and Policies from
// the SAM Policies property after the managed policies and documents SAM
// adds itself, as construct_role_for_resource does (deduplicating ARNs,
// naming each inline document {Role}Policy{index}).
func (x *translator) addPolicies(id string, role *resource, policies any, managed, docs []any) *samError {
	entries, err := x.policyEntries(id, policies)
	if err != nil {
		return err
	}
	for i, e := range entries {
		name := role.id + "Policy" + strconv.Itoa(i)
		switch e.kind {
		case policyStatement:
			docs = append(docs, wrapPolicyDoc(e.data, name))
		case policyManaged:
			arn := x.managedARN(e.data)
			if !containsValue(managed, arn) {
				managed = append(managed, arn)
			}
		default:
			return resourceError(id, fmt.Sprintf("Policy at index %d in the 'Policies' property is not valid", i))
		}
	}
	if managed == nil {
		managed = []any{}
	}
	role.set("ManagedPolicyArns", managed)
	if len(docs) > 0 {
		role.set("Policies", docs)
	}
	return nil
}

// wrapPolicyDoc names an inline policy document; an Fn::If keeps its shape
// with each branch named.
func wrapPolicyDoc(doc any, name string) any {
	if isIntrinsicIf(doc) {
		args, _ := doc.(map[string]any)["Fn::If"].([]any)
		for i := 1; i < len(args) && i < 3; i++ {
			if !isNoValue(args[i]) {
				args[i] = map[string]any{"PolicyName": name, "PolicyDocument": args[i]}
			}
		}
		return doc
	}
	return map[string]any{"PolicyName": name, "PolicyDocument": doc}
}

func dlqPolicy(dlq map[string]any) map[string]any {
	action := map[string]string{"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}[fmt.Sprint(dlq["Type"])]
	return map[string]any{
		"PolicyName": "DeadLetterQueuePolicy",
		"PolicyDocument": map[string]any{
			"Version":   "2012-10-17",
			"Statement": []any{map[string]any{"Action": action, "Resource": dlq["TargetArn"], "Effect": "Allow"}},
		},
	}
}

func (x *translator) awsPolicyARN(name string) string {
	return "arn:" + x.opts.Partition + ":iam::aws:policy/" + name
}

// managedARN turns a bare managed policy name into its ARN; ARNs,
// intrinsics and unknown names pass through.
func (x *translator) managedARN(v any) any {
	if isIntrinsicIf(v) {
		args, _ := v.(map[string]any)["Fn::If"].([]any)
		for i := 1; i < len(args) && i < 3; i++ {
			if s, ok := args[i].(string); ok {
				args[i] = x.managedARN(s)
			}
		}
		return v
	}
	name, ok := v.(string)
	if !ok {
		return v
	}
	if x.opts.ManagedPolicyARN != nil {
		if arn, ok := x.opts.ManagedPolicyARN(name); ok {
			return arn
		}
	}
	// The translator resolves names with its bundled map of AWS managed
	// policies (samtranslator/internal/data/aws_managed_policies.json),
	// the names and paths of every attachable AWS managed policy.
	if p, ok := awspolicy.Named(name); ok && !p.Deprecated {
		return "arn:" + x.opts.Partition + ":iam::aws:policy" + p.Path + p.Name
	}
	return name
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if canonicalJSON(e) == canonicalJSON(v) {
			return true
		}
	}
	return false
}

type policyKind int

const (
	policyUnknown policyKind = iota
	policyManaged
	policyStatement
	policyTemplate
)

type policyEntry struct {
	kind policyKind
	data any
}

// policyEntries classifies the Policies property: a managed policy name or
// ARN (or any intrinsic), an inline document (a map with Statement), or a
// policy template.
func (x *translator) policyEntries(id string, v any) ([]policyEntry, *samError) {
	var list []any
	switch t := v.(type) {
	case nil:
		return nil, nil
	case []any:
		list = t
	default:
		list = []any{t}
	}
	out := make([]policyEntry, 0, len(list))
	for _, e := range list {
		k, err := policyType(e)
		if err != nil {
			return nil, resourceError(id, err.Error())
		}
		out = append(out, policyEntry{kind: k, data: e})
	}
	return out, nil
}

func policyType(v any) (policyKind, error) {
	if _, ok := v.(string); ok {
		return policyManaged, nil
	}
	if isIntrinsicIf(v) {
		args, _ := v.(map[string]any)["Fn::If"].([]any)
		if len(args) != 3 {
			return policyUnknown, fmt.Errorf("Fn::If requires 3 arguments")
		}
		a, err := policyType(args[1])
		if err != nil {
			return a, err
		}
		b, err := policyType(args[2])
		if err != nil {
			return b, err
		}
		switch {
		case a == b:
			return a, nil
		case isNoValue(args[1]):
			return b, nil
		case isNoValue(args[2]):
			return a, nil
		}
		return policyUnknown, fmt.Errorf("Different policy types within the same Fn::If statement is unsupported. Separate different policy types into different Fn::If statements")
	}
	if isIntrinsic(v) {
		return policyManaged, nil
	}
	if m, ok := v.(map[string]any); ok {
		if _, has := m["Statement"]; has {
			return policyStatement, nil
		}
		if len(m) == 1 {
			for k := range m {
				if _, known := policyTemplates()[k]; known {
					return policyTemplate, nil
				}
			}
		}
	}
	return policyUnknown, nil
}
