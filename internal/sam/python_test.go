package sam

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/testutil"
)

// translatorScript runs the installed samtranslator on the JSON template read
// from stdin, the way its own tests do (partition mocked to "aws").
const translatorScript = `
import json, sys
from unittest import mock
from samtranslator.translator.translator import Translator
from samtranslator.parser.parser import Parser
from samtranslator.translator.arn_generator import ArnGenerator
params = json.loads(sys.argv[1])
tpl = json.load(sys.stdin)
policies = {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
with mock.patch.object(ArnGenerator, "get_partition_name", return_value="aws"):
    out = Translator(policies, Parser()).translate(tpl, parameter_values=params)
json.dump(out, sys.stdout, sort_keys=True)
`

// seedTemplate loads the seed template with api.yaml inlined as the Api's
// DefinitionBody (what AWS::Include yields) and CodeUri as an s3:// URI (what
// deploy uploads).
func seedTemplate(t testing.TB) *cfn.Template {
	t.Helper()
	dir := testutil.Shared(t, "seed")
	read := func(name string) *cfn.Template {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := cfn.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		return tpl
	}
	tpl, api := read("template.yaml"), read("api.yaml")
	res := tpl.Root["Resources"].(map[string]any)
	props(res["HelloWorldApi"].(map[string]any))["DefinitionBody"] = api.Root
	props(res["HelloWorldFunction"].(map[string]any))["CodeUri"] = "s3://bucket/hello_world.zip"
	return tpl
}

func TestSeedMatchesPythonTranslator(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import samtranslator").Run()
	}
	testutil.Need(t, err == nil, "python3 with samtranslator is not installed")
	tpl := seedTemplate(t)
	in, err := json.Marshal(tpl.Root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", translatorScript, `{"StageName": "v1"}`)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("samtranslator: %v\n%s", err, stderr.String())
	}
	var want map[string]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	opts := Options{Region: "us-east-1", AccountID: "000000000000", Partition: "aws", StackName: "seed",
		Parameters: map[string]string{"StageName": "v1"}}
	got, err := Transform(tpl, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(normalizeTemplate(want), normalizeTemplate(jsonRoundTrip(t, got.Root))); diff != "" {
		t.Errorf("Go transform differs from samtranslator (-python +go):\n%s", diff)
	}
}
