package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestDeployFunctionURLs deploys testdata/funcurl and calls its function
// URLs as Lambda serves them
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html): the
// AWS_IAM URL of an alias wants a SigV4 signature for service lambda and
// both lambda:InvokeFunctionUrl and lambda:InvokeFunction, else 403
// {"Message":"Forbidden. For troubleshooting Function URL authorization
// issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"};
// the NONE URL is public through the two statements SAM adds, and answers
// its Cors preflight. Clients: curl --aws-sigv4 and aws-sdk-go-v2's signer.
func TestDeployFunctionURLs(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "funcurl"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "funcurl",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "funcurl",
		"--query", "Stacks[0].Outputs")), &outputs); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range outputs {
		got[o.OutputKey] = o.OutputValue
	}
	awsURL := regexp.MustCompile(`^https://([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws/$`)
	priv, pub := awsURL.FindStringSubmatch(got["PrivateUrl"]), awsURL.FindStringSubmatch(got["PublicUrl"])
	if priv == nil || pub == nil {
		t.Fatalf("outputs %v", got)
	}
	local := func(id string) string { return b.endpoint + "/lambda-url/" + id + "/" }
	const forbidden = `{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}`

	var admin creds
	for _, kv := range b.env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "AWS_ACCESS_KEY_ID":
			admin.id = v
		case "AWS_SECRET_ACCESS_KEY":
			admin.secret = v
		}
	}
	b.mustAWS(t, "iam", "create-user", "--user-name", "urlcaller")
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	json.Unmarshal([]byte(b.mustAWS(t, "iam", "create-access-key", "--user-name", "urlcaller")), &key)
	user := creds{id: key.AccessKey.AccessKeyId, secret: key.AccessKey.SecretAccessKey}

	t.Run("AWS_IAM unsigned", func(t *testing.T) {
		r := do(t, mustRequest(t, local(priv[1])+"hello"))
		if r.status != http.StatusForbidden || r.body != forbidden {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("AWS_IAM signed by the admin with curl", func(t *testing.T) {
		status, _, body := curlHeaders(t, "lambda", local(priv[1])+"hello?a=1", admin)
		var ev map[string]any
		if status != http.StatusOK || json.Unmarshal([]byte(body), &ev) != nil {
			t.Fatalf("got %d %s", status, body)
		}
		want := map[string]any{"version": "2.0", "routeKey": "$default", "rawPath": "/hello", "method": "GET",
			"query": map[string]any{"a": "1"}, "body": nil, "caller": "arn:aws:iam::000000000000:root", "function": got["PrivateAlias"]}
		for k, v := range want {
			if b, _ := json.Marshal(ev[k]); string(b) != mustJSON(v) {
				t.Errorf("%s = %s, want %s", k, b, mustJSON(v))
			}
		}
	})
	t.Run("AWS_IAM signed for the wrong service, by host name", func(t *testing.T) {
		req := mustRequest(t, b.endpoint+"/")
		req.Host = priv[1] + ".lambda-url.us-east-1.on.aws"
		sum := sha256.Sum256(nil)
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: admin.id, SecretAccessKey: admin.secret},
			req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		r := do(t, req)
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "Credential should be scoped to correct service") {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("AWS_IAM user without permission", func(t *testing.T) {
		status, _, body := curlHeaders(t, "lambda", local(priv[1]), user)
		if status != http.StatusForbidden || body != forbidden {
			t.Errorf("got %d %s", status, body)
		}
	})
	// Only InvokeFunctionUrl: since October 2025 Lambda wants InvokeFunction too.
	b.mustAWS(t, "iam", "put-user-policy", "--user-name", "urlcaller", "--policy-name", "url", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunctionUrl","Resource":"`+got["PrivateAlias"]+
			`","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}]}`)
	t.Run("AWS_IAM user with InvokeFunctionUrl only", func(t *testing.T) {
		if status, _, body := curlHeaders(t, "lambda", local(priv[1]), user); status != http.StatusForbidden || body != forbidden {
			t.Errorf("got %d %s", status, body)
		}
	})
	b.mustAWS(t, "iam", "put-user-policy", "--user-name", "urlcaller", "--policy-name", "invoke", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"`+got["PrivateAlias"]+`"}]}`)
	t.Run("AWS_IAM user allowed, Go SDK signer, POST body", func(t *testing.T) {
		payload := `{"x":1}`
		var status int
		var body string
		// IAM's identity cache is bounded to a second across replicas.
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			req, _ := http.NewRequest(http.MethodPost, local(priv[1])+"items", strings.NewReader(payload))
			req.Header.Set("Content-Type", "application/json")
			sum := sha256.Sum256([]byte(payload))
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: user.id, SecretAccessKey: user.secret},
				req, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			r := do(t, req)
			if status, body = r.status, r.body; status == http.StatusOK {
				break
			}
		}
		if status != http.StatusOK || !strings.Contains(body, `"caller": "arn:aws:iam::000000000000:user/urlcaller"`) ||
			!strings.Contains(body, `"body": "{\"x\":1}"`) || !strings.Contains(body, `"method": "POST"`) {
			t.Errorf("got %d %s", status, body)
		}
	})
	t.Run("NONE unsigned", func(t *testing.T) {
		r := do(t, mustRequest(t, local(pub[1])+"open"))
		if r.status != http.StatusOK || !strings.Contains(r.body, `"caller": null`) || !strings.Contains(r.body, `"rawPath": "/open"`) {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("NONE by host name", func(t *testing.T) {
		req := mustRequest(t, b.endpoint+"/open")
		req.Host = pub[1] + ".lambda-url.us-east-1.on.aws"
		if r := do(t, req); r.status != http.StatusOK {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("NONE Cors preflight", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, local(pub[1])+"open", nil)
		req.Header.Set("Origin", "https://example.com")
		req.Header.Set("Access-Control-Request-Method", "POST")
		r := do(t, req)
		if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "https://example.com" ||
			r.header.Get("Access-Control-Allow-Methods") != "GET,POST" || r.header.Get("Access-Control-Max-Age") != "300" {
			t.Errorf("got %d %v", r.status, r.header)
		}
	})
	t.Run("get-function-url-config", func(t *testing.T) {
		fn := strings.TrimSuffix(strings.TrimPrefix(got["PrivateAlias"], "arn:aws:lambda:us-east-1:000000000000:function:"), ":live")
		cfg := b.mustAWS(t, "lambda", "get-function-url-config", "--function-name", fn, "--qualifier", "live")
		if !strings.Contains(cfg, `"FunctionUrl": "`+got["PrivateUrl"]+`"`) || !strings.Contains(cfg, `"AuthType": "AWS_IAM"`) {
			t.Errorf("get-function-url-config: %s", cfg)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
