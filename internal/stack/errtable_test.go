package stack

import "testing"

// TestServiceDenialsInTable: each resource service's denial code is in
// that service's error table, with AWS's status: 403, except CloudWatch
// Logs and Cognito, which answer every client error with 400.
func TestServiceDenialsInTable(t *testing.T) {
	want := map[string]int{"Iam": 403, "Lambda": 403, "CloudWatchLogs": 400, "ApiGateway": 403, "ApiGatewayV2": 403,
		"S3": 403, "CognitoIdentityProvider": 400, "CloudFormation": 403}
	for _, svc := range []service{svcIAM, svcLambda, svcLogs, svcAPIGW, svcAPIGW2, svcS3, svcCognito, svcCFN} {
		st, ok := svc.errs.Status(svc.denied)
		if !ok || st != want[svc.name] {
			t.Errorf("%s: %s is %d (listed %v), want %d", svc.name, svc.denied, st, ok, want[svc.name])
		}
		if got := (&deniedError{svc: svc}).status(); got != want[svc.name] {
			t.Errorf("%s: denial status %d, want %d", svc.name, got, want[svc.name])
		}
	}
}
