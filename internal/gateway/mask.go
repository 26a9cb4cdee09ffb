package gateway

import "regexp"

// arnAccount finds the account id field of an ARN.
var arnAccount = regexp.MustCompile(`(arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:)\d{8}(\d{4})\b`)

// maskAccountIDs hides all but the last four digits of each account id in
// the ARNs of a message, as API Gateway's AccessDeniedException bodies do:
// "User: anonymous is not authorized to perform: execute-api:Invoke on
// resource: arn:aws:execute-api:us-west-2:********2543:vd2gh6uqw3/api/GET/"
// (reported in https://github.com/ASFHyP3/hyp3/issues/2283, 2024), and for the
// caller "User: arn:aws:sts::********5355:assumed-role/...". The decision
// trace (`iamgate why`) keeps them in full.
func maskAccountIDs(msg string) string {
	return arnAccount.ReplaceAllString(msg, "${1}********${2}")
}
