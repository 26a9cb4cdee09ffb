package functions

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPolicyDocumentConditions: each scoping field of AddPermission becomes
// the condition Lambda writes in GetPolicy, an Alexa skill's token included
// (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html:
// EventSourceToken; GetPolicy shows "StringEquals":
// {"lambda:EventSourceToken": token}).
func TestPolicyDocumentConditions(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:000000000000:function:f"
	got := policyDocument(arn, []Permission{
		{Sid: "alexa", Action: "lambda:InvokeFunction", Principal: "alexa-appkit.amazon.com", EventSourceToken: "amzn1.ask.skill.1"},
		{Sid: "s3", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com", SourceAccount: "000000000000"},
	})
	want := `{"Version":"2012-10-17","Id":"default","Statement":[` +
		`{"Sid":"alexa","Effect":"Allow","Principal":{"Service":"alexa-appkit.amazon.com"},"Action":"lambda:InvokeFunction","Resource":"` + arn + `","Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.1"}}},` +
		`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"}}}]}`
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
