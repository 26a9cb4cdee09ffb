package iampolicy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestDifferentialOracle compares Evaluate with @cloud-copilot/iam-simulate
// (a test-only oracle installed by `npm ci` in testdata/oracle) on random
// policies, requests and contexts. Every disagreement fails the test unless it
// is listed in knownDisagreements with the AWS page that shows who is right.
func TestDifferentialOracle(t *testing.T) {
	dir := filepath.Join("testdata", "oracle")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@cloud-copilot", "iam-simulate")); err != nil {
		testutil.Need(t, false, "oracle not installed: run `npm ci --prefix internal/iampolicy/testdata/oracle`")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		testutil.Need(t, false, "node not on PATH")
	}
	n := 600
	if testing.Short() {
		n = 100
	}
	if s := os.Getenv("IAMPOLICY_ORACLE_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := uint64(7)
	if s := os.Getenv("IAMPOLICY_ORACLE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, 1))}
	cases := make([]diffCase, n)
	var in bytes.Buffer
	for i := range cases {
		cases[i] = g.diffCase(i)
		line, err := json.Marshal(cases[i].oracleInput())
		if err != nil {
			t.Fatal(err)
		}
		in.Write(line)
		in.WriteByte('\n')
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "oracle.mjs")
	cmd.Dir = dir
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	results := map[int]oracleOutput{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var o oracleOutput
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("oracle output %q: %v", sc.Text(), err)
		}
		results[o.ID] = o
	}
	var compared, refused, known int
	for _, c := range cases {
		o, ok := results[c.id]
		if !ok {
			t.Fatalf("oracle gave no answer for case %d", c.id)
		}
		if o.Error != "" {
			refused++
			continue
		}
		compared++
		got := Evaluate(&c.req, c.set)
		want := map[string]Effect{"Allowed": Allow, "ExplicitlyDenied": ExplicitDeny, "ImplicitlyDenied": ImplicitDeny}[o.Result]
		if got.Effect == want {
			continue
		}
		if why := knownDisagreement(c); why != "" {
			known++
			continue
		}
		in, _ := json.Marshal(c.oracleInput())
		t.Errorf("case %d: iamgate %v, iam-simulate %s\ninput: %s\ntrace:\n%s", c.id, got.Effect, o.Result, in, traceText(got))
	}
	t.Logf("differential: %d cases, %d compared, %d refused by the oracle, %d known disagreements", n, compared, refused, known)
	if compared < n/2 {
		t.Errorf("only %d of %d cases compared; the generator makes inputs the oracle refuses", compared, n)
	}
}

