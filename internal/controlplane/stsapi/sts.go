package stsapi

import (
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

func stsAssumeRole(c *call) (any, error) {
	roleARN, err := c.P.Required("RoleArn")
	if err != nil {
		return nil, err
	}
	session, err := c.P.Required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	secs, err := c.P.Integer("DurationSeconds", iam.DefaultRoleSessionSeconds)
	if err != nil {
		return nil, err
	}
	if err := iam.CheckAssumeRole(c.Caller.Type, session, secs); err != nil {
		return nil, err
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
	if err := iam.CheckRoleSessionDuration(c.Caller.Type, role, secs); err != nil {
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
		out.PackedPolicySize = iam.PackedPolicySize(pol)
	}
	return out, nil
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

func stsGetSessionToken(c *call) (any, error) {
	// No permission governs GetSessionToken (its API reference: "No
	// permissions are required").
	secs, err := c.P.Integer("DurationSeconds", iam.DefaultTokenSessionSeconds)
	if err != nil {
		return nil, err
	}
	d, err := iam.SessionTokenDuration(c.Caller.Type, c.Caller.SessionToken != "", secs)
	if err != nil {
		return nil, err
	}
	svc, err := c.iam()
	if err != nil {
		return nil, err
	}
	s, err := svc.GetSessionToken(c.Ctx, c.Caller.AccessKeyID, d)
	if err != nil {
		return nil, err
	}
	return struct{ Credentials stsCredentials }{toCredentials(s)}, nil
}
