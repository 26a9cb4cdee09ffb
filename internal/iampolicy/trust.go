package iampolicy

// ServiceMayAssume reports whether a role's trust policy lets the AWS
// service principal service (such as "lambda.amazonaws.com" or
// "cloudformation.amazonaws.com") call sts:AssumeRole on roleARN. A service
// that takes a role it is passed (Lambda for a function's execution role,
// CloudFormation for a stack's service role) asks this before it accepts the
// role, as AWS does. A trust policy that does not parse allows nothing.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
//
// Deprecated: it evaluates outside the one authorization path (no cache,
// no trace, no audit). Ask the authorizer instead:
// Authorize(ctx, auth.ServiceCaller(service), auth.TrustRequest(roleARN, trustDoc)).
func ServiceMayAssume(trustDoc, service, roleARN string) bool {
	pol, err := Parse([]byte(trustDoc), TrustPolicy)
	if err != nil {
		return false
	}
	req := &Request{Principal: Principal{Type: TypeService, ARN: service}, Action: "sts:AssumeRole", Resource: roleARN}
	d := Evaluate(req, Set{Resource: []Named{{Name: "trust policy of " + roleARN, Policy: pol}}})
	return d.Effect == Allow
}
