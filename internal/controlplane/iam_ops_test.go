package controlplane_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	allowInvoke = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}`
	trustDoc    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// opStep is one request of a scenario run in order on one handler.
type opStep struct {
	name     string
	key      string
	form     url.Values
	status   int
	contains []string // substrings of the body, in order
	action   string   // the authorization asked, "" = not checked
	resource string
}

func runSteps(t *testing.T, e *testEnv, steps []opStep) {
	t.Helper()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			key := s.key
			if key == "" {
				key = rootKey
			}
			before := len(e.authz.requests())
			rec := e.serve(e.queryReq(key, "iam", s.form))
			body := rec.Body.String()
			if rec.Code != s.status {
				t.Fatalf("status %d, want %d\n%s", rec.Code, s.status, body)
			}
			rest := body
			for _, want := range s.contains {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("body lacks %q (in order)\n%s", want, body)
				}
				rest = rest[i+len(want):]
			}
			if s.action != "" {
				reqs := e.authz.requests()[before:]
				if len(reqs) == 0 {
					t.Fatalf("no authorization asked")
				}
				got := []string{reqs[0].Action, reqs[0].Resource}
				if d := cmp.Diff([]string{s.action, s.resource}, got); d != "" {
					t.Errorf("authorization (-want +got)\n%s", d)
				}
			}
		})
	}
}

func act(action string, kv ...string) url.Values {
	return form(append([]string{"Action", action, "Version", "2010-05-08"}, kv...)...)
}

const arnPrefix = "arn:aws:iam::000000000000:"

// Unique ids are random after their prefix (AGPA groups, ANPA policies,
// AROA roles: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids),
// so the steps check the prefix.

func TestIAMGroups(t *testing.T) {
	runSteps(t, newEnv(t), []opStep{
		{name: "create", form: act("CreateGroup", "GroupName", "devs", "Path", "/team/"), status: 200,
			contains: []string{"<CreateGroupResult>", "<Path>/team/</Path>", "<GroupName>devs</GroupName>", "<GroupId>AGPA",
				"<Arn>arn:aws:iam::000000000000:group/team/devs</Arn>", "<CreateDate>2026-11-25T12:00:00Z</CreateDate>"},
			action: "iam:CreateGroup", resource: arnPrefix + "group/team/devs"},
		{name: "duplicate", form: act("CreateGroup", "GroupName", "devs"), status: 409,
			contains: []string{"<Code>EntityAlreadyExists</Code>", "<Message>Group with name devs already exists.</Message>"}},
		{name: "add user", form: act("AddUserToGroup", "GroupName", "devs", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<AddUserToGroupResponse"}, action: "iam:AddUserToGroup", resource: arnPrefix + "group/team/devs"},
		{name: "get", form: act("GetGroup", "GroupName", "devs"), status: 200,
			contains: []string{"<Group>", "<GroupName>devs</GroupName>", "</Group>", "<Users>", "<member>", "<UserName>api-gateway-user</UserName>", "</Users>", "<IsTruncated>false</IsTruncated>"},
			action:   "iam:GetGroup", resource: arnPrefix + "group/team/devs"},
		{name: "list", form: act("ListGroups"), status: 200,
			contains: []string{"<Groups>", "<GroupName>devs</GroupName>", "<IsTruncated>false</IsTruncated>"}, action: "iam:ListGroups", resource: "*"},
		{name: "for user", form: act("ListGroupsForUser", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<ListGroupsForUserResult>", "<GroupName>devs</GroupName>"}, action: "iam:ListGroupsForUser", resource: apiUserARN},
		{name: "delete conflict", form: act("DeleteGroup", "GroupName", "devs"), status: 409,
			contains: []string{"<Code>DeleteConflict</Code>"}},
		{name: "remove user", form: act("RemoveUserFromGroup", "GroupName", "devs", "UserName", "api-gateway-user"), status: 200},
		{name: "delete", form: act("DeleteGroup", "GroupName", "devs"), status: 200, action: "iam:DeleteGroup", resource: arnPrefix + "group/team/devs"},
		{name: "gone", form: act("GetGroup", "GroupName", "devs"), status: 404,
			contains: []string{"<Message>The group with name devs cannot be found.</Message>"}, action: "iam:GetGroup", resource: arnPrefix + "group/devs"},
		{name: "denied", key: userKey, form: act("ListGroups"), status: 403,
			contains: []string{"is not authorized to perform: iam:ListGroups on resource: * because no identity-based policy allows the iam:ListGroups action"}},
		{name: "missing name", form: act("GetGroup"), status: 400,
			contains: []string{"Value null at &#39;groupName&#39; failed to satisfy constraint: Member must not be null"}},
	})
}

func TestIAMInlinePolicies(t *testing.T) {
	e := newEnv(t)
	escaped := policyEscape(allowInvoke)
	runSteps(t, e, []opStep{
		{name: "put user", form: act("PutUserPolicy", "UserName", "api-gateway-user", "PolicyName", "invoke", "PolicyDocument", allowInvoke),
			status: 200, action: "iam:PutUserPolicy", resource: apiUserARN},
		{name: "get user", form: act("GetUserPolicy", "UserName", "api-gateway-user", "PolicyName", "invoke"), status: 200,
			contains: []string{"<GetUserPolicyResult>", "<UserName>api-gateway-user</UserName>", "<PolicyName>invoke</PolicyName>",
				"<PolicyDocument>" + escaped + "</PolicyDocument>"}, action: "iam:GetUserPolicy", resource: apiUserARN},
		{name: "list user", form: act("ListUserPolicies", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<PolicyNames>", "<member>invoke</member>", "</PolicyNames>", "<IsTruncated>false</IsTruncated>"}},
		{name: "put role", form: act("PutRolePolicy", "RoleName", "deployer", "PolicyName", "p", "PolicyDocument", allowInvoke),
			status: 200, action: "iam:PutRolePolicy", resource: arnPrefix + "role/deployer"},
		{name: "get role", form: act("GetRolePolicy", "RoleName", "deployer", "PolicyName", "p"), status: 200,
			contains: []string{"<RoleName>deployer</RoleName>", "<PolicyName>p</PolicyName>"}},
		{name: "missing group", form: act("PutGroupPolicy", "GroupName", "nope", "PolicyName", "p", "PolicyDocument", allowInvoke),
			status: 404, contains: []string{"The group with name nope cannot be found."}, action: "iam:PutGroupPolicy", resource: arnPrefix + "group/nope"},
		{name: "delete user", form: act("DeleteUserPolicy", "UserName", "api-gateway-user", "PolicyName", "invoke"), status: 200},
		{name: "deleted", form: act("GetUserPolicy", "UserName", "api-gateway-user", "PolicyName", "invoke"), status: 404,
			contains: []string{"The user policy with name invoke cannot be found."}},
		{name: "no document", form: act("PutUserPolicy", "UserName", "api-gateway-user", "PolicyName", "x"), status: 400,
			contains: []string{"Value null at &#39;policyDocument&#39;"}},
	})
}

func TestIAMManagedPolicies(t *testing.T) {
	e := newEnv(t)
	pol := arnPrefix + "policy/app/invoke"
	runSteps(t, e, []opStep{
		{name: "create", form: act("CreatePolicy", "PolicyName", "invoke", "Path", "/app/", "PolicyDocument", allowInvoke, "Description", "d"),
			status: 200, contains: []string{"<Policy>", "<PolicyName>invoke</PolicyName>", "<PolicyId>ANPA", "<Arn>" + pol + "</Arn>",
				"<Path>/app/</Path>", "<DefaultVersionId>v1</DefaultVersionId>", "<AttachmentCount>0</AttachmentCount>",
				"<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>", "<IsAttachable>true</IsAttachable>", "<Description>d</Description>",
				"<CreateDate>2026-11-25T12:00:00Z</CreateDate>", "<UpdateDate>"},
			action: "iam:CreatePolicy", resource: pol},
		{name: "get", form: act("GetPolicy", "PolicyArn", pol), status: 200, contains: []string{"<GetPolicyResult>", "<Arn>" + pol + "</Arn>"},
			action: "iam:GetPolicy", resource: pol},
		{name: "new version", form: act("CreatePolicyVersion", "PolicyArn", pol, "PolicyDocument", allowInvoke, "SetAsDefault", "true"),
			status: 200, contains: []string{"<PolicyVersion>", "<VersionId>v2</VersionId>", "<IsDefaultVersion>true</IsDefaultVersion>"},
			action: "iam:CreatePolicyVersion", resource: pol},
		{name: "get version", form: act("GetPolicyVersion", "PolicyArn", pol, "VersionId", "v1"), status: 200,
			contains: []string{"<Document>" + policyEscape(allowInvoke) + "</Document>", "<VersionId>v1</VersionId>", "<IsDefaultVersion>false</IsDefaultVersion>"}},
		{name: "list versions", form: act("ListPolicyVersions", "PolicyArn", pol), status: 200,
			contains: []string{"<Versions>", "<VersionId>v1</VersionId>", "<VersionId>v2</VersionId>", "</Versions>"}},
		{name: "page of one", form: act("ListPolicyVersions", "PolicyArn", pol, "MaxItems", "1"), status: 200,
			contains: []string{"<VersionId>v1</VersionId>", "</Versions>", "<IsTruncated>true</IsTruncated>", "<Marker>bzE</Marker>"}},
		{name: "second page", form: act("ListPolicyVersions", "PolicyArn", pol, "MaxItems", "1", "Marker", "bzE"), status: 200,
			contains: []string{"<VersionId>v2</VersionId>", "<IsTruncated>false</IsTruncated>"}},
		{name: "bad max items", form: act("ListPolicyVersions", "PolicyArn", pol, "MaxItems", "0"), status: 400,
			contains: []string{"Value &#39;0&#39; at &#39;maxItems&#39; failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{name: "set default", form: act("SetDefaultPolicyVersion", "PolicyArn", pol, "VersionId", "v1"), status: 200,
			action: "iam:SetDefaultPolicyVersion", resource: pol},
		{name: "delete version", form: act("DeletePolicyVersion", "PolicyArn", pol, "VersionId", "v2"), status: 200},
		{name: "attach", form: act("AttachUserPolicy", "UserName", "api-gateway-user", "PolicyArn", pol), status: 200,
			action: "iam:AttachUserPolicy", resource: apiUserARN},
		{name: "list attached", form: act("ListAttachedUserPolicies", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<AttachedPolicies>", "<PolicyName>invoke</PolicyName>", "<PolicyArn>" + pol + "</PolicyArn>"}},
		{name: "list attached by path", form: act("ListAttachedUserPolicies", "UserName", "api-gateway-user", "PathPrefix", "/other/"), status: 200,
			contains: []string{"<AttachedPolicies></AttachedPolicies>"}},
		{name: "list local attached", form: act("ListPolicies", "Scope", "Local", "OnlyAttached", "true"), status: 200,
			contains: []string{"<Policies>", "<PolicyName>invoke</PolicyName>", "<AttachmentCount>1</AttachmentCount>", "</Policies>"},
			action:   "iam:ListPolicies", resource: "*"},
		{name: "attach role", form: act("AttachRolePolicy", "RoleName", "deployer", "PolicyArn", adminARN), status: 200,
			action: "iam:AttachRolePolicy", resource: arnPrefix + "role/deployer"},
		{name: "detach", form: act("DetachUserPolicy", "UserName", "api-gateway-user", "PolicyArn", pol), status: 200},
		{name: "detach again", form: act("DetachUserPolicy", "UserName", "api-gateway-user", "PolicyArn", pol), status: 404,
			contains: []string{"Policy " + pol + " was not found."}},
		{name: "delete", form: act("DeletePolicy", "PolicyArn", pol), status: 200, action: "iam:DeletePolicy", resource: pol},
	})
	t.Run("attach carries iam:PolicyARN", func(t *testing.T) {
		e.serve(e.queryReq(rootKey, "iam", act("AttachGroupPolicy", "GroupName", "g", "PolicyArn", adminARN)))
		reqs := e.authz.requests()
		last := reqs[len(reqs)-1]
		if d := cmp.Diff(map[string][]string{"iam:PolicyARN": {adminARN}}, last.Context); d != "" {
			t.Error(d)
		}
	})
}

func TestIAMRolesBoundariesTags(t *testing.T) {
	e := newEnv(t)
	runSteps(t, e, []opStep{
		{name: "create role", form: act("CreateRole", "RoleName", "fn", "Path", "/service-role/", "AssumeRolePolicyDocument", trustDoc,
			"Description", "runs fn", "MaxSessionDuration", "7200", "PermissionsBoundary", adminARN, "Tags.member.1.Key", "app", "Tags.member.1.Value", "hello"),
			status: 200, contains: []string{"<Role>", "<Path>/service-role/</Path>", "<RoleName>fn</RoleName>", "<RoleId>AROA",
				"<Arn>arn:aws:iam::000000000000:role/service-role/fn</Arn>", "<AssumeRolePolicyDocument>" + policyEscape(trustDoc) + "</AssumeRolePolicyDocument>",
				"<Description>runs fn</Description>", "<MaxSessionDuration>7200</MaxSessionDuration>",
				"<PermissionsBoundary>", "<PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType>",
				"<PermissionsBoundaryArn>" + adminARN + "</PermissionsBoundaryArn>", "<Tags>", "<Key>app</Key>", "<Value>hello</Value>"},
			action: "iam:CreateRole", resource: arnPrefix + "role/service-role/fn"},
		{name: "create role without trust", form: act("CreateRole", "RoleName", "x"), status: 400,
			contains: []string{"Value null at &#39;assumeRolePolicyDocument&#39;"}},
		{name: "list roles", form: act("ListRoles", "PathPrefix", "/service-role/"), status: 200,
			contains: []string{"<Roles>", "<RoleName>fn</RoleName>", "</Roles>"}, action: "iam:ListRoles", resource: "*"},
		{name: "update trust", form: act("UpdateAssumeRolePolicy", "RoleName", "fn", "PolicyDocument", trustDoc), status: 200,
			action: "iam:UpdateAssumeRolePolicy", resource: arnPrefix + "role/service-role/fn"},
		{name: "delete boundary", form: act("DeleteRolePermissionsBoundary", "RoleName", "fn"), status: 200,
			action: "iam:DeleteRolePermissionsBoundary", resource: arnPrefix + "role/service-role/fn"},
		{name: "put boundary", form: act("PutRolePermissionsBoundary", "RoleName", "fn", "PermissionsBoundary", adminARN), status: 200,
			action: "iam:PutRolePermissionsBoundary", resource: arnPrefix + "role/service-role/fn"},
		{name: "bad boundary", form: act("PutUserPermissionsBoundary", "UserName", "api-gateway-user", "PermissionsBoundary", "AdministratorAccess"),
			status: 400, contains: []string{"<Code>InvalidInput</Code>", "ARN AdministratorAccess is not valid."}},
		{name: "user boundary", form: act("PutUserPermissionsBoundary", "UserName", "api-gateway-user", "PermissionsBoundary", adminARN), status: 200,
			action: "iam:PutUserPermissionsBoundary", resource: apiUserARN},
		{name: "get user shows boundary", form: act("GetUser", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<PermissionsBoundary>", "<PermissionsBoundaryArn>" + adminARN + "</PermissionsBoundaryArn>"}},
		{name: "delete user boundary", form: act("DeleteUserPermissionsBoundary", "UserName", "api-gateway-user"), status: 200},
		{name: "tag user", form: act("TagUser", "UserName", "api-gateway-user", "Tags.member.1.Key", "team", "Tags.member.1.Value", "blue",
			"Tags.member.2.Key", "env", "Tags.member.2.Value", "dev"), status: 200, action: "iam:TagUser", resource: apiUserARN},
		{name: "list user tags", form: act("ListUserTags", "UserName", "api-gateway-user"), status: 200,
			contains: []string{"<ListUserTagsResult>", "<Tags>", "<Key>env</Key>", "<Value>dev</Value>", "<Key>team</Key>", "<Value>blue</Value>", "</Tags>", "<IsTruncated>false</IsTruncated>"},
			action:   "iam:ListUserTags", resource: apiUserARN},
		{name: "untag user", form: act("UntagUser", "UserName", "api-gateway-user", "TagKeys.member.1", "env"), status: 200,
			action: "iam:UntagUser", resource: apiUserARN},
		{name: "untag needs keys", form: act("UntagUser", "UserName", "api-gateway-user"), status: 400,
			contains: []string{"Value null at &#39;tagKeys&#39;"}},
		{name: "tag role", form: act("TagRole", "RoleName", "fn", "Tags.member.1.Key", "k", "Tags.member.1.Value", "v"), status: 200,
			action: "iam:TagRole", resource: arnPrefix + "role/service-role/fn"},
		{name: "list role tags", form: act("ListRoleTags", "RoleName", "fn"), status: 200,
			contains: []string{"<Key>app</Key>", "<Key>k</Key>"}},
		{name: "untag role", form: act("UntagRole", "RoleName", "fn", "TagKeys.member.1", "k"), status: 200},
		{name: "delete role", form: act("DeleteRole", "RoleName", "fn"), status: 200, action: "iam:DeleteRole", resource: arnPrefix + "role/service-role/fn"},
		{name: "deleted", form: act("ListRoleTags", "RoleName", "fn"), status: 404, contains: []string{"The role with name fn cannot be found."}},
	})
	t.Run("tag context", func(t *testing.T) {
		e.serve(e.queryReq(rootKey, "iam", act("TagUser", "UserName", "api-gateway-user", "Tags.member.1.Key", "team", "Tags.member.1.Value", "red")))
		reqs := e.authz.requests()
		want := map[string][]string{"aws:RequestTag/team": {"red"}, "aws:TagKeys": {"team"}}
		if d := cmp.Diff(want, reqs[len(reqs)-1].Context); d != "" {
			t.Error(d)
		}
	})
}

// policyEscape is how IAM returns policy documents: percent-encoded (RFC
// 3986, spaces as %20).
func policyEscape(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}
