package cfn

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// planErr parses src, expands includes from l, plans with env, resolves
// every resource and the outputs, and returns the first error's message.
func planErr(t *testing.T, src string, env Env, l IncludeLoader) error {
	t.Helper()
	_, err := evaluateAll("template.yaml", []byte(src), l, env, fakeValues{
		refs: map[string]string{"R": "r-id"},
		atts: map[string]any{"R.Arn": "arn:r"},
	})
	return err
}

const oneRes = "Resources:\n  R:\n    Type: AWS::SNS::Topic\n"

func TestParameterErrors(t *testing.T) {
	// Wordings as CloudFormation's CreateStack ValidationError returns them;
	// see https://repost.aws/knowledge-center/cloudformation-template-validation
	// and the AllowedValues message quoted in public deploy logs.
	tests := []struct {
		name   string
		params string
		values map[string]string
		want   string
	}{
		{"missing value", "  P:\n    Type: String\n", nil, "Parameters: [P] must have values"},
		{"unknown override", "  P:\n    Type: String\n    Default: x\n", map[string]string{"Q": "1", "O": "2"}, "Parameters: [O, Q] do not exist in the template"},
		{"allowed values", "  P:\n    Type: String\n    AllowedValues: [a, b]\n", map[string]string{"P": "c"}, "Parameter 'P' must be one of AllowedValues"},
		{"allowed pattern", "  P:\n    Type: String\n    AllowedPattern: '[a-z]+'\n", map[string]string{"P": "abc1"}, "Parameter 'P' must match pattern [a-z]+"},
		{"min length", "  P:\n    Type: String\n    MinLength: 3\n", map[string]string{"P": "ab"}, "Parameter 'P' must contain at least 3 characters"},
		{"max length", "  P:\n    Type: String\n    MaxLength: 1\n", map[string]string{"P": "ab"}, "Parameter 'P' must contain at most 1 characters"},
		{"not a number", "  P:\n    Type: Number\n", map[string]string{"P": "x"}, "Parameter 'P' must be a number"},
		{"min value", "  P:\n    Type: Number\n    MinValue: 2\n", map[string]string{"P": "1"}, "Parameter 'P' must be a number not less than 2"},
		{"max value", "  P:\n    Type: Number\n    MaxValue: 2\n", map[string]string{"P": "3"}, "Parameter 'P' must be a number not greater than 2"},
		{"list of numbers", "  P:\n    Type: List<Number>\n", map[string]string{"P": "1,x"}, "Parameter 'P' must be a number"},
		{"list allowed values", "  P:\n    Type: CommaDelimitedList\n    AllowedValues: [a]\n", map[string]string{"P": "a,b"}, "Parameter 'P' must be one of AllowedValues"},
		{"constraint description", "  P:\n    Type: String\n    AllowedPattern: x\n    ConstraintDescription: must be x\n", map[string]string{"P": "y"}, "Parameter 'P' failed to satisfy constraint: must be x"},
		{"bad default", "  P:\n    Type: String\n    Default: z\n    AllowedValues: [a]\n", nil, "Parameter 'P' must be one of AllowedValues"},
		{"unknown type", "  P:\n    Type: Strin\n", nil, "Template format error: Unrecognized parameter type: Strin"},
		{"ssm type", "  P:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /a\n", nil,
			"Template format error: parameter type AWS::SSM::Parameter::Value<String> needs SSM Parameter Store, which iamgate does not provide"},
		{"bad property", "  P:\n    Type: String\n    Defualt: x\n", nil, "Template format error: Invalid template parameter property 'Defualt'"},
		{"no type", "  P:\n    Default: x\n", nil, "Template format error: Every Parameters object must contain a Type member."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := planErr(t, "Parameters:\n"+tc.params+oneRes, Env{Parameters: tc.values}, nil)
			assertMsg(t, err, tc.want)
		})
	}
}

func assertMsg(t *testing.T, err error, want string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error %q", err, want)
	}
	if diff := cmp.Diff(want, e.Msg); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	if e.Pos.Line == 0 {
		t.Errorf("error %v has no line", e)
	}
}

