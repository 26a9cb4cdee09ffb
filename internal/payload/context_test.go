package payload

import (
	"encoding/json"
	"testing"
)

// requestContext.authorizer.iam as the HTTP API and function URL payloads
// show it
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-request-payload):
// userId is the caller id without a role session's ":{session}", and the
// Cognito and organization keys are null.
func TestNewIAMIdentity(t *testing.T) {
	for _, tc := range []struct{ callerID, userID string }{
		{"AIDACKCEVSQ6C2EXAMPLE", "AIDACKCEVSQ6C2EXAMPLE"},
		{"AROAEXAMPLEID:my-session", "AROAEXAMPLEID"},
	} {
		id := NewIAMIdentity("AKIAEXAMPLE", "123456789012", tc.callerID, "arn:aws:iam::123456789012:user/u")
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"accessKey":"AKIAEXAMPLE","accountId":"123456789012","callerId":"` + tc.callerID +
			`","cognitoIdentity":null,"principalOrgId":null,"userArn":"arn:aws:iam::123456789012:user/u","userId":"` + tc.userID + `"}`
		if string(b) != want {
			t.Errorf("got  %s\nwant %s", b, want)
		}
	}
}
