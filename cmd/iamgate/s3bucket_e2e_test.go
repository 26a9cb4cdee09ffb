package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDeployBucketAndPolicy deploys testdata/s3bucket (AWS::S3::Bucket and
// AWS::S3::BucketPolicy) and checks, with the aws CLI and plain HTTP, that
// the bucket's Ref and attributes are CloudFormation's, that
// get-bucket-policy returns the document, and that iamgate's S3 enforces it
// as a resource policy: anonymous reads allowed, deletes denied even to the
// account's root (an explicit Deny), reads refused once the policy is gone
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html).
func TestDeployBucketAndPolicy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "s3bucket"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "bucketstack")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "bucketstack", "--query", "Stacks[0].Outputs")), &outputs)
	got := map[string]string{}
	for _, o := range outputs {
		got[o.OutputKey] = o.OutputValue
	}
	name := got["Name"]
	if !regexp.MustCompile(`^bucketstack-assets-[a-z0-9]{12}$`).MatchString(name) || got["Arn"] != "arn:aws:s3:::"+name ||
		got["DomainName"] != name+".s3.amazonaws.com" || got["RegionalDomainName"] != name+".s3.us-east-1.amazonaws.com" {
		t.Fatalf("outputs %v", got)
	}
	pol := b.mustAWS(t, "s3api", "get-bucket-policy", "--bucket", name, "--query", "Policy", "--output", "text")
	if !strings.Contains(pol, `"Sid":"PublicRead"`) || !strings.Contains(pol, `"arn:aws:s3:::`+name+`/*"`) {
		t.Errorf("get-bucket-policy: %s", pol)
	}
	file := filepath.Join(t.TempDir(), "hello.txt")
	os.WriteFile(file, []byte("hello bucket"), 0o644)
	b.mustAWS(t, "s3api", "put-object", "--bucket", name, "--key", "hello.txt", "--body", file, "--content-type", "text/plain")
	objectURL := b.endpoint + "/" + name + "/hello.txt"
	if r := do(t, mustRequest(t, objectURL)); r.status != http.StatusOK || r.body != "hello bucket" {
		t.Errorf("anonymous GET under the public-read policy: %d %s", r.status, r.body)
	}
	_, err = b.aws(t, "s3api", "delete-object", "--bucket", name, "--key", "hello.txt")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "explicit deny in a resource-based policy") {
		t.Errorf("delete-object under the Deny: %v", err)
	}
	b.mustAWS(t, "s3api", "delete-bucket-policy", "--bucket", name)
	if r := do(t, mustRequest(t, objectURL)); r.status != http.StatusForbidden || !strings.Contains(r.body, "<Code>AccessDenied</Code>") {
		t.Errorf("anonymous GET without the policy: %d %s", r.status, r.body)
	}
	if _, err := b.aws(t, "s3api", "get-bucket-policy", "--bucket", name); err == nil || !strings.Contains(err.Error(), "NoSuchBucketPolicy") {
		t.Errorf("get-bucket-policy after delete: %v", err)
	}
	_, err = b.aws(t, "s3api", "put-bucket-policy", "--bucket", name, "--policy", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	if err == nil || !strings.Contains(err.Error(), "MalformedPolicy") {
		t.Errorf("put-bucket-policy without a Principal: %v", err)
	}
}
