package iam

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

func TestCreateSession(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "fn", "/service-role/", trustLambda, "", 2*time.Hour, "")
	must(t, err)
	arn := "arn:aws:iam::" + acct + ":role/service-role/fn"
	tests := []struct {
		name, arn, session, policy string
		d                          time.Duration
		code                       awserr.Code
		msg                        string
	}{
		{"default duration", arn, "s-1", "", 0, "", ""},
		{"role maximum", arn, "s@2", `{"Version":"2012-10-17","Statement":[]}`, 2 * time.Hour, "", ""},
		{"over role maximum", arn, "s3", "", 3 * time.Hour, awserr.ValidationError,
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"too short", arn, "s4", "", time.Minute, awserr.ValidationError,
			"1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"session name too short", arn, "s", "", 0, awserr.ValidationError,
			"1 validation error detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name bad char", arn, "a b", "", 0, awserr.ValidationError,
			`1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"missing role", "arn:aws:iam::" + acct + ":role/ghost", "s5", "", 0, awserr.NoSuchEntity, "The role with name ghost cannot be found."},
		{"wrong path", "arn:aws:iam::" + acct + ":role/fn", "s6", "", 0, awserr.NoSuchEntity, "The role with name fn cannot be found."},
		{"other account", "arn:aws:iam::999999999999:role/fn", "s7", "", 0, awserr.ValidationError, "arn:aws:iam::999999999999:role/fn is invalid"},
		{"bad session policy", arn, "s8", "{", 0, awserr.MalformedPolicyDocument, "Syntax errors in policy."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.svc.CreateSession(ctx, tc.arn, tc.session, tc.d, tc.policy)
			wantErr(t, err, tc.code, tc.msg)
			if tc.code != "" {
				return
			}
			d := tc.d
			if d == 0 {
				d = time.Hour
			}
			if !sessionIDRE.MatchString(s.AccessKeyID) || !secretRE.MatchString(s.Secret.Reveal()) || len(s.SessionToken.Reveal()) < 100 {
				t.Fatalf("session credentials not AWS-shaped: %s", s.AccessKeyID)
			}
			if !s.Expires.Equal(t0.Add(d)) || s.AssumedRoleARN != "arn:aws:sts::"+acct+":assumed-role/fn/"+tc.session {
				t.Errorf("session = %+v", s)
			}
			info, ok, err := f.svc.LookupKey(ctx, s.AccessKeyID)
			must(t, err)
			want := KeyInfo{AccessKeyID: s.AccessKeyID, Secret: s.Secret.Reveal(), SessionToken: s.SessionToken.Reveal(), Expires: t0.Add(d), Active: true}
			if !ok || info != want {
				t.Errorf("LookupKey = %+v, %v", info, ok)
			}
		})
	}
}

func TestGetSessionToken(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "u")
	k, err := f.svc.CreateAccessKey(ctx, "u")
	must(t, err)
	root, err := f.svc.EnsureRootKey(ctx)
	must(t, err)
	tests := []struct {
		name, key string
		d, want   time.Duration
		code      awserr.Code
		msg       string
	}{
		{"user default", k.AccessKeyID, 0, 12 * time.Hour, "", ""},
		{"user maximum", k.AccessKeyID, 36 * time.Hour, 36 * time.Hour, "", ""},
		{"user over maximum", k.AccessKeyID, 37 * time.Hour, 0, awserr.ValidationError,
			"1 validation error detected: Value '133200' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		{"root default", root.AccessKeyID, 0, time.Hour, "", ""},
		{"root over maximum", root.AccessKeyID, 2 * time.Hour, 0, awserr.ValidationError,
			"1 validation error detected: Value '7200' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 3600"},
		{"unknown key", "AKIAUNKNOWN000000000", 0, 0, awserr.InvalidClientTokenID, "The security token included in the request is invalid."},
		{"session key", "ASIAUNKNOWN000000000", 0, 0, awserr.AccessDenied, "Cannot call GetSessionToken with session credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.svc.GetSessionToken(ctx, tc.key, tc.d)
			wantErr(t, err, tc.code, tc.msg)
			if tc.code != "" {
				return
			}
			if !s.Expires.Equal(t0.Add(tc.want)) || s.AssumedRoleARN != "" {
				t.Errorf("session = %+v, want expiry after %v", s, tc.want)
			}
			p, err := f.svc.Principal(ctx, s.AccessKeyID)
			must(t, err)
			src, err := f.svc.Principal(ctx, tc.key)
			must(t, err)
			src.SessionIssued = t0
			if diff := cmp.Diff(src, p); diff != "" {
				t.Errorf("session principal differs from its key's (-key +session):\n%s", diff)
			}
		})
	}
}

func TestExpiredSessionsArePurgedLater(t *testing.T) {
	f := newFixture(t, "")
	_, err := f.svc.CreateRole(ctx, "r", "", trustLambda, "", 0, "")
	must(t, err)
	arn := "arn:aws:iam::" + acct + ":role/r"
	old, err := f.svc.CreateSession(ctx, arn, "old", 0, "")
	must(t, err)
	f.clock.now = t0.Add(2 * time.Hour)
	if info, ok, _ := f.svc.LookupKey(ctx, old.AccessKeyID); !ok || !info.Expires.Before(f.clock.now) {
		t.Fatal("an expired session must still be found, so the verifier can say ExpiredToken")
	}
	f.clock.now = t0.Add(26 * time.Hour)
	_, err = f.svc.CreateSession(ctx, arn, "new", 0, "")
	must(t, err)
	if _, ok, _ := f.svc.LookupKey(ctx, old.AccessKeyID); ok {
		t.Fatal("a session expired for over a day was not purged")
	}
}
