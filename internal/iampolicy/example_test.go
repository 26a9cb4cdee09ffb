package iampolicy_test

import (
	"fmt"

	"github.com/iamgate/iamgate/internal/iampolicy"
)

// The seed application: an IAM user whose inline policy allows GET /hello.
func ExampleEvaluate() {
	pol := iampolicy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":"execute-api:Invoke",
		"Resource":"arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/GET/hello"}]}`, iampolicy.IdentityPolicy)
	set := iampolicy.Set{Identity: []iampolicy.Named{{Name: "inline policy api-gateway-user-policy of user api-gateway-user", Policy: pol}}}
	user := iampolicy.Principal{ARN: "arn:aws:iam::000000000000:user/api-gateway-user", AccountID: "000000000000",
		Type: iampolicy.TypeUser, Username: "api-gateway-user"}

	for _, path := range []string{"GET/hello", "POST/hello"} {
		req := &iampolicy.Request{Principal: user, Action: "execute-api:Invoke",
			Resource: "arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/" + path}
		d := iampolicy.Evaluate(req, set)
		fmt.Println(path, d.Effect)
		if d.Effect != iampolicy.Allow {
			fmt.Println(d.DenyMessage(req))
		}
	}
	// Output:
	// GET/hello Allow
	// POST/hello ImplicitDeny
	// User: arn:aws:iam::000000000000:user/api-gateway-user is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:abc123defg/v1/POST/hello because no identity-based policy allows the execute-api:Invoke action
}

func ExampleParse() {
	_, err := iampolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow",
		"Principal":"*","Action":"execute-api:Invoke","Resource":"*"}}`), iampolicy.IdentityPolicy)
	fmt.Println(err)
	// Output: Policy document should not specify a principal.
}
