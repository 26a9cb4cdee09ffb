package sam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/testutil"
)

// batchTranslatorScript translates each template of a JSON list with the
// installed samtranslator and prints, per template, the output or the error.
const batchTranslatorScript = `
import json, sys
from unittest import mock
from samtranslator.translator.translator import Translator
from samtranslator.parser.parser import Parser
from samtranslator.translator.arn_generator import ArnGenerator
from samtranslator.model.exceptions import InvalidDocumentException
policies = json.loads(sys.argv[1])
out = []
with mock.patch.object(ArnGenerator, "get_partition_name", return_value="aws"):
    for tpl in json.load(sys.stdin):
        try:
            out.append({"ok": Translator(policies, Parser()).translate(tpl, parameter_values={})})
        except InvalidDocumentException as e:
            out.append({"err": " ".join([e.message] + sorted(c.message for c in e.causes))})
json.dump(out, sys.stdout)
`

func needTranslator(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import samtranslator").Run()
	}
	testutil.Need(t, err == nil, "python3 with samtranslator is not installed")
	return py
}

// runTranslator runs samtranslator on every template in one process.
func runTranslator(t *testing.T, py string, tpls []map[string]any) []map[string]any {
	t.Helper()
	in, err := json.Marshal(tpls)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	managed, _ := json.Marshal(map[string]string{"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"})
	cmd := exec.CommandContext(ctx, py, "-c", batchTranslatorScript, string(managed))
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("samtranslator: %v\n%s", err, stderr.String())
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != len(tpls) {
		t.Fatalf("samtranslator answered %d of %d templates", len(res), len(tpls))
	}
	return res
}

// templateCase is one function using one policy template.
type templateCase struct {
	name string
	tpl  map[string]any
}

// policyTemplateCases builds, for every template of the list, functions
// whose Policies use it with literal values, with Refs to CFN parameters of
// the same names (the translator's disambiguation case), with other
// intrinsics, under an Fn::If with AWS::NoValue, and with a parameter
// missing.
func policyTemplateCases() []templateCase {
	names := make([]string, 0, len(policyTemplates()))
	for n := range policyTemplates() {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []templateCase
	for _, n := range names {
		def := policyTemplates()[n]
		params := make([]string, 0, len(def.Parameters))
		for p := range def.Parameters {
			params = append(params, p)
		}
		slices.Sort(params)
		literal, refs, mixed := map[string]any{}, map[string]any{}, map[string]any{}
		cfnParams := map[string]any{}
		for i, p := range params {
			literal[p] = "value-" + p
			refs[p] = map[string]any{"Ref": p}
			cfnParams[p] = map[string]any{"Type": "String"}
			switch i % 3 {
			case 0:
				mixed[p] = map[string]any{"Fn::Sub": "${AWS::StackName}-" + p}
			case 1:
				mixed[p] = map[string]any{"Fn::GetAtt": []any{"Thing", "Arn"}}
			default:
				mixed[p] = map[string]any{"Fn::ImportValue": map[string]any{"Fn::Join": []any{"-", []any{map[string]any{"Ref": p}, "x"}}}}
			}
		}
		fn := func(policies any) map[string]any {
			return map[string]any{
				"Transform":  "AWS::Serverless-2016-10-31",
				"Parameters": cfnParams,
				"Conditions": map[string]any{"On": map[string]any{"Fn::Equals": []any{"a", "b"}}},
				"Resources": map[string]any{"Fn": map[string]any{
					"Type": "AWS::Serverless::Function",
					"Properties": map[string]any{
						"CodeUri": "s3://bucket/code.zip", "Handler": "app.handler", "Runtime": "python3.12",
						"Policies": policies,
					},
				}},
			}
		}
		if len(params) == 0 {
			cfnParams["Unused"] = map[string]any{"Type": "String"}
		}
		out = append(out,
			templateCase{n + "/literal", fn([]any{map[string]any{n: literal}})},
			templateCase{n + "/refs", fn([]any{"AWSLambdaBasicExecutionRole", map[string]any{n: refs}})},
			templateCase{n + "/intrinsics", fn(map[string]any{n: mixed})},
			templateCase{n + "/if", fn([]any{map[string]any{"Fn::If": []any{"On", map[string]any{n: literal}, map[string]any{"Ref": "AWS::NoValue"}}}})},
		)
		if len(params) == 1 {
			out = append(out, templateCase{n + "/missing", fn([]any{map[string]any{n: map[string]any{}}})})
		}
		if len(params) > 0 {
			out = append(out, templateCase{n + "/null", fn([]any{map[string]any{n: nil}})})
		}
	}
	return out
}

// TestPolicyTemplatesMatchPythonTranslator expands every policy template of
// the translator's list in several shapes and compares the generated role
// (or the error) with what the installed samtranslator produces.
func TestPolicyTemplatesMatchPythonTranslator(t *testing.T) {
	py := needTranslator(t)
	cases := policyTemplateCases()
	comparePython(t, py, cases, Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "stack"},
		sameResources("FnRole"))
}

// comparePython transforms every case with the installed samtranslator
// (one process for all) and with Transform under opts, a subtest a case:
// when the translator fails, Transform must fail with its message; when
// it succeeds, Transform must too, and compare (the translator's template
// and Transform's, both as decoded JSON) must find them alike. Both read
// the case's template as JSON, the form samtranslator takes.
func comparePython(t *testing.T, py string, cases []templateCase, opts Options, compare func(t *testing.T, py, got map[string]any)) {
	t.Helper()
	inputs := make([]map[string]any, len(cases))
	for i, c := range cases {
		inputs[i] = jsonRoundTrip(t, c.tpl)
	}
	want := runTranslator(t, py, inputs)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := json.Marshal(inputs[i])
			if err != nil {
				t.Fatal(err)
			}
			in, err := cfn.Parse("template.json", src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Transform(in, opts)
			if msg, isErr := want[i]["err"].(string); isErr {
				if err == nil {
					t.Fatalf("translator fails with %q; Go transform succeeds", msg)
				}
				if d := cmp.Diff(msg, translatorMessage(err)); d != "" {
					t.Errorf("error (-python +go):\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatalf("translator succeeds; Go transform: %v", err)
			}
			compare(t, want[i]["ok"].(map[string]any), jsonRoundTrip(t, got.Root))
		})
	}
}

// sameTemplate compares whole templates, normalized.
func sameTemplate(t *testing.T, py, got map[string]any) {
	t.Helper()
	if d := cmp.Diff(normalizeTemplate(py), normalizeTemplate(got)); d != "" {
		t.Errorf("(-python +go):\n%s", d)
	}
}

// sameResources compares the resources ids only.
func sameResources(ids ...string) func(t *testing.T, py, got map[string]any) {
	return func(t *testing.T, py, got map[string]any) {
		t.Helper()
		pr, gr := py["Resources"].(map[string]any), got["Resources"].(map[string]any)
		for _, id := range ids {
			if d := cmp.Diff(pr[id], gr[id]); d != "" {
				t.Errorf("%s (-python +go):\n%s", id, d)
			}
		}
	}
}

// casesOf lists named templates as cases, by name.
func casesOf(m map[string]map[string]any) []templateCase {
	out := make([]templateCase, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, templateCase{name, m[name]})
	}
	return out
}

// translatorMessage is the error text as samtranslator words it.
func translatorMessage(err error) string {
	var ce *cfn.Error
	if errors.As(err, &ce) {
		return ce.Msg
	}
	return err.Error()
}