func TestIntrinsicErrors(t *testing.T) {
	tests := []struct {
		name  string
		value string // YAML of R2's Properties.V
		want  string
	}{
		{"join arity", "!Join [a]", joinArity},
		{"join non-list", "!Join [',', x]", joinArity},
		{"select range", "!Select [3, [a, b]]", "Template error: Fn::Select cannot select nonexistent value at index 3"},
		{"select arity", "!Select [1]", selectArity},
		{"split arity", "!Split [a]", splitArity},
		{"sub arity", "!Sub [a, b, c]", subArity},
		{"sub var name", "!Sub '${a-b}'", subVarName},
		{"sub list var", "!Sub '${AWS::NotificationARNs}'", "Template error: variable AWS::NotificationARNs in Fn::Sub expression must resolve to a String"},
		{"getatt arity", "!GetAtt [R]", getAttArity},
		{"getatt undefined", "!GetAtt Nope.Arn", "Template error: instance of Fn::GetAtt references undefined resource Nope"},
		{"getatt attribute", "!GetAtt R.Nope", "Template error: resource R does not support attribute type Nope in Fn::GetAtt"},
		{"ref not string", "{Ref: [a]}", "Template format error: Every Ref object must have a single String value."},
		{"findinmap map", "!FindInMap [Nope, a, b]", "Template error: Mapping named 'Nope' is not present in the 'Mappings' section of template."},
		{"findinmap key", "!FindInMap [M, a, zz]", "Template error: Unable to get mapping for M::a::zz"},
		{"findinmap arity", "!FindInMap [M, a]", findArity},
		{"import no provider", "!ImportValue vpc", "No export named vpc found"},
		{"if unknown condition", "!If [Nope, a, b]", "Template error: unresolved condition dependency Nope in Fn::If"},
		{"if arity", "!If [C, a]", condArity["Fn::If"]},
		{"equals outside conditions", "!Equals [a, a]", "Template error: Fn::Equals can only be used in the Conditions section of the template"},
		{"cidr too many", "!Cidr ['10.0.0.0/24', 2, 8]", "Template error: Fn::Cidr cannot fit 2 subnets of /24 in 10.0.0.0/24"},
		{"cidr bad block", "!Cidr ['10.0.0.0', 1, 8]", "Template error: Fn::Cidr requires a valid IP address block in CIDR notation; got 10.0.0.0"},
		{"length non-list", "!Length abc", lengthArg},
		{"tojson scalar", "!ToJsonString abc", "Template error: Fn::ToJsonString requires an object or a list"},
		{"macro", "{'Fn::Transform': {Name: MyMacro}}", "Template format error: Unrecognized transform: MyMacro (iamgate runs no macros)"},
		{"ref self", "!Ref R2", "Circular dependency between resources: [R2]"},
		{"dependson missing", "x\n    DependsOn: Ghost", "Template format error: Unresolved resource dependencies [Ghost] in the Resources block of the template"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "Mappings:\n  M:\n    a:\n      b: c\nConditions:\n  C: !Equals [a, a]\n" + oneRes +
				"  R2:\n    Type: AWS::SNS::Topic\n    Properties:\n      V: " + tc.value + "\n"
			assertMsg(t, planErr(t, src, Env{}, nil), tc.want)
		})
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"no resources", "Parameters: {}\n", "Template format error: At least one Resources member must be defined."},
		{"no type", "Resources:\n  R:\n    Properties: {}\n", "Template format error: [/Resources/R] Every Resources object must contain a Type member."},
		{"unknown resource condition", "Resources:\n  R:\n    Type: X\n    Condition: Nope\n", "Template format error: Unresolved condition dependencies [Nope] in the Resources block of the template"},
		{"resource in condition", "Conditions:\n  C: !Equals [!Ref R, a]\n" + oneRes, "Template format error: Unresolved dependencies [R]. Cannot reference resources in the Conditions block of the template"},
		{"condition cycle", "Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\n" + oneRes, "Template error: circular condition dependency detected for condition A"},
		{"condition and arity", "Conditions:\n  A: !And [!Equals [a, a]]\n" + oneRes, condArity["Fn::And"]},
		{"condition not arity", "Conditions:\n  A: !Not [a, b]\n" + oneRes, condArity["Fn::Not"]},
		{"condition equals arity", "Conditions:\n  A: !Equals [a]\n" + oneRes, condArity["Fn::Equals"]},
		{"output unresolved", oneRes + "Outputs:\n  O:\n    Value: !Ref Ghost\n", "Template format error: Unresolved resource dependencies [Ghost] in the Outputs block of the template"},
		{"output no value", oneRes + "Outputs:\n  O:\n    Description: d\n", "Template format error: Every Outputs member must contain a Value object"},
		{"output list", oneRes + "Outputs:\n  O:\n    Value: !GetAZs ''\n", "Template format error: The Value field of every Outputs member must evaluate to a String."},
		{"output unknown condition", oneRes + "Outputs:\n  O:\n    Condition: X\n    Value: a\n", "Template format error: Unresolved condition dependencies [X] in the Outputs block of the template"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertMsg(t, planErr(t, tc.src, Env{Region: "us-east-1"}, nil), tc.want)
		})
	}
}

