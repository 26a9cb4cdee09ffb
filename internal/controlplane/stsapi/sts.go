package stsapi

import (
	"regexp"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/query"
	"github.com/iamgate/iamgate/internal/iam"
)

// STS over the query protocol, version 2011-06-15.
// Shapes: https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html

// ops are STS's operations.
var ops = map[string]op{
	"GetCallerIdentity": stsGetCallerIdentity,
	"AssumeRole":        stsAssumeRole,
	"GetSessionToken":   stsGetSessionToken,
}

// stsGetCallerIdentity needs no permission: AWS answers it even under an
// explicit deny (API_GetCallerIdentity, "No permissions are required").
func stsGetCallerIdentity(c *call) (any, error) {
	return struct {
		ARN     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string
	}{c.Caller.ARN, c.Caller.UserID, c.Caller.AccountID}, nil
}

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      query.ISOTime
}

func toCredentials(s iam.Session) stsCredentials {
	return stsCredentials{s.AccessKeyID, s.Secret.Reveal(), s.SessionToken.Reveal(), query.ISOTime(s.Expires)}
}

// roleSessionName is the RoleSessionName pattern of the STS API reference.
var roleSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

const (
	minSessionSeconds  = 900
	roleChainMaxSecond = 3600
)

func stsAssumeRole(c *call) (any, error) {
	roleARN, err := c.P.Required("RoleArn")
	if err != nil {
		return nil, err
	}
	session, err := c.P.Required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	if !roleSessionName.MatchString(session) {
		return nil, awserr.New(awserr.ValidationError,
			`1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`, session)
	}
	secs, err := c.P.Integer("DurationSeconds", 3600)
	if err != nil {
		return nil, err
	}
	if secs < minSessionSeconds {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", secs)
	}
	if c.Caller.Type == "Root" {
		// "You cannot use AWS account root user credentials to call
		// AssumeRole" (API_AssumeRole.html); AWS answers 403 AccessDenied
		// "Roles may not be assumed by root accounts." whatever the role
		// (https://github.com/kubeflow/testing/pull/961,
		// https://github.com/double-break/spapi-php/issues/45).
		return nil, awserr.New(awserr.AccessDenied, "Roles may not be assumed by root accounts.")
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	role, getErr := svc.GetRole(c.Ctx, roleNameOf(roleARN))
	denied := auth.Request{Action: "sts:AssumeRole", Resource: roleARN}
	if getErr != nil || role.ARN != roleARN {
		// AWS does not reveal whether a role exists: a missing role is a denial.
		return nil, c.denied(denied)
	}
	// The trust policy is the role's resource-based policy; the authorizer
	// must find the caller allowed by it.
	req := denied
	req.ResourcePolicies = []auth.Policy{{Name: "trust policy of " + role.Name, Document: role.AssumeRolePolicy}}
	req.ResourceMustAllow = true // the trust policy itself must allow the caller
	if err := c.AuthorizeReq(req); err != nil {
		return nil, err
	}
	if err := checkRoleDuration(c.Caller, role, secs); err != nil {
		return nil, err
	}
	s, err := svc.CreateSession(c.Ctx, roleARN, session, time.Duration(secs)*time.Second, c.P.Get("Policy"))
	if err != nil {
		return nil, err
	}
	out := struct {
		Credentials     stsCredentials
		AssumedRoleUser struct {
			AssumedRoleID string `xml:"AssumedRoleId"`
			ARN           string `xml:"Arn"`
		}
		PackedPolicySize int `xml:",omitempty"`
	}{Credentials: toCredentials(s)}
	out.AssumedRoleUser.AssumedRoleID = s.AssumedRoleID
	out.AssumedRoleUser.ARN = s.AssumedRoleARN
	if pol := c.P.Get("Policy"); pol != "" {
		out.PackedPolicySize = packedPercent(pol)
	}
	return out, nil
}

// checkRoleDuration applies the role's MaxSessionDuration and the one-hour
// limit on role chaining, with AWS's messages.
func checkRoleDuration(caller *auth.Caller, role iam.Role, secs int) error {
	if caller.Type == "AssumedRole" && secs > roleChainMaxSecond {
		return awserr.New(awserr.ValidationError,
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	maxSecs := int(role.MaxSessionDuration / time.Second)
	if maxSecs == 0 {
		maxSecs = 3600
	}
	if secs > maxSecs {
		return awserr.New(awserr.ValidationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return nil
}

// denied is AccessDenied for req without asking the authorizer.
func (c *call) denied(req auth.Request) error {
	return awserr.New(awserr.AccessDenied, "User: %s is not authorized to perform: %s on resource: %s",
		c.Caller.ARN, req.Action, req.Resource)
}

// roleNameOf returns the name of arn:aws:iam::A:role/path/NAME.
func roleNameOf(arn string) string {
	_, res, ok := strings.Cut(arn, ":role/")
	if !ok {
		return ""
	}
	return res[strings.LastIndex(res, "/")+1:]
}

// packedPercent approximates PackedPolicySize: the share of the 2,048-byte
// packed limit the session policy uses.
func packedPercent(policy string) int {
	return min(100, max(1, len(policy)*100/2048))
}

func stsGetSessionToken(c *call) (any, error) {
	// No permission governs GetSessionToken (its API reference: "No
	// permissions are required"), but session credentials cannot call it.
	if c.Caller.SessionToken != "" || c.Caller.Type == "AssumedRole" {
		return nil, awserr.New(awserr.AccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	secs, err := c.P.Integer("DurationSeconds", 43200)
	if err != nil {
		return nil, err
	}
	maxSecs := 129600
	if c.Caller.Type == "Root" {
		maxSecs = 3600
	}
	if secs < minSessionSeconds || secs > 129600 {
		return nil, awserr.New(awserr.ValidationError,
			"1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600", secs)
	}
	secs = min(secs, maxSecs)
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	s, err := svc.GetSessionToken(c.Ctx, c.Caller.AccessKeyID, time.Duration(secs)*time.Second)
	if err != nil {
		return nil, err
	}
	return struct{ Credentials stsCredentials }{toCredentials(s)}, nil
}
