package main

import (
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// helloTable is issue 17's example table for the seed, plus rows that
// must fail: a POST the policy does not allow expected to be allowed, and
// a GET it allows expected to be denied.
const helloTable = `- principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/GET/hello
  expect: allow
- principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: arn:aws:execute-api:*:*:*/v1/POST/*
  context: {aws:SourceIp: 203.0.113.9}
  expect: deny
- name: the user may not manage connections
  principal: arn:aws:iam::000000000000:user/api-gateway-user
  action: execute-api:ManageConnections
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/${StageName}/GET/hello
  expect: deny
`

const helloFailing = `- name: POST is allowed (wrong)
  principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/POST/hello
  expect: allow
- name: GET is denied (wrong)
  principal: user/api-gateway-user
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${HelloWorldApi}/v1/GET/hello
  expect: deny
`

// exitCode runs the binary and returns its exit code, stdout and stderr.
func (a *app) exitCode(args ...string) (int, string, string) {
	a.t.Helper()
	cmd := exec.Command(a.bin, append(args, "--data-dir", a.dataDir, "--endpoint-url", a.endpoint)...)
	cmd.Env = cleanEnv()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	a.t.Fatal(err)
	return -1, "", ""
}

// TestCheck runs `iamgate check` against the seed deployed by the real
// server (issue 17, "Policy tests"): passing rows exit 0, a failing row
// exits 1 with its deciding statement, JUnit XML for CI; a table error
// exits 2 naming file, line and field (testdata/script/usage.txtar).
func TestCheck(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	a := startUp(t, bin, copyExample(t), filepath.Join(t.TempDir(), "data"), anyPort)
	defer a.stop()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("passing", func(t *testing.T) {
		junit := filepath.Join(dir, "pass.xml")
		code, out, errOut := a.exitCode("check", write("pass.yaml", helloTable), "--stack", "Api-IAM-Sample-Stack", "--junit", junit)
		if code != 0 || out != "3 passed, 0 failed\n" {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		suite := readJUnit(t, junit)
		if suite.Tests != 3 || suite.Failures != 0 || suite.Errors != 0 {
			t.Fatalf("junit: %+v", suite)
		}
	})
	t.Run("failing", func(t *testing.T) {
		junit := filepath.Join(dir, "fail.xml")
		file := write("fail.yaml", helloTable+helloFailing)
		code, out, errOut := a.exitCode("check", file, "--stack", "Api-IAM-Sample-Stack", "--junit", junit)
		if code != 1 {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		for _, want := range []string{
			"FAIL " + file + ":15: POST is allowed (wrong)\n     expected allow, got implicitDeny; no statement allows execute-api:Invoke on arn:aws:execute-api:us-east-1:000000000000:" + a.apiID + "/v1/POST/hello\n",
			"FAIL " + file + ":20: GET is denied (wrong)\n     expected deny, got allowed; decided by ",
			"3 passed, 2 failed\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("stdout lacks %q:\n%s", want, out)
			}
		}
		if !strings.Contains(out, "api-gateway-user-policy") {
			t.Errorf("the deciding statement's policy is not named:\n%s", out)
		}
		suite := readJUnit(t, junit)
		if suite.Tests != 5 || suite.Failures != 2 || suite.Cases[3].Failure == nil || suite.Cases[0].Failure != nil {
			t.Fatalf("junit: %+v", suite)
		}
	})
	// A table error (exit 2, file:line:column and field): testdata/script/usage.txtar.
	t.Run("unknown stack name", func(t *testing.T) {
		file := write("ref.yaml", "- principal: user/api-gateway-user\n  action: execute-api:Invoke\n  resource: !Ref Nope\n  expect: deny\n")
		code, out, _ := a.exitCode("check", file, "--stack", "Api-IAM-Sample-Stack")
		if code != 1 || !strings.Contains(out, "line 3: resource: Nope is not a parameter, resource or output of stack Api-IAM-Sample-Stack") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

// TestCheckResourcePolicy: a row on an execute-api ARN is simulated with
// the API's resource policy (examples/iam-roles denies GET /secret there),
// so a user whose group allows everything is still denied.
func TestCheckResourcePolicy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	a := startUp(t, bin, copyExampleDir(t, "iam-roles"), filepath.Join(t.TempDir(), "data"), anyPort)
	defer a.stop()
	file := filepath.Join(t.TempDir(), "roles.yaml")
	table := `- principal: user/reader
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${IamApi}/v1/GET/items
  expect: allow
- principal: user/reader
  action: execute-api:Invoke
  resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${IamApi}/v1/GET/secret
  expect: allow
`
	if err := os.WriteFile(file, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := a.exitCode("check", file, "--stack", "iam-roles")
	want := "FAIL " + file + ":5: line 5: allow user/reader execute-api:Invoke on arn:aws:execute-api:us-east-1:000000000000:" + a.apiID +
		"/v1/GET/secret\n     expected allow, got explicitDeny; decided by ResourcePolicy (resource) at "
	if code != 1 || !strings.Contains(out, want) || !strings.HasSuffix(out, "1 passed, 1 failed\n") {
		t.Fatalf("exit %d\nstdout:\n%s\nwant %q\nstderr:\n%s", code, out, want, errOut)
	}
}

type junitSuite struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Cases    []struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Message string `xml:"message,attr"`
		} `xml:"failure"`
	} `xml:"testcase"`
}

func readJUnit(t *testing.T, path string) junitSuite {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []junitSuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Suites) != 1 {
		t.Fatalf("junit %s: %v\n%s", path, err, b)
	}
	return doc.Suites[0]
}
