package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// unservedProbe calls services iamgate does not serve with boto3, in their
// own protocols (DynamoDB: JSON, SQS: JSON, SNS: query), and prints each
// error's code and message.
const unservedProbe = `
import json, boto3, botocore
out = {}
calls = {
    "dynamodb": lambda: boto3.client("dynamodb").list_tables(),
    "sqs": lambda: boto3.client("sqs").list_queues(),
    "sns": lambda: boto3.client("sns").list_topics(),
}
for name, call in calls.items():
    try:
        call()
        out[name] = "ok"
    except botocore.exceptions.ClientError as e:
        out[name] = e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
print(json.dumps(out))
`

// TestUnservedServiceNamesIt: a client of a service iamgate does not serve
// (what a function calling DynamoDB sends) gets one plain error naming the
// service, not an S3 signature error (issue 12).
func TestUnservedServiceNamesIt(t *testing.T) {
	testutil.NeedCommand(t, "python3")
	if exec.Command("python3", "-c", "import boto3").Run() != nil {
		testutil.Need(t, false, "boto3 is not installed (pip install boto3)")
	}
	ctx := context.Background()
	s, err := New(ctx, Config{DataDir: t.TempDir(), AccountID: "000000000000", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(ctx)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	id, secret := s.RootKey()
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, "python3", "-c", unservedProbe)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_ACCESS_KEY_ID=" + id,
		"AWS_SECRET_ACCESS_KEY=" + secret, "AWS_ENDPOINT_URL=" + srv.URL, "AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe: %v\n%s", err, stderr.String())
	}
	var got map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	for _, svc := range []string{"dynamodb", "sqs", "sns"} {
		want := "NotImplemented: iamgate does not serve the " + svc + " API (the request is signed for service " + svc + ")"
		if !strings.HasPrefix(got[svc], want) {
			t.Errorf("%s: %q, want it to start with %q", svc, got[svc], want)
		}
	}
}
