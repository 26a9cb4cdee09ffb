package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// curlResult is what curl -i printed: the status line's code, the headers
// (lower-cased names) and the body.
type curlResult struct {
	status  string
	headers map[string]string
	body    string
}

// curl runs the real curl with args and splits its -i output.
func curl(t *testing.T, args ...string) curlResult {
	t.Helper()
	out, err := exec.Command("curl", append([]string{"-sS", "-i", "--max-time", "30"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	head, body, _ := strings.Cut(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n\n")
	lines := strings.Split(head, "\n")
	r := curlResult{headers: map[string]string{}, body: body}
	if f := strings.Fields(lines[0]); len(f) > 1 {
		r.status = f[1]
	}
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			r.headers[strings.ToLower(k)] = strings.TrimSpace(v)
		}
	}
	return r
}

// TestCognitoAuthorizer deploys testdata/cognito (a user pool, an app
// client, a group and a SAM REST API whose Cognito authorizers name the
// pool) with `iamgate deploy`, signs a user in with the real aws CLI
// (`aws cognito-idp initiate-auth`, unsigned as the CLI sends it) and calls
// the API with plain curl and the token, as issue 14 asks: each failure
// answers as API Gateway does (401 {"message":"Unauthorized"}, x-amzn-ErrorType
// UnauthorizedException), and the claims reach the function as
// requestContext.authorizer.claims.
func TestCognitoAuthorizer(t *testing.T) {
	needE2E(t)
	t.Parallel()
	b := startServe(t, buildBinary(t), copyTestdata(t, "cognito"))
	if out, err := b.iamgate(t, "deploy", "--template-file", "template.yaml", "--stack-name", "cognito",
		"--resolve-s3", "--capabilities", "CAPABILITY_IAM"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var outputs []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cloudformation", "describe-stacks", "--stack-name", "cognito",
		"--query", "Stacks[0].Outputs")), &outputs); err != nil {
		t.Fatal(err)
	}
	o := map[string]string{}
	for _, x := range outputs {
		o[x.OutputKey] = x.OutputValue
	}
	pool, client := o["PoolId"], o["ClientId"]
	if o["ProviderURL"] != "https://cognito-idp.us-east-1.amazonaws.com/"+pool || o["PoolArn"] != "arn:aws:cognito-idp:us-east-1:000000000000:userpool/"+pool {
		t.Fatalf("outputs %v", o)
	}
	b.mustAWS(t, "cognito-idp", "admin-create-user", "--user-pool-id", pool, "--username", "alice",
		"--user-attributes", "Name=email,Value=alice@example.com", "--message-action", "SUPPRESS")
	b.mustAWS(t, "cognito-idp", "admin-set-user-password", "--user-pool-id", pool, "--username", "alice",
		"--password", "Passw0rdA", "--permanent")
	b.mustAWS(t, "cognito-idp", "admin-add-user-to-group", "--user-pool-id", pool, "--username", "alice", "--group-name", "admins")
	var auth struct {
		AuthenticationResult struct{ IdToken, AccessToken, RefreshToken string }
	}
	if err := json.Unmarshal([]byte(b.mustAWS(t, "cognito-idp", "initiate-auth", "--client-id", client,
		"--auth-flow", "USER_PASSWORD_AUTH", "--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rdA")), &auth); err != nil {
		t.Fatal(err)
	}
	id, access := auth.AuthenticationResult.IdToken, auth.AuthenticationResult.AccessToken
	base := b.endpoint + "/restapis/" + o["ApiId"] + "/v1/_user_request_"

	t.Run("id token passes", func(t *testing.T) {
		r := curl(t, "-H", "Authorization: "+id, base+"/me")
		var got struct {
			Claims map[string]string `json:"claims"`
		}
		if r.status != "200" || json.Unmarshal([]byte(r.body), &got) != nil {
			t.Fatalf("GET /me = %s %s", r.status, r.body)
		}
		c := got.Claims
		if c["cognito:username"] != "alice" || c["token_use"] != "id" || c["aud"] != client || c["cognito:groups"] != "admins" ||
			c["iss"] != o["ProviderURL"] || c["email"] != "alice@example.com" || !strings.HasSuffix(c["exp"], " UTC "+c["exp"][len(c["exp"])-4:]) {
			t.Errorf("claims %v", c)
		}
	})
	t.Run("host-style URL and Bearer prefix", func(t *testing.T) {
		r := curl(t, "-H", "Host: "+o["ApiId"]+".execute-api.us-east-1.amazonaws.com", "-H", "Authorization: Bearer "+id,
			b.endpoint+"/v1/me")
		if r.status != "200" {
			t.Errorf("GET /v1/me = %s %s", r.status, r.body)
		}
	})
	t.Run("access token with the scope", func(t *testing.T) {
		if r := curl(t, "-H", "Authorization: "+access, base+"/scoped"); r.status != "200" || !strings.Contains(r.body, `"token_use": "access"`) &&
			!strings.Contains(r.body, `"token_use":"access"`) {
			t.Errorf("GET /scoped = %s %s", r.status, r.body)
		}
	})
	flipped := id[:len(id)-3] + map[bool]string{true: "A", false: "B"}[id[len(id)-3] != 'A'] + id[len(id)-2:]
	for _, tc := range []struct{ name, path, header string }{
		{"no token", "/me", ""},
		{"not a JWT", "/me", "Authorization: hello"},
		{"tampered signature", "/me", "Authorization: " + flipped},
		{"access token where an id token is due", "/me", "Authorization: " + access},
		{"id token where a scope is due", "/scoped", "Authorization: " + id},
		{"alg none", "/me", "Authorization: eyJhbGciOiJub25lIn0." + strings.Split(id, ".")[1] + "."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{base + tc.path}
			if tc.header != "" {
				args = append([]string{"-H", tc.header}, args...)
			}
			r := curl(t, args...)
			if r.status != "401" || r.body != `{"message":"Unauthorized"}` || r.headers["x-amzn-errortype"] != "UnauthorizedException" {
				t.Errorf("got %s %v %s, want 401 {\"message\":\"Unauthorized\"} UnauthorizedException", r.status, r.headers["x-amzn-errortype"], r.body)
			}
		})
	}
	t.Run("HTTP API JWT authorizer", func(t *testing.T) {
		jwtBase := b.endpoint + "/restapis/" + o["JwtApiId"] + "/_user_request_"
		for _, tok := range []string{"Bearer " + access, id} {
			r := curl(t, "-H", "Authorization: "+tok, jwtBase+"/hi")
			var got struct {
				JWT struct {
					Claims map[string]string `json:"claims"`
					Scopes []string          `json:"scopes"`
				} `json:"jwt"`
			}
			if r.status != "200" || json.Unmarshal([]byte(r.body), &got) != nil || got.JWT.Claims["sub"] == "" ||
				got.JWT.Claims["iss"] != o["ProviderURL"] {
				t.Errorf("GET /hi = %s %s", r.status, r.body)
			}
		}
		if r := curl(t, jwtBase+"/hi"); r.status != "401" || r.body != `{"message":"Unauthorized"}` {
			t.Errorf("no token: %s %s", r.status, r.body)
		}
		if r := curl(t, "-H", "Authorization: Bearer "+flipped, jwtBase+"/hi"); r.status != "401" || r.body != `{"message":"Unauthorized"}` {
			t.Errorf("tampered: %s %s", r.status, r.body)
		}
		if r := curl(t, "-H", "Authorization: Bearer "+access, jwtBase+"/admin"); r.status != "403" || r.body != `{"message":"Forbidden"}` {
			t.Errorf("missing scope: %s %s", r.status, r.body)
		}
	})
	t.Run("jwks at the issuer path", func(t *testing.T) {
		r := curl(t, b.endpoint+"/"+pool+"/.well-known/jwks.json")
		var doc struct{ Keys []map[string]string }
		if r.status != "200" || json.Unmarshal([]byte(r.body), &doc) != nil || len(doc.Keys) != 1 || doc.Keys[0]["alg"] != "RS256" {
			t.Errorf("jwks = %s %s", r.status, r.body)
		}
	})
	t.Run("proxy mode: the real cognito-idp host", func(t *testing.T) {
		out, err := b.iamgate(t, "env", "--proxy")
		if err != nil {
			t.Fatal(err)
		}
		env := cleanEnv()
		for _, line := range strings.Split(out, "\n") {
			if kv, ok := strings.CutPrefix(line, "export "); ok {
				env = append(env, strings.ReplaceAll(kv, "'", ""))
			}
		}
		cmd := exec.Command("aws", "cognito-idp", "initiate-auth", "--client-id", client, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME=alice,PASSWORD=Passw0rdA")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "IdToken") {
			t.Errorf("initiate-auth through the proxy: %v %s", err, out)
		}
		cmd = exec.Command("curl", "-sS", "--max-time", "30", o["ProviderURL"]+"/.well-known/jwks.json")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"kty":"RSA"`) {
			t.Errorf("jwks at the issuer URL through the proxy: %v %s", err, out)
		}
	})
	t.Run("get-user and refresh with the aws CLI", func(t *testing.T) {
		if out := b.mustAWS(t, "cognito-idp", "get-user", "--access-token", access); !strings.Contains(out, `"Username": "alice"`) {
			t.Errorf("get-user %s", out)
		}
		out := b.mustAWS(t, "cognito-idp", "initiate-auth", "--client-id", client, "--auth-flow", "REFRESH_TOKEN_AUTH",
			"--auth-parameters", "REFRESH_TOKEN="+auth.AuthenticationResult.RefreshToken)
		if !strings.Contains(out, "IdToken") || strings.Contains(out, "RefreshToken") {
			t.Errorf("refresh %s", out)
		}
	})
}
