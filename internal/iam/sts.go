package iam

import (
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// STS's request rules around authorization, in the order STS applies them:
// CheckAssumeRole before the trust policy is asked, CheckRoleSessionDuration
// after it (so an untrusted caller learns nothing of the role's limits), and
// SessionTokenDuration for GetSessionToken
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html).
// Durations are in seconds, as the wire sends them, so no value overflows.

// Default DurationSeconds of AssumeRole and GetSessionToken.
const (
	DefaultRoleSessionSeconds  = int(defaultRoleSession / time.Second)
	DefaultTokenSessionSeconds = int(defaultUserSession / time.Second)
)

// roleChainMax is the limit on a session a role session assumes ("role
// chaining limits your AWS CLI or AWS API role session to a maximum of one
// hour", id_roles_terms-and-concepts.html#iam-term-role-chaining).
const roleChainMax = time.Hour

// CheckAssumeRole applies the rules of AssumeRole that need no role: the
// session name, the minimum duration, and that the account root assumes no
// role ("You cannot use AWS account root user credentials to call
// AssumeRole"; AWS answers 403 AccessDenied "Roles may not be assumed by
// root accounts." whatever the role, https://github.com/kubeflow/testing/pull/961).
func CheckAssumeRole(callerType, sessionName string, seconds int) error {
	if err := checkSessionName(sessionName); err != nil {
		return err
	}
	if seconds < int(minSession/time.Second) {
		return validationError(fmt.Sprint(seconds), "durationSeconds", "must have value greater than or equal to 900")
	}
	if callerType == TypeRoot {
		return awserr.New(awserr.AccessDenied, "Roles may not be assumed by root accounts.")
	}
	return nil
}

// CheckRoleSessionDuration applies the one-hour limit on role chaining (a
// role session assuming a role), then the role's MaxSessionDuration (one
// hour when unset), with STS's messages.
func CheckRoleSessionDuration(callerType string, role Role, seconds int) error {
	if callerType == TypeAssumedRole && seconds > int(roleChainMax/time.Second) {
		return awserr.New(awserr.ValidationError,
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	maxSession := role.MaxSessionDuration
	if maxSession == 0 {
		maxSession = defaultMaxSession
	}
	if seconds > int(maxSession/time.Second) {
		return awserr.New(awserr.ValidationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return nil
}

// SessionTokenDuration applies GetSessionToken's rules: session credentials
// may not call it; DurationSeconds is 900 to 129,600; the root's session
// lasts at most one hour ("If you specify a duration longer than one hour,
// the session for the root user defaults to one hour"), so its duration is
// capped, not refused.
func SessionTokenDuration(callerType string, withSessionToken bool, seconds int) (time.Duration, error) {
	if withSessionToken || callerType == TypeAssumedRole {
		return 0, awserr.New(awserr.AccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	if seconds < int(minSession/time.Second) || seconds > int(maxUserSession/time.Second) {
		return 0, validationError(fmt.Sprint(seconds), "durationSeconds", "must have value between 900 and 129600")
	}
	d := time.Duration(seconds) * time.Second
	if callerType == TypeRoot {
		d = min(d, maxRootSession)
	}
	return d, nil
}

// PackedPolicySize approximates AssumeRole's PackedPolicySize: the
// percentage of the packed session-policy limit (2,048 bytes here) policy
// uses, at least 1 and at most 100.
func PackedPolicySize(policy string) int {
	return min(100, max(1, len(policy)*100/2048))
}
