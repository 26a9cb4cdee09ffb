package iam

import (
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Messages as STS answers them (API_AssumeRole.html, API_GetSessionToken.html;
// the root refusal as seen in https://github.com/kubeflow/testing/pull/961).
func TestCheckAssumeRole(t *testing.T) {
	tests := []struct {
		name, caller, session string
		secs                  int
		code                  awserr.Code
		msg                   string
	}{
		{"user", TypeUser, "s1", 3600, "", ""},
		{"minimum", TypeAssumedRole, "s1", 900, "", ""},
		{"too short", TypeUser, "s1", 60, awserr.ValidationError,
			"1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"session name too short", TypeUser, "s", 3600, awserr.ValidationError,
			"1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name bad char", TypeUser, "a b", 3600, awserr.ValidationError,
			`1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"root", TypeRoot, "s1", 3600, awserr.AccessDenied, "Roles may not be assumed by root accounts."},
		{"validation before the root refusal", TypeRoot, "s1", 60, awserr.ValidationError,
			"1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, CheckAssumeRole(tc.caller, tc.session, tc.secs), tc.code, tc.msg)
		})
	}
}

func TestCheckRoleSessionDuration(t *testing.T) {
	const chain = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	const over = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	long := Role{MaxSessionDuration: 4 * time.Hour}
	tests := []struct {
		name, caller string
		role         Role
		secs         int
		code         awserr.Code
		msg          string
	}{
		{"within the role maximum", TypeUser, long, 4 * 3600, "", ""},
		{"over the role maximum", TypeUser, long, 4*3600 + 1, awserr.ValidationError, over},
		{"unset maximum is one hour", TypeUser, Role{}, 3601, awserr.ValidationError, over},
		{"chained within an hour", TypeAssumedRole, long, 3600, "", ""},
		{"chained over an hour", TypeAssumedRole, long, 7200, awserr.ValidationError, chain},
		{"chaining limit first", TypeAssumedRole, Role{}, 99999, awserr.ValidationError, chain},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, CheckRoleSessionDuration(tc.caller, tc.role, tc.secs), tc.code, tc.msg)
		})
	}
}

func TestSessionTokenDuration(t *testing.T) {
	tests := []struct {
		name, caller string
		token        bool
		secs         int
		want         time.Duration
		code         awserr.Code
		msg          string
	}{
		{"user default", TypeUser, false, DefaultTokenSessionSeconds, 12 * time.Hour, "", ""},
		{"user maximum", TypeUser, false, 129600, 36 * time.Hour, "", ""},
		{"root capped at an hour", TypeRoot, false, 7200, time.Hour, "", ""},
		{"too long", TypeUser, false, 129601, 0, awserr.ValidationError,
			"1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600"},
		{"too short", TypeRoot, false, 899, 0, awserr.ValidationError,
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600"},
		{"session token", TypeUser, true, 3600, 0, awserr.AccessDenied, "Cannot call GetSessionToken with session credentials"},
		{"role session", TypeAssumedRole, false, 3600, 0, awserr.AccessDenied, "Cannot call GetSessionToken with session credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := SessionTokenDuration(tc.caller, tc.token, tc.secs)
			wantErr(t, err, tc.code, tc.msg)
			if d != tc.want {
				t.Errorf("duration = %v, want %v", d, tc.want)
			}
		})
	}
}

func TestPackedPolicySize(t *testing.T) {
	for in, want := range map[int]int{1: 1, 1024: 50, 2048: 100, 9999: 100} {
		if got := PackedPolicySize(string(make([]byte, in))); got != want {
			t.Errorf("PackedPolicySize(%d bytes) = %d, want %d", in, got, want)
		}
	}
}
