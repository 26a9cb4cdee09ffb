package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDeployHTTPAPI deploys testdata/httpapi (an AWS::Serverless::HttpApi
// with the AWS_IAM authorizer by default, a public route and CORS, and a
// Python function) with `iamgate deploy`, then calls it as AWS clients do:
// curl --aws-sigv4, botocore and aws-sdk-go-v2 signed requests, unsigned
// requests, CORS preflights and the aws CLI's apigatewayv2 reads.
//
// HTTP API answers: no route {"message":"Not Found"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html);
// an IAM route refuses unsigned or unauthorized callers with 403
// {"message":"Forbidden"}; a CORS preflight is answered by API Gateway
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
func TestDeployHTTPAPI(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "httpapi"))
	out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "httpapi",
		"--resolve-s3", "--capabilities", "CAPABILITY_NAMED_IAM")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	url := strings.TrimSpace(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "httpapi",
		"--query", "Stacks[0].Outputs[?OutputKey=='HelloUrl'].OutputValue", "--output", "text"))
	m := regexp.MustCompile(`^https://([a-z0-9]{10})\.execute-api\.us-east-1\.amazonaws\.com/hello$`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("HelloUrl %q is not the $default stage URL of an HTTP API", url)
	}
	apiID := m[1]
	pathURL := b.endpoint + "/restapis/" + apiID + "/_user_request_/"
	if !strings.Contains(out, "path style: "+pathURL+"hello") {
		t.Errorf("deploy output lacks the path-style URL %shello:\n%s", pathURL, out)
	}

	var k accessKey
	if err := json.Unmarshal([]byte(b.mustAWS(t, "iam", "create-access-key", "--user-name", "http-caller")), &k); err != nil {
		t.Fatal(err)
	}
	caller := creds{id: k.AccessKey.AccessKeyID, secret: k.AccessKey.SecretAccessKey}
	const callerARN = "arn:aws:iam::000000000000:user/http-caller"
	hello := `{"version": "2.0", "routeKey": "GET /hello", "rawPath": "/hello", "pathParameters": null, "caller": "` + callerARN + `"}`
	const forbidden = `{"message":"Forbidden"}`
	cases := []struct {
		name, path string
		status     int
		body       string
	}{
		{"allowed route", "hello", 200, hello},
		{"IAM route the policy does not allow", "items/7", 403, forbidden},
		{"public route", "public", 200, `{"version": "2.0", "routeKey": "GET /public", "rawPath": "/public", "pathParameters": null, "caller": null}`},
		{"no route", "nope", 404, `{"message":"Not Found"}`},
	}
	clients := map[string]func(url string, c creds) (int, string, error){
		"curl --aws-sigv4": curlSigV4,
		"botocore":         botocoreSigned,
		"aws-sdk-go-v2":    goSigned,
	}
	for _, tc := range cases {
		for client, get := range clients {
			t.Run(tc.name+"/"+client, func(t *testing.T) {
				status, body, err := get(pathURL+tc.path, caller)
				if err != nil {
					t.Fatal(err)
				}
				if status != tc.status || body != tc.body {
					t.Errorf("got %d %s\nwant %d %s", status, body, tc.status, tc.body)
				}
			})
		}
	}
	t.Run("unsigned", func(t *testing.T) {
		r := do(t, mustRequest(t, pathURL+"hello"))
		if r.status != 403 || r.body != forbidden {
			t.Errorf("got %d %s", r.status, r.body)
		}
	})
	t.Run("host style, response inferred from a bare object", func(t *testing.T) {
		req := mustRequest(t, b.endpoint+"/raw")
		req.Host = apiID + ".execute-api.us-east-1.amazonaws.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		if resp.StatusCode != 200 || body.String() != `{"inferred": true}` || resp.Header.Get("Content-Type") != "application/json" ||
			resp.Header.Get("Apigw-Requestid") == "" {
			t.Errorf("got %d %q %v", resp.StatusCode, body.String(), resp.Header)
		}
	})
	t.Run("CORS preflight", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, pathURL+"hello", nil)
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			h.Get("Access-Control-Allow-Methods") != "GET,POST" || h.Get("Access-Control-Max-Age") != "300" {
			t.Errorf("got %d %v", resp.StatusCode, h)
		}
	})
	t.Run("aws apigatewayv2 reads", func(t *testing.T) {
		var routes struct {
			Items []struct{ RouteKey, AuthorizationType string }
		}
		json.Unmarshal([]byte(b.mustAWS(t, "apigatewayv2", "get-routes", "--api-id", apiID)), &routes)
		got := map[string]string{}
		for _, r := range routes.Items {
			got[r.RouteKey] = r.AuthorizationType
		}
		want := map[string]string{"GET /hello": "AWS_IAM", "GET /items/{id}": "AWS_IAM", "GET /public": "NONE", "GET /raw": "NONE"}
		if len(got) != len(want) {
			t.Fatalf("routes %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("route %s: %q, want %q", k, got[k], v)
			}
		}
		st := strings.TrimSpace(b.mustAWS(t, "apigatewayv2", "get-stages", "--api-id", apiID, "--query", "Items[].[StageName,AutoDeploy]", "--output", "text"))
		if st != "$default\tTrue" {
			t.Errorf("stages %q", st)
		}
	})
}
