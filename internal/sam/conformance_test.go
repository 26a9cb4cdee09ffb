package sam

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/testutil"
)

// The SAM translator's own test pairs (shared/conformance/sam, see
// SOURCES.md "sam/input, sam/output"): each input/NAME.yaml must transform to
// output/NAME.json, compared the way the upstream test does: lists as
// unordered, Deployments modulo their hash suffix and Description.

// mockManagedPolicies is the upstream test's mock managed policy table.
var mockManagedPolicies = map[string]string{
	"AWSLambdaBasicExecutionRole":  "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	"AmazonDynamoDBFullAccess":     "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
	"AmazonDynamoDBReadOnlyAccess": "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
	"AWSLambdaRole":                "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
	"AWSXrayWriteOnlyAccess":       "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}

func conformanceOptions() Options {
	return Options{
		Region: "ap-southeast-1", AccountID: "123456789012", Partition: "aws", StackName: "sam-app",
		Parameters: map[string]string{"param1": "value1", "param2": "value2"},
		ManagedPolicyARN: func(name string) (string, bool) {
			arn, ok := mockManagedPolicies[name]
			return arn, ok
		},
	}
}

func TestConformance(t *testing.T) {
	base := testutil.Shared(t, "conformance", "sam")
	inputs, err := filepath.Glob(filepath.Join(base, "input", "*.yaml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	passed := 0
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			runConformanceCase(t, in, filepath.Join(base, "output", name+".json"))
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("SAM conformance: %d/%d passing", passed, len(inputs))
}

func runConformanceCase(t *testing.T, inPath, outPath string) {
	data, err := os.ReadFile(inPath)
	if err != nil {
		t.Fatal(err)
	}
	wantData, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(wantData, &want); err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Parse(filepath.Base(inPath), data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	// Upstream runs every input through the transform whether or not it
	// declares it.
	tpl.Root["Transform"] = TransformName
	got, terr := Transform(tpl, conformanceOptions())
	if msg, isErr := want["errorMessage"].(string); isErr {
		if terr == nil {
			t.Fatalf("transform succeeded, want error %q", msg)
		}
		var ce *cfn.Error
		if !errors.As(terr, &ce) {
			t.Fatalf("error %T is not a *cfn.Error", terr)
		}
		if diff := cmp.Diff(msg, ce.Msg); diff != "" {
			t.Errorf("error message (-want +got):\n%s", diff)
		}
		return
	}
	if terr != nil {
		t.Fatalf("transform: %v", terr)
	}
	if diff := cmp.Diff(normalizeTemplate(want), normalizeTemplate(jsonRoundTrip(t, got.Root))); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func jsonRoundTrip(t testing.TB, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

var deploymentID = regexp.MustCompile(`^(.*Deployment)[0-9a-f]{10}$`)

// normalizeTemplate strips what cannot match the translator byte for byte:
// Deployment hash suffixes (and every Ref to them) and their Description,
// and the order of lists.
func normalizeTemplate(root map[string]any) any {
	res, _ := root["Resources"].(map[string]any)
	renames := map[string]string{}
	for id, r := range res {
		rm, _ := r.(map[string]any)
		if rm["Type"] != "AWS::ApiGateway::Deployment" {
			continue
		}
		if m := deploymentID.FindStringSubmatch(id); m != nil {
			renames[id] = m[1]
		}
		if p, ok := rm["Properties"].(map[string]any); ok {
			delete(p, "Description")
		}
	}
	for old, nu := range renames {
		res[nu] = res[old]
		delete(res, old)
	}
	return sortLists(renameRefs(root, renames))
}

func renameRefs(v any, renames map[string]string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if k == "Ref" {
				if s, ok := e.(string); ok && renames[s] != "" {
					e = renames[s]
				}
			}
			out[k] = renameRefs(e, renames)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = renameRefs(e, renames)
		}
		return out
	}
	return v
}

// sortLists orders every list by the JSON of its elements (upstream compares
// lists as unordered), except Fn:: argument lists whose order is meaning.
func sortLists(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if strings.HasPrefix(k, "Fn::") {
				if l, ok := e.([]any); ok {
					args := make([]any, len(l))
					for i, a := range l {
						args[i] = sortLists(a)
					}
					out[k] = args
					continue
				}
			}
			out[k] = sortLists(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = sortLists(e)
		}
		sort.SliceStable(out, func(i, j int) bool { return canonicalJSON(out[i]) < canonicalJSON(out[j]) })
		return out
	}
	return v
}
