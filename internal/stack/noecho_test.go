package stack_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestNoEchoSealedAtRest: a NoEcho parameter's value reaches the function it
// configures but is shown as "****" (as CloudFormation shows it,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#parameters-section-structure-properties)
// and appears nowhere in the data dir's files: stack and change set records
// are sealed, as access keys are.
func TestNoEchoSealedAtRest(t *testing.T) {
	e := newEnv(t)
	const secret, next = "n0echo-Secret-Value-4711", "n0echo-Second-Value-0815"
	e.role(t, "fn-role", "lambda.amazonaws.com", "logs:*")
	body := e.template(t, "noecho.yaml", `Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  Plain:
    Type: String
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "clear-${Plain}"
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/fn-role
      Environment:
        Variables:
          PASSWORD: !Ref DbPassword
      Code:
        ZipFile: "def handler(e, c):\n    return 1\n"
`)
	e.must(t, e.root, "cloudformation", "create-stack", "--stack-name", "noecho", "--template-body", body,
		"--parameters", "ParameterKey=DbPassword,ParameterValue="+secret, "ParameterKey=Plain,ParameterValue=marker-4711")
	if st := e.settle(t, "noecho"); st.StackStatus != "CREATE_COMPLETE" {
		t.Fatalf("stack %+v", st)
	}
	// A change set left unexecuted keeps its parameters too.
	e.must(t, e.root, "cloudformation", "create-change-set", "--stack-name", "noecho", "--change-set-name", "pending",
		"--template-body", body, "--parameters", "ParameterKey=DbPassword,ParameterValue="+next, "ParameterKey=Plain,UsePreviousValue=true")

	var out struct {
		Stacks []struct {
			Parameters []struct{ ParameterKey, ParameterValue string }
		}
	}
	if err := json.Unmarshal([]byte(e.must(t, e.root, "cloudformation", "describe-stacks", "--stack-name", "noecho")), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range out.Stacks[0].Parameters {
		got[p.ParameterKey] = p.ParameterValue
	}
	if got["DbPassword"] != "****" || got["Plain"] != "marker-4711" {
		t.Errorf("parameters %v", got)
	}
	var cs struct {
		Parameters []struct{ ParameterKey, ParameterValue string }
	}
	if err := json.Unmarshal([]byte(e.must(t, e.root, "cloudformation", "describe-change-set", "--stack-name", "noecho", "--change-set-name", "pending")), &cs); err != nil {
		t.Fatal(err)
	}
	for _, p := range cs.Parameters {
		if p.ParameterKey == "DbPassword" && p.ParameterValue != "****" {
			t.Errorf("change set shows %s", p.ParameterValue)
		}
	}

	// The raw bytes of every file under the data dir (the SQLite database,
	// its WAL, function code), as `strings` would scan them.
	dir := e.data
	var all []byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(all, []byte("clear-marker-4711")) {
		t.Fatal("the log group name, stored in clear by CloudWatch Logs, is not in the files read: the scan misses the database")
	}
	for _, v := range []string{secret, next} {
		if bytes.Contains(all, []byte(v)) {
			t.Errorf("%s is stored in clear under %s", v, dir)
		}
	}
}
