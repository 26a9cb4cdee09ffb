package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeployAutoPublishAlias deploys testdata/versioned (AutoPublishAlias
// behind a REST API) with `iamgate deploy`, calls the API over plain HTTP
// and the function with the aws CLI, changes the code and deploys again:
// as on AWS, a new version is published, the alias follows it, the API
// (which invokes the alias) answers from the new code, and the old version
// stays (SAM's DeletionPolicy: Retain) and still runs its old code.
func TestDeployAutoPublishAlias(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "versioned"))
	deploy := func() map[string]string {
		t.Helper()
		out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "versioned",
			"--resolve-s3", "--capabilities", "CAPABILITY_IAM")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var outputs []struct{ OutputKey, OutputValue string }
		if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "versioned",
			"--query", "Stacks[0].Outputs")), &outputs); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, o := range outputs {
			got[o.OutputKey] = o.OutputValue
		}
		return got
	}
	out := deploy()
	m := regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/prod/version$`).FindStringSubmatch(out["Url"])
	alias := regexp.MustCompile(`^arn:aws:lambda:us-east-1:000000000000:function:(versioned-VersionFn-[A-Za-z0-9]+):live$`).FindStringSubmatch(out["AliasArn"])
	if m == nil || alias == nil || out["Version"] != "1" {
		t.Fatalf("outputs %v", out)
	}
	url, fn := b.endpoint+"/restapis/"+m[1]+"/prod/_user_request_/version", alias[1]
	get := func() map[string]string {
		t.Helper()
		r := do(t, mustRequest(t, url))
		var body map[string]string
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &body) != nil {
			t.Fatalf("GET /version: %d %s", r.status, r.body)
		}
		return body
	}
	want := map[string]string{"code": "one", "version": "1", "arn": out["AliasArn"]}
	if d := cmp.Diff(want, get()); d != "" {
		t.Errorf("API answer (-want +got):\n%s", d)
	}

	src := filepath.Join(b.dir, "src", "app.py")
	code, _ := os.ReadFile(src)
	if err := os.WriteFile(src, []byte(strings.Replace(string(code), `CODE = "one"`, `CODE = "two"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out = deploy(); out["Version"] != "2" || out["AliasArn"] != want["arn"] {
		t.Fatalf("outputs after the code change %v", out)
	}
	want["code"], want["version"] = "two", "2"
	if d := cmp.Diff(want, get()); d != "" {
		t.Errorf("API answer after the code change (-want +got):\n%s", d)
	}
	var versions []string
	json.Unmarshal([]byte(b.mustAWS(t, "lambda", "list-versions-by-function", "--function-name", fn, "--query", "Versions[].Version")), &versions)
	if d := cmp.Diff([]string{"$LATEST", "1", "2"}, versions); d != "" {
		t.Errorf("versions (-want +got):\n%s", d)
	}
	resp := filepath.Join(t.TempDir(), "out.json")
	inv := b.mustAWS(t, "lambda", "invoke", "--function-name", fn+":1", resp)
	payload, _ := os.ReadFile(resp)
	if !strings.Contains(inv, `"ExecutedVersion": "1"`) || !strings.Contains(string(payload), `\"code\": \"one\"`) {
		t.Errorf("invoke %s:1: %s %s", fn, inv, payload)
	}
	// The API's permission is on the alias: the function's own policy is empty.
	if _, err := b.aws(t, "lambda", "get-policy", "--function-name", fn); err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Errorf("get-policy of the unqualified function: %v", err)
	}
	if pol := b.mustAWS(t, "lambda", "get-policy", "--function-name", fn+":live"); !strings.Contains(pol, "apigateway.amazonaws.com") {
		t.Errorf("get-policy of the alias: %s", pol)
	}
}
