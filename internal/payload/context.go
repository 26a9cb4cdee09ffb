package payload

import "strings"

// HTTP is requestContext.http of a format 2.0 event, HTTP API and function
// URL alike.
type HTTP struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Protocol  string `json:"protocol"`
	SourceIP  string `json:"sourceIp"`
	UserAgent string `json:"userAgent"`
}

// IAMIdentity is requestContext.authorizer.iam of a format 2.0 event: the
// verified caller of an AWS_IAM route or function URL. iamgate has no
// Cognito identity pools or organizations, so those are null.
type IAMIdentity struct {
	AccessKey       string    `json:"accessKey"`
	AccountID       string    `json:"accountId"`
	CallerID        string    `json:"callerId"`
	CognitoIdentity *struct{} `json:"cognitoIdentity"`
	PrincipalOrgID  *string   `json:"principalOrgId"`
	UserARN         string    `json:"userArn"`
	UserID          string    `json:"userId"`
}

// NewIAMIdentity is the identity of a caller with that access key, account,
// caller id and ARN; its userId is the caller id up to a role session's
// ":{session}".
func NewIAMIdentity(accessKey, accountID, callerID, userARN string) *IAMIdentity {
	userID, _, _ := strings.Cut(callerID, ":")
	return &IAMIdentity{AccessKey: accessKey, AccountID: accountID, CallerID: callerID, UserARN: userARN, UserID: userID}
}
