package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestUpHTTPSAndProxy is issue 16 with real clients: `up --region
// ap-northeast-1` on the seed, then https:// with the local CA and the
// stack's real https://{apiId}.execute-api.ap-northeast-1.amazonaws.com URL
// through iamgate as HTTPS proxy, from curl, botocore/boto3, the seed's own
// sample.py and the aws CLI; a CONNECT to any other host is refused.
func TestUpHTTPSAndProxy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	bin := buildBinary(t)
	dir := copyExample(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	a := startUp(t, bin, dir, dataDir, anyPort, "--region", "ap-northeast-1")
	addr := a.addr
	realURL := "https://" + a.apiID + ".execute-api.ap-northeast-1.amazonaws.com/v1/hello"
	httpsPath := "https" + strings.TrimPrefix(a.pathURL, "http")
	caPEM := filepath.Join(dataDir, "ca.pem")

	t.Run("CA files", func(t *testing.T) {
		info, err := os.Stat(filepath.Join(dataDir, "ca.key"))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("ca.key: %v %v, want mode 0600", info, err)
		}
		if b, err := os.ReadFile(caPEM); err != nil || !bytes.HasPrefix(b, []byte("-----BEGIN CERTIFICATE-----")) {
			t.Errorf("ca.pem: %v %q", err, b)
		}
	})
	t.Run("up prints the stack's URL and the local ones", func(t *testing.T) {
		for _, s := range []string{"HelloWorldApi = " + realURL, "path style: " + a.pathURL, "https:      " + httpsPath,
			"as on AWS:  " + realURL, "Python and Node.js do not"} {
			if !strings.Contains(a.stdout, s) {
				t.Errorf("up's output lacks %q:\n%s", s, a.stdout)
			}
		}
		if strings.Index(a.stdout, "path style:") > strings.Index(a.stdout, "host style:") {
			t.Errorf("the host-style URL, which Python and Node cannot resolve, is printed first:\n%s", a.stdout)
		}
	})
	t.Run("next steps run as printed", func(t *testing.T) { runNextSteps(t, a, bin) })

	env := envLines(t, a, "env")
	proxyEnv := envLines(t, a, "env", "--proxy")
	t.Run("env prints the CA and proxy variables", func(t *testing.T) {
		for _, want := range []string{"AWS_CA_BUNDLE=" + caPEM, "NODE_EXTRA_CA_CERTS=" + caPEM,
			"REQUESTS_CA_BUNDLE=" + filepath.Join(dataDir, "ca-bundle.pem"), "SSL_CERT_FILE=", "AWS_REGION=ap-northeast-1"} {
			if !containsPrefix(env, want) || !containsPrefix(proxyEnv, want) {
				t.Errorf("env lacks %s:\n%s\n%s", want, env, proxyEnv)
			}
		}
		if !containsPrefix(proxyEnv, "HTTPS_PROXY=http://"+addr) || containsPrefix(proxyEnv, "AWS_ENDPOINT_URL=") {
			t.Errorf("env --proxy: %s", proxyEnv)
		}
	})

	key := a.createKey("api-gateway-user")
	id, secret := key.AccessKey.AccessKeyID, key.AccessKey.SecretAccessKey
	t.Run("curl --cacert over https", func(t *testing.T) {
		out, err := exec.Command("curl", "-sS", "--cacert", caPEM, httpsPath).CombinedOutput()
		if err != nil || string(out) != missingToken {
			t.Errorf("unsigned: %q %v", out, err)
		}
		out, err = exec.Command("curl", "-sS", "--cacert", caPEM, "--aws-sigv4", "aws:amz:ap-northeast-1:execute-api",
			"--user", id+":"+secret, httpsPath).CombinedOutput()
		if err != nil || string(out) != helloBody {
			t.Errorf("signed: %q %v", out, err)
		}
	})
	t.Run("curl --proxy with the stack's URL", func(t *testing.T) {
		out, err := exec.Command("curl", "-sS", "--cacert", caPEM, "--proxy", "http://"+addr, "--aws-sigv4",
			"aws:amz:ap-northeast-1:execute-api", "--user", id+":"+secret, realURL).CombinedOutput()
		if err != nil || string(out) != helloBody {
			t.Errorf("signed: %q %v", out, err)
		}
	})
	t.Run("CONNECT to another host is refused", func(t *testing.T) {
		out, err := exec.Command("curl", "-sS", "--proxy", "http://"+addr, "https://example.com/").CombinedOutput()
		var ee *exec.ExitError
		// curl exit 56: "CONNECT tunnel failed, response 403".
		if !errors.As(err, &ee) || ee.ExitCode() != 56 || !strings.Contains(string(out), "response 403") {
			t.Errorf("curl through the proxy to example.com: %v %s", err, out)
		}
		out, _ = exec.Command("curl", "-sS", "--proxy", "http://"+addr, "http://example.com/").CombinedOutput()
		if !strings.Contains(string(out), "iamgate refused to proxy example.com") || !strings.Contains(string(out), "not an open proxy") {
			t.Errorf("absolute-URI request for example.com: %s", out)
		}
	})
	t.Run("boto3 and botocore through the proxy, no endpoint", func(t *testing.T) {
		script := `
import os, sys, boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session
from botocore.utils import get_environ_proxies
assert "AWS_ENDPOINT_URL" not in os.environ
print(boto3.client("sts").get_caller_identity()["Arn"])
url, ak, sk = sys.argv[1:4]
req = AWSRequest(method="GET", url=url)
SigV4Auth(Credentials(ak, sk), "execute-api", "ap-northeast-1").add_auth(req)
resp = URLLib3Session(proxies=get_environ_proxies(url), verify=os.environ["AWS_CA_BUNDLE"]).send(req.prepare())
print(resp.status_code, resp.text)
`
		cmd := exec.Command("python3", "-c", script, realURL, id, secret)
		cmd.Env = proxyEnv
		out, err := cmd.CombinedOutput()
		if want := "arn:aws:iam::000000000000:root\n200 " + helloBody + "\n"; err != nil || string(out) != want {
			t.Errorf("got %v\n%s\nwant\n%s", err, out, want)
		}
	})
	t.Run("botocore over https with AWS_CA_BUNDLE", func(t *testing.T) {
		cmd := exec.Command("python3", "-c", `import boto3; print(boto3.client("sts").get_caller_identity()["Account"])`)
		cmd.Env = replaceEnv(env, "AWS_ENDPOINT_URL=https://"+addr)
		if out, err := cmd.CombinedOutput(); err != nil || string(out) != "000000000000\n" {
			t.Errorf("%v %s", err, out)
		}
	})
	t.Run("sample.py", func(t *testing.T) {
		// Only the URL and the keys changed, as the blog says to.
		src, err := os.ReadFile(testutil.Shared(t, "seed", "sample.py"))
		if err != nil {
			t.Fatal(err)
		}
		sample := func(url string) string {
			s := strings.Replace(string(src), "https://xxx.execute-api.ap-northeast-1.amazonaws.com/v1/hello", url, 1)
			s = strings.Replace(s, "your access key", id, 1)
			s = strings.Replace(s, "your secret key", secret, 1)
			p := filepath.Join(t.TempDir(), "sample.py")
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		pyEnv := func(env []string) []string {
			if exec.Command("python3", "-c", "import requests_aws4auth").Run() != nil {
				testutil.Need(t, exec.Command("python3", "-c", "import requests").Run() == nil, "python3 has no requests")
				// requests-aws4auth is on PyPI only: sign as it does (testdata/aws4auth says how).
				shim, _ := filepath.Abs(filepath.Join("testdata", "aws4auth"))
				env = append(env, "PYTHONPATH="+shim)
			}
			return env
		}
		t.Run("through the proxy with the stack's URL", func(t *testing.T) {
			cmd := exec.Command("python3", sample(realURL))
			cmd.Env = pyEnv(proxyEnv)
			out, err := cmd.CombinedOutput()
			if want := "200\n{'message': 'hello world'}\n"; err != nil || string(out) != want {
				t.Errorf("got %v\n%s\nwant\n%s", err, out, want)
			}
		})
		t.Run("over https to 127.0.0.1 the port is left out of the signed host", func(t *testing.T) {
			cmd := exec.Command("python3", sample(httpsPath))
			cmd.Env = pyEnv(env)
			out, err := cmd.CombinedOutput()
			// Refused (the port is part of what was sent), with iamgate's hint.
			if err != nil || !strings.HasPrefix(string(out), "403\n") || !strings.Contains(string(out), "the client signed the host without its port") {
				t.Errorf("got %v\n%s", err, out)
			}
		})
	})
	t.Run("aws CLI v1 with --ca-bundle", func(t *testing.T) {
		cmd := exec.Command("aws", "--endpoint-url", "https://"+addr, "--ca-bundle", caPEM, "sts", "get-caller-identity",
			"--query", "Arn", "--output", "text")
		cmd.Env = dropEnv(env, "AWS_CA_BUNDLE=", "AWS_ENDPOINT_URL=")
		if out, err := cmd.CombinedOutput(); err != nil || string(out) != "arn:aws:iam::000000000000:root\n" {
			t.Errorf("%v %s", err, out)
		}
		cmd = exec.Command("aws", "cloudformation", "describe-stacks", "--stack-name", "Api-IAM-Sample-Stack",
			"--query", "Stacks[0].Outputs[0].OutputValue", "--output", "text")
		cmd.Env = proxyEnv
		if out, err := cmd.CombinedOutput(); err != nil || string(out) != realURL+"\n" {
			t.Errorf("through the proxy: %v %s", err, out)
		}
	})
	t.Run("aws:SecureTransport is true over TLS", func(t *testing.T) {
		a.aws("iam", "create-user", "--user-name", "tls-only")
		a.aws("iam", "put-user-policy", "--user-name", "tls-only", "--policy-name", "tls", "--policy-document",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",`+
				`"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`)
		k := a.createKey("tls-only")
		userEnv := replaceEnv(replaceEnv(env, "AWS_ACCESS_KEY_ID="+k.AccessKey.AccessKeyID), "AWS_SECRET_ACCESS_KEY="+k.AccessKey.SecretAccessKey)
		run := func(endpoint string) (string, error) {
			cmd := exec.Command("aws", "--endpoint-url", endpoint, "iam", "get-user", "--query", "User.UserName", "--output", "text")
			cmd.Env = userEnv
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		if out, err := run("http://" + addr); err == nil || !strings.Contains(out, "AccessDenied") {
			t.Errorf("over http: %v %s", err, out)
		}
		if out, err := run("https://" + addr); err != nil || out != "tls-only\n" {
			t.Errorf("over https: %v %s", err, out)
		}
	})
}

// TestBlogWithCLIv2ThroughProxy runs the blog's sequence with the aws CLI
// v2 that Debian ships (2.9): it predates AWS_ENDPOINT_URL, and its
// `cloudformation package` ignores --endpoint-url for the upload, so only
// proxy mode reaches iamgate with it. Then sample.py calls the stack's URL.
func TestBlogWithCLIv2ThroughProxy(t *testing.T) {
	needE2E(t)
	t.Parallel()
	v2 := awsCLIv2(t)
	b := startServe(t, buildBinary(t), copyExample(t))
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
	aws := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(v2, args...)
		cmd.Dir, cmd.Env = b.dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	packaged := filepath.Join(t.TempDir(), "packaged.yaml")
	aws("s3", "mb", "s3://cm-fujii.genki-deploy")
	aws("s3", "cp", "api.yaml", "s3://cm-fujii.genki-deploy/Api-IAM-Sample-Stack/api.yaml")
	aws("cloudformation", "package", "--template-file", "template.yaml", "--s3-bucket", "cm-fujii.genki-deploy", "--output-template-file", packaged)
	aws("cloudformation", "deploy", "--template-file", packaged, "--stack-name", blogStack, "--capabilities", "CAPABILITY_NAMED_IAM")
	url := strings.TrimSpace(aws("cloudformation", "describe-stacks", "--stack-name", blogStack, "--query", "Stacks[0].Outputs[0].OutputValue", "--output", "text"))
	if !awsURL.MatchString(url) {
		t.Fatalf("output %q", url)
	}
	var k accessKey
	if err := json.Unmarshal([]byte(aws("iam", "create-access-key", "--user-name", "api-gateway-user")), &k); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("curl", "-sS", "--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user",
		k.AccessKey.AccessKeyID+":"+k.AccessKey.SecretAccessKey, url)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != helloBody {
		t.Errorf("curl through the proxy: %v %s", err, out)
	}
}

var cliV2 = regexp.MustCompile(`^aws-cli/2\.`)

// awsCLIv2 finds an aws CLI v2: Debian's package installs /usr/bin/aws
// (`apt-get install awscli`), which a pip-installed v1 may shadow on PATH.
func awsCLIv2(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/aws", "aws"} {
		out, err := exec.Command(p, "--version").CombinedOutput()
		if err == nil && cliV2.Match(out) {
			return p
		}
	}
	testutil.Need(t, false, "no aws CLI v2 (apt-get install awscli installs Debian's 2.9 as /usr/bin/aws)")
	return ""
}

