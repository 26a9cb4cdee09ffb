package iampolicy

import (
	"encoding/json"
	"fmt"
)

const (
	acct    = "000000000000"
	other   = "111111111111"
	apiARN  = "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"
	invoke  = "execute-api:Invoke"
	userARN = "arn:aws:iam::000000000000:user/api-gateway-user"
	roleARN = "arn:aws:iam::000000000000:role/app"
	sessARN = "arn:aws:sts::000000000000:assumed-role/app/s1"
)

func user() Principal {
	return Principal{ARN: userARN, AccountID: acct, Type: TypeUser, UserID: "AIDAEXAMPLE", Username: "api-gateway-user",
		Tags: map[string]string{"team": "blue"}}
}

func userIn(account, name string) Principal {
	return Principal{ARN: "arn:aws:iam::" + account + ":user/" + name, AccountID: account, Type: TypeUser, UserID: "AIDA" + name, Username: name}
}

func session() Principal {
	return Principal{ARN: sessARN, AccountID: acct, Type: TypeAssumedRole, UserID: "AROAEXAMPLE:s1", SourceIdentityARN: roleARN}
}

func root() Principal {
	return Principal{ARN: "arn:aws:iam::000000000000:root", AccountID: acct, Type: TypeRoot, UserID: acct}
}

func anonymous() Principal { return Principal{Type: TypeAnonymous} }

// stmt builds a statement JSON object from alternating key, value pairs.
func stmt(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func doc(stmts ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func allowAll() map[string]any { return stmt("Effect", "Allow", "Action", "*", "Resource", "*") }

func named(kind Kind, docs ...string) []Named {
	var out []Named
	for i, d := range docs {
		p, err := Parse([]byte(d), kind)
		if err != nil {
			panic(fmt.Sprintf("test policy %d (%s): %v\n%s", i, kind, err, d))
		}
		out = append(out, Named{Name: fmt.Sprintf("%s %d", kind, i), Policy: p})
	}
	return out
}

func ids(docs ...string) []Named  { return named(IdentityPolicy, docs...) }
func ress(docs ...string) []Named { return named(ResourcePolicy, docs...) }
func sess(docs ...string) []Named { return named(SessionPolicy, docs...) }
func bnd(d string) *Named         { n := named(PermissionsBoundary, d)[0]; return &n }
