package controlplane_test

import (
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dynamoAfter is the policy of the aws CLI's simulate-custom-policy example
// (https://github.com/aws/aws-cli/blob/develop/awscli/examples/iam/simulate-custom-policy.rst),
// whose answer pins StartPosition 1:38 and EndPosition 1:167.
const dynamoAfter = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`

// simStatement and simPosition decode a matched statement as the
// simulator answers it.
type simStatement struct {
	SourcePolicyID   string `xml:"SourcePolicyId"`
	SourcePolicyType string `xml:",omitempty"`
	StartPosition    *simPosition
	EndPosition      *simPosition
}

type simPosition struct{ Line, Column int }

type boundaryDetail struct{ AllowedByPermissionsBoundary bool }

// simResponse decodes a Simulate* answer.
type simResponse struct {
	Results []struct {
		EvalActionName       string
		EvalResourceName     string
		EvalDecision         string
		MatchedStatements    []simStatement  `xml:"MatchedStatements>member"`
		MissingContextValues []string        `xml:"MissingContextValues>member"`
		Boundary             *boundaryDetail `xml:"PermissionsBoundaryDecisionDetail"`
		PerResource          []struct {
			EvalResourceName     string
			EvalResourceDecision string
			MatchedStatements    []simStatement `xml:"MatchedStatements>member"`
			MissingContextValues []string       `xml:"MissingContextValues>member"`
		} `xml:"ResourceSpecificResults>member"`
	} `xml:"SimulateCustomPolicyResult>EvaluationResults>member"`
	PrincipalResults []struct {
		EvalActionName    string
		EvalDecision      string
		MatchedStatements []simStatement  `xml:"MatchedStatements>member"`
		Boundary          *boundaryDetail `xml:"PermissionsBoundaryDecisionDetail"`
	} `xml:"SimulatePrincipalPolicyResult>EvaluationResults>member"`
}

func simulate(t *testing.T, e *testEnv, f url.Values) simResponse {
	t.Helper()
	rec := e.serve(e.queryReq(rootKey, "iam", f))
	if rec.Code != 200 {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body)
	}
	var out simResponse
	if err := xml.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func at(l1, c1, l2, c2 int) (*simPosition, *simPosition) {
	return &simPosition{l1, c1}, &simPosition{l2, c2}
}

func TestSimulateCustomPolicy(t *testing.T) {
	e := newEnv(t)
	start, end := at(1, 38, 1, 167)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/*"}]}`
	t.Run("aws cli example allowed", func(t *testing.T) {
		got := simulate(t, e, act("SimulateCustomPolicy", "PolicyInputList.member.1", dynamoAfter, "ActionNames.member.1", "dynamodb:CreateBackup",
			"ContextEntries.member.1.ContextKeyName", "aws:CurrentTime", "ContextEntries.member.1.ContextKeyValues.member.1", "2019-04-25T11:00:00Z",
			"ContextEntries.member.1.ContextKeyType", "date")).Results
		if len(got) != 1 {
			t.Fatalf("results %+v", got)
		}
		want := []simStatement{{SourcePolicyID: "PolicyInputList.1", StartPosition: start, EndPosition: end}}
		if got[0].EvalDecision != "allowed" || got[0].EvalResourceName != "*" || !cmp.Equal(want, got[0].MatchedStatements) {
			t.Errorf("%+v", got[0])
		}
	})
	t.Run("aws cli example denied", func(t *testing.T) {
		got := simulate(t, e, act("SimulateCustomPolicy", "PolicyInputList.member.1", dynamoAfter, "ActionNames.member.1", "dynamodb:CreateBackup",
			"ContextEntries.member.1.ContextKeyName", "aws:CurrentTime", "ContextEntries.member.1.ContextKeyValues.member.1", "2014-04-25T11:00:00Z",
			"ContextEntries.member.1.ContextKeyType", "date")).Results
		if got[0].EvalDecision != "implicitDeny" || len(got[0].MatchedStatements) != 0 || len(got[0].MissingContextValues) != 0 {
			t.Errorf("%+v", got[0])
		}
	})
	t.Run("missing context value", func(t *testing.T) {
		got := simulate(t, e, act("SimulateCustomPolicy", "PolicyInputList.member.1", dynamoAfter, "ActionNames.member.1", "dynamodb:Scan")).Results
		if got[0].EvalDecision != "implicitDeny" || !cmp.Equal([]string{"aws:CurrentTime"}, got[0].MissingContextValues) {
			t.Errorf("%+v", got[0])
		}
	})
	t.Run("resources and explicit deny", func(t *testing.T) {
		got := simulate(t, e, act("SimulateCustomPolicy", "PolicyInputList.member.1", allowInvoke, "PolicyInputList.member.2", deny,
			"ActionNames.member.1", "execute-api:Invoke", "ActionNames.member.2", "s3:GetObject",
			"ResourceArns.member.1", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello",
			"ResourceArns.member.2", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/hello")).Results
		type row struct{ Action, Resource, Decision string }
		var rows []row
		for _, r := range got {
			rows = append(rows, row{r.EvalActionName, r.EvalResourceName, r.EvalDecision})
			for _, p := range r.PerResource {
				rows = append(rows, row{"", p.EvalResourceName, p.EvalResourceDecision})
			}
		}
		want := []row{
			{"execute-api:Invoke", "*", "explicitDeny"},
			{"", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", "allowed"},
			{"", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/hello", "explicitDeny"},
			{"s3:GetObject", "*", "implicitDeny"},
			{"", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", "implicitDeny"},
			{"", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/POST/hello", "implicitDeny"},
		}
		if d := cmp.Diff(want, rows); d != "" {
			t.Errorf("(-want +got)\n%s", d)
		}
		if ids := got[0].MatchedStatements; len(ids) != 1 || ids[0].SourcePolicyID != "PolicyInputList.2" {
			t.Errorf("matched %+v", ids)
		}
	})
	t.Run("resource policy allows caller", func(t *testing.T) {
		rp := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + apiUserARN + `"},"Action":"execute-api:Invoke","Resource":"*"}]}`
		got := simulate(t, e, act("SimulateCustomPolicy", "PolicyInputList.member.1", deny, "ActionNames.member.1", "execute-api:Invoke",
			"ResourceArns.member.1", "arn:aws:execute-api:us-east-1:000000000000:abc/v1/GET/hello", "ResourcePolicy", rp, "CallerArn", apiUserARN)).Results
		if got[0].EvalDecision != "allowed" || len(got[0].MatchedStatements) != 1 || got[0].MatchedStatements[0].SourcePolicyType != "resource" {
			t.Errorf("%+v", got[0])
		}
	})
}

func TestSimulatePrincipalPolicy(t *testing.T) {
	e := newEnv(t)
	must := func(f url.Values) {
		t.Helper()
		if rec := e.serve(e.queryReq(rootKey, "iam", f)); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	must(act("PutUserPolicy", "UserName", "api-gateway-user", "PolicyName", "invoke", "PolicyDocument", allowInvoke))
	must(act("CreateGroup", "GroupName", "devs"))
	must(act("AddUserToGroup", "GroupName", "devs", "UserName", "api-gateway-user"))
	must(act("AttachGroupPolicy", "GroupName", "devs", "PolicyArn", adminARN))
	must(act("CreatePolicy", "PolicyName", "only-invoke", "PolicyDocument", allowInvoke))
	must(act("PutUserPermissionsBoundary", "UserName", "api-gateway-user", "PermissionsBoundary", arnPrefix+"policy/only-invoke"))

	rec := e.serve(e.queryReq(rootKey, "iam", act("SimulatePrincipalPolicy", "PolicySourceArn", apiUserARN,
		"ActionNames.member.1", "execute-api:Invoke", "ActionNames.member.2", "s3:ListBuckets")))
	var out simResponse
	if err := xml.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v\n%s", rec.Code, err, rec.Body)
	}
	got := out.PrincipalResults
	if len(got) != 2 {
		t.Fatalf("%s", rec.Body)
	}
	t.Run("allowed by user and group", func(t *testing.T) {
		var ids []string
		for _, m := range got[0].MatchedStatements {
			ids = append(ids, m.SourcePolicyID+"/"+m.SourcePolicyType)
		}
		if got[0].EvalDecision != "allowed" || !cmp.Equal([]string{"invoke/user", "AdministratorAccess/aws-managed"}, ids) {
			t.Errorf("%+v", got[0])
		}
		if got[0].Boundary == nil || !got[0].Boundary.AllowedByPermissionsBoundary {
			t.Errorf("boundary %+v", got[0].Boundary)
		}
	})
	t.Run("boundary limits", func(t *testing.T) {
		if got[1].EvalDecision != "implicitDeny" || got[1].Boundary == nil || got[1].Boundary.AllowedByPermissionsBoundary {
			t.Errorf("%+v", got[1])
		}
	})
	t.Run("authorized on the source", func(t *testing.T) {
		reqs := e.authz.requests()
		found := false
		for _, r := range reqs {
			found = found || (r.Action == "iam:SimulatePrincipalPolicy" && r.Resource == apiUserARN)
		}
		if !found {
			t.Error("iam:SimulatePrincipalPolicy not authorized on the user")
		}
	})
	errs := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"missing user", act("SimulatePrincipalPolicy", "PolicySourceArn", arnPrefix+"user/nobody", "ActionNames.member.1", "s3:Get"),
			404, "The user with name nobody cannot be found."},
		{"no actions", act("SimulatePrincipalPolicy", "PolicySourceArn", apiUserARN), 400,
			"Value null at &#39;actionNames&#39; failed to satisfy constraint: Member must not be null"},
		{"malformed input", act("SimulateCustomPolicy", "PolicyInputList.member.1", "{", "ActionNames.member.1", "s3:Get"), 400,
			"<Code>MalformedPolicyDocument</Code>"},
		{"role needs caller for resource policy", act("SimulatePrincipalPolicy", "PolicySourceArn", arnPrefix+"role/deployer",
			"ActionNames.member.1", "s3:Get", "ResourcePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`),
			400, "<Code>InvalidInput</Code>"},
		{"bad context type", act("SimulateCustomPolicy", "PolicyInputList.member.1", allowInvoke, "ActionNames.member.1", "s3:Get",
			"ContextEntries.member.1.ContextKeyName", "aws:x", "ContextEntries.member.1.ContextKeyType", "str"), 400, "Member must satisfy enum value set"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.serve(e.queryReq(rootKey, "iam", tt.form))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}