// runNextSteps runs the "Next steps" lines of up's output in one shell, as
// a user pasting them would, with the built binary as `iamgate` on PATH.
func runNextSteps(t *testing.T, a *app, bin string) {
	_, rest, ok := strings.Cut(a.stdout, "\nNext steps\n")
	if !ok {
		t.Fatalf("no next steps:\n%s", a.stdout)
	}
	steps, _, _ := strings.Cut(rest, "\n\n")
	if !strings.Contains(steps, "--data-dir "+a.dataDir) {
		t.Errorf("next steps omit up's --data-dir:\n%s", steps)
	}
	var script strings.Builder
	script.WriteString("set -e\n")
	for _, line := range strings.Split(steps, "\n") {
		line = strings.TrimSpace(line)
		script.WriteString(line + "\necho\necho '--'\n")
	}
	cmd := exec.Command("sh", "-c", script.String())
	cmd.Env = append(cleanEnv(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // curl's progress meter
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("next steps failed: %v\n%s\n%s%s", err, steps, out, stderr.String())
	}
	// eval, iamgate curl --as, unsigned curl, eval --proxy, curl --aws-sigv4.
	want := []string{"", helloBody, missingToken, "", helloBody}
	got := strings.Split(strings.TrimSuffix(string(out), "\n--\n"), "\n--\n")
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("next steps printed\n%q\nwant\n%q\nsteps:\n%s", got, want, steps)
	}
}

func envLines(t *testing.T, a *app, args ...string) []string {
	t.Helper()
	out, err := a.iamgate(args...)
	if err != nil {
		t.Fatal(err)
	}
	env := cleanEnv()
	for _, line := range strings.Split(out, "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			env = replaceEnv(env, strings.ReplaceAll(kv, "'", ""))
		}
	}
	return env
}

func containsPrefix(env []string, prefix string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, prefix) {
			return true
		}
	}
	return false
}

// replaceEnv sets kv (NAME=value), dropping an earlier NAME.
func replaceEnv(env []string, kv string) []string {
	name, _, _ := strings.Cut(kv, "=")
	return append(dropEnv(env, name+"="), kv)
}

func dropEnv(env []string, prefixes ...string) []string {
	var out []string
	for _, kv := range env {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}