type oracleOutput struct {
	ID     int    `json:"id"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

type diffCase struct {
	id                          int
	req                         Request
	set                         Set
	identity, session, resource []string
	boundary                    string
}

func (c diffCase) oracleInput() map[string]any {
	raw := func(list []string) []json.RawMessage {
		var out []json.RawMessage
		for _, s := range list {
			out = append(out, json.RawMessage(s))
		}
		return out
	}
	principal := c.req.Principal.ARN
	if c.req.Principal.Type == TypeAnonymous {
		principal = "anonymous"
	}
	m := map[string]any{
		"id": c.id, "principal": principal, "action": c.req.Action, "resource": c.req.Resource,
		"resourceAccount": c.req.ResourceAccount, "context": c.req.Context, "identity": raw(c.identity),
	}
	if c.boundary != "" {
		m["boundary"] = json.RawMessage(c.boundary)
	}
	if len(c.session) > 0 {
		m["session"] = json.RawMessage(c.session[0])
	}
	if len(c.resource) > 0 {
		m["resourcePolicy"] = json.RawMessage(c.resource[0])
	}
	return m
}

// knownDisagreement returns the reason a case's disagreement is accepted, or "".
//
// iam-simulate (0.1.173) limits a resource-based grant to a role session's own
// ARN by the session policy; AWS states the opposite: "If that policy
// specifically references the session in the Principal element, the session
// has the permissions allowed by the policy. These permissions are granted in
// addition to the permissions that are granted by the session policies."
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
// (its README also lists session policies as not yet fully supported).
func knownDisagreement(c diffCase) string {
	d := Evaluate(&c.req, c.set)
	if d.Effect == Allow && len(c.session) > 0 && d.Statement != nil && d.Statement.Layer == LayerResource {
		for _, s := range d.Trace {
			if s.Layer == LayerResource && s.Applies && s.PrincipalWhy == "caller ARN "+c.req.Principal.ARN {
				return "resource-based grant to the session ARN is not limited by session policies (API_AssumeRole)"
			}
		}
	}
	return ""
}

type gen struct{ r *rand.Rand }

func (g *gen) pick(list ...any) any  { return list[g.r.IntN(len(list))] }
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) diffCase(id int) diffCase {
	var p Principal
	switch g.r.IntN(6) {
	case 0, 1:
		p = Principal{ARN: userARN, AccountID: acct, Type: TypeUser, UserID: "AIDAEXAMPLE", Username: "api-gateway-user"}
	case 2:
		p = Principal{ARN: sessARN, AccountID: acct, Type: TypeAssumedRole, UserID: "AROAEXAMPLE:s1", SourceIdentityARN: roleARN}
	case 3:
		p = Principal{ARN: "arn:aws:iam::111111111111:user/visitor", AccountID: other, Type: TypeUser, UserID: "AIDAVISITOR", Username: "visitor"}
	case 4:
		p = Principal{Type: TypeAnonymous}
	case 5:
		p = Principal{ARN: "arn:aws:sts::111111111111:assumed-role/ext/s2", AccountID: other, Type: TypeAssumedRole, UserID: "AROAEXT:s2", SourceIdentityARN: "arn:aws:iam::111111111111:role/ext"}
	}
	resource := g.pick(apiARN, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/POST/items/7", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/prod/GET/hello", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/api-gateway-user").(string)
	c := diffCase{id: id, req: Request{Principal: p, Action: invoke, Resource: resource, ResourceAccount: acct, Context: g.context(p)}}
	if p.Type != TypeAnonymous {
		for i := g.r.IntN(3); i > 0; i-- {
			c.identity = append(c.identity, g.policy(false))
		}
		if g.chance(0.25) {
			c.boundary = g.policy(false)
		}
		if p.Type == TypeAssumedRole && g.chance(0.4) {
			c.session = []string{g.policy(false)}
		}
	}
	if g.chance(0.6) {
		c.resource = []string{g.policy(true)}
	}
	c.set = Set{Identity: ids(c.identity...), Session: sess(c.session...), Resource: ress(c.resource...)}
	if c.boundary != "" {
		c.set.Boundary = bnd(c.boundary)
	}
	return c
}

func (g *gen) context(p Principal) map[string][]string {
	m := map[string][]string{
		"aws:SourceIp":        {g.pick("127.0.0.1", "10.1.2.3", "2001:db8::1").(string)},
		"aws:SecureTransport": {g.pick("true", "false").(string)},
		"aws:CurrentTime":     {g.pick("2026-11-25T10:00:00Z", "2019-01-01T00:00:00Z").(string)},
	}
	if p.Type == TypeAnonymous {
		return m
	}
	m["aws:PrincipalArn"] = []string{pick(p.Type == TypeAssumedRole, p.SourceIdentityARN, p.ARN)}
	m["aws:PrincipalAccount"] = []string{p.AccountID}
	m["aws:userid"] = []string{p.UserID}
	m["aws:PrincipalType"] = []string{p.Type}
	if p.Type == TypeUser {
		m["aws:username"] = []string{p.Username}
	}
	if g.chance(0.4) {
		m["aws:MultiFactorAuthAge"] = []string{g.pick("30", "7200").(string)}
	}
	if g.chance(0.5) {
		m["aws:PrincipalTag/team"] = []string{g.pick("blue", "red").(string)}
	}
	return m
}

func (g *gen) policy(resource bool) string {
	var stmts []map[string]any
	for i := 1 + g.r.IntN(3); i > 0; i-- {
		s := stmt("Effect", g.pick("Allow", "Allow", "Deny"))
		if g.chance(0.15) {
			s["NotAction"] = g.pick("s3:*", "execute-api:Invoke", "execute-api:ManageConnections")
		} else {
			s["Action"] = g.pick("execute-api:Invoke", "execute-api:*", "*", "s3:GetObject", "execute-api:Inv*", "EXECUTE-API:invoke", []any{"s3:GetObject", "execute-api:Invoke"})
		}
		res := g.pick("*", apiARN, "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*",
			"arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/POST/*", "arn:aws:execute-api:*:000000000000:abc123defg/v1/*",
			"arn:aws:execute-api:us-east-1:111111111111:*", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v?/GET/hello",
			"arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/${aws:username}", "arn:aws:execute-api:us-east-1:000000000000:abc123defg/*/GET/${aws:username, 'hello'}")
		if g.chance(0.1) {
			s["NotResource"] = res
		} else {
			s["Resource"] = res
		}
		if resource {
			pr := g.pick("*", map[string]any{"AWS": "*"}, map[string]any{"AWS": acct}, map[string]any{"AWS": "arn:aws:iam::000000000000:root"},
				map[string]any{"AWS": userARN}, map[string]any{"AWS": roleARN}, map[string]any{"AWS": sessARN}, map[string]any{"AWS": other},
				map[string]any{"AWS": "arn:aws:iam::111111111111:user/visitor"}, map[string]any{"AWS": "arn:aws:iam::111111111111:role/ext"},
				map[string]any{"AWS": []any{other, roleARN}})
			if g.chance(0.1) && pr != "*" {
				s["NotPrincipal"] = pr
			} else {
				s["Principal"] = pr
			}
		}
		if g.chance(0.4) {
			s["Condition"] = g.condition()
		}
		stmts = append(stmts, s)
	}
	return doc(stmts...)
}

func (g *gen) condition() map[string]any {
	c := map[string]any{}
	for i := 1 + g.r.IntN(2); i > 0; i-- {
		switch g.r.IntN(12) {
		case 0:
			c[g.pick("StringEquals", "StringNotEquals", "StringEqualsIfExists", "StringNotEqualsIfExists").(string)] = map[string]any{"aws:PrincipalTag/team": g.pick("blue", []any{"red", "blue"}, "red")}
		case 1:
			c[g.pick("IpAddress", "NotIpAddress").(string)] = map[string]any{"aws:SourceIp": g.pick("127.0.0.0/8", "10.0.0.0/8", []any{"2001:db8::/32", "192.0.2.1"})}
		case 2:
			c[g.pick("Bool", "BoolIfExists").(string)] = map[string]any{g.pick("aws:SecureTransport", "aws:MultiFactorAuthPresent").(string): g.pick("true", "false")}
		case 3:
			c[g.pick("DateGreaterThan", "DateLessThan").(string)] = map[string]any{"aws:CurrentTime": g.pick("2020-01-01T00:00:00Z", "2030-01-01")}
		case 4:
			c[g.pick("StringLike", "StringNotLike").(string)] = map[string]any{"aws:username": g.pick("api-*", "vis?tor", "${aws:username}")}
		case 5:
			c["Null"] = map[string]any{g.pick("aws:username", "aws:PrincipalTag/team", "aws:MultiFactorAuthPresent").(string): g.pick("true", "false")}
		case 6:
			c[g.pick("ArnLike", "ArnNotLike", "ArnEquals").(string)] = map[string]any{"aws:PrincipalArn": g.pick("arn:aws:iam::*:user/*", roleARN, "arn:aws:iam::000000000000:*")}
		case 7:
			c[g.pick("StringEquals", "StringNotEquals").(string)] = map[string]any{"aws:PrincipalAccount": g.pick(acct, other)}
		case 8:
			c[g.pick("ForAnyValue:StringEquals", "ForAllValues:StringEquals").(string)] = map[string]any{"aws:PrincipalTag/team": g.pick("blue", []any{"red", "blue"})}
		case 10:
			c[g.pick("NumericLessThan", "NumericGreaterThanEquals", "NumericLessThanIfExists", "NumericNotEquals").(string)] = map[string]any{"aws:MultiFactorAuthAge": g.pick("3600", 60)}
		case 11:
			c[g.pick("StringLike", "StringEquals", "StringNotLike").(string)] = map[string]any{"aws:PrincipalArn": g.pick("arn:aws:iam::${aws:PrincipalAccount}:*", "${aws:PrincipalArn}", "arn:aws:iam::*:role/${aws:PrincipalTag/team, 'app'}")}
		case 9:
			c[g.pick("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase").(string)] = map[string]any{"aws:PrincipalType": g.pick("user", "ASSUMEDROLE")}
		}
	}
	return c
}

var _ = fmt.Sprint