func TestIncludeErrors(t *testing.T) {
	inc := func(loc string) string {
		return "Resources:\n  R:\n    Type: X\n    Properties:\n      Body:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters:\n            Location: " + loc + "\n"
	}
	tests := []struct {
		name      string
		src       string
		loader    mapLoader
		want      string
		wantCause error
	}{
		{"not s3", inc("./api.yaml"), mapLoader{}, includeFailed + includeBadURI, nil},
		{"no key", inc("s3://b/k"), mapLoader{"s3://b/other": nil}, includeFailed + includeNoKey, ErrNoSuchKey},
		{"no bucket", inc("s3://b/k"), mapLoader{}, includeFailed + "S3 bucket [b] does not exist.", ErrNoSuchBucket},
		{"short form tag", inc("s3://b/k"), mapLoader{"s3://b/k": []byte("a: !Ref X\n")}, includeFailed + includeBadContent, nil},
		{"not yaml", inc("s3://b/k"), mapLoader{"s3://b/k": []byte("a: [\n")}, includeFailed + includeBadContent, nil},
		{"nested include", inc("s3://b/k"), mapLoader{"s3://b/k": []byte(inc("s3://b/k2")), "s3://b/k2": []byte("a: b\n")}, includeFailed + includeBadContent, nil},
		{"merge non-map", "Resources:\n  R:\n    Type: X\n    Properties:\n      Fn::Transform: {Name: AWS::Include, Parameters: {Location: 's3://b/k'}}\n      Other: 1\n",
			mapLoader{"s3://b/k": []byte("[1, 2]\n")}, includeFailed + includeBadContent, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := planErr(t, tc.src, Env{}, tc.loader)
			assertMsg(t, err, tc.want)
			if tc.wantCause != nil && !errors.Is(err, tc.wantCause) {
				t.Errorf("err %v does not wrap %v", err, tc.wantCause)
			}
		})
	}
}

func TestIncludePositions(t *testing.T) {
	tpl := mustParse(t, "Resources:\n  R:\n    Type: X\n    Properties:\n      Body: {'Fn::Transform': {Name: AWS::Include, Parameters: {Location: 's3://b/k.yaml'}}}\n")
	err := tpl.ExpandIncludes(context.Background(), mapLoader{"s3://b/k.yaml": []byte("paths:\n  /x:\n    uri: {'Fn::GetAtt': [Ghost, Arn]}\n")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPlan(tpl, Env{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	want := Pos{File: "s3://b/k.yaml", Line: 3, Col: 11}
	if diff := cmp.Diff(want, e.Pos); diff != "" {
		t.Errorf("position of an error inside the snippet (-want +got):\n%s", diff)
	}
}

func TestPlanAccessors(t *testing.T) {
	src := "Parameters:\n  S:\n    Type: String\n    NoEcho: true\n    Default: s3cret\nConditions:\n  C: !Equals [!Ref S, s3cret]\n" + oneRes
	plan, err := NewPlan(mustParse(t, src), Env{Region: "cn-north-1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"noecho", plan.NoEcho("S"), true},
		{"echo unknown", plan.NoEcho("X"), false},
		{"condition", func() bool { v, _ := plan.Condition("C"); return v }(), true},
		{"partition", plan.env.Partition, "aws-cn"},
		{"url suffix", plan.env.URLSuffix, "amazonaws.com.cn"},
		{"missing resource", func() bool { _, _, ok := plan.Resource("Nope"); return ok }(), false},
		{"no deps", len(plan.DependsOn("R")), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAliasBomb(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	_, err := Parse("bomb.yaml", []byte(src))
	var e *Error
	if !errors.As(err, &e) || e.Msg != "Template format error: template too large once YAML aliases are expanded" {
		t.Fatalf("err = %v", err)
	}
}
