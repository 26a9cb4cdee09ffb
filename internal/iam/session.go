package iam

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

// STS duration bounds (API_AssumeRole.html, API_GetSessionToken.html).
const (
	minSession         = 15 * time.Minute
	defaultRoleSession = time.Hour
	maxRoleSession     = 12 * time.Hour
	defaultUserSession = 12 * time.Hour
	maxUserSession     = 36 * time.Hour
	maxRootSession     = time.Hour
	// sessionRetention keeps expired sessions long enough to answer
	// ExpiredToken rather than "invalid token"; older ones are purged.
	sessionRetention = 24 * time.Hour
)

type sessionRec struct {
	ID          string    `json:"id"`
	Sealed      []byte    `json:"sealed"` // secret, AAD = id
	SealedToken []byte    `json:"token"`  // session token, AAD = id + "/token"
	Issued      time.Time `json:"issued"`
	Expires     time.Time `json:"expires"`
	// AssumeRole sessions:
	Role        string `json:"role,omitempty"` // role name as created
	RoleID      string `json:"roleId,omitempty"`
	SessionName string `json:"sessionName,omitempty"`
	Policy      string `json:"policy,omitempty"`
	// GetSessionToken sessions: the long-term key they were issued for.
	SourceKey string `json:"sourceKey,omitempty"`
}

// Session is a set of temporary credentials.
type Session struct {
	AccessKeyID  string // ASIA…
	Secret       seal.Secret
	SessionToken seal.Secret
	Expires      time.Time
	// For AssumeRole sessions: arn:aws:sts::{acct}:assumed-role/{role}/{session}
	// and AROA…:{session}; empty for GetSessionToken.
	AssumedRoleARN string
	AssumedRoleID  string
}

func checkDuration(d, def, max time.Duration) (time.Duration, error) {
	if d == 0 {
		return def, nil
	}
	secs := fmt.Sprint(int64(d / time.Second))
	if d < minSession {
		return 0, validationError(secs, "durationSeconds", "must have value greater than or equal to 900")
	}
	if d > max {
		return 0, validationError(secs, "durationSeconds", fmt.Sprintf("must have value less than or equal to %d", int64(max/time.Second)))
	}
	return d.Truncate(time.Second), nil
}

func checkSessionName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case n < 2:
		return validationError(name, "roleSessionName", "must have length greater than or equal to 2")
	case n > 64:
		return validationError(name, "roleSessionName", "must have length less than or equal to 64")
	}
	if !sessionNameRE.MatchString(name) {
		return validationError(name, "roleSessionName", `must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	return nil
}

// roleFromARN loads the role an arn:aws:iam::{acct}:role{path}{name} names.
func (s *Service) roleFromARN(ctx context.Context, r store.Reader, roleARN string) (*roleRec, error) {
	a, err := arn.Parse(roleARN)
	rest, ok := strings.CutPrefix(a.Resource, "role/")
	if err != nil || !s.ownIAM(a) || !ok || rest == "" {
		if len(roleARN) < 20 {
			return nil, validationError(roleARN, "roleArn", "must have length greater than or equal to 20")
		}
		return nil, awserr.New(awserr.ValidationError, "%s is invalid", roleARN)
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	rec, err := roles.load(ctx, r, name)
	if err != nil {
		return nil, err
	}
	if s.iamARN("role"+rec.Path+rec.Name) != roleARN {
		return nil, noSuchEntity("role", name)
	}
	return rec, nil
}

// CreateSession issues AssumeRole credentials for the role. The caller has
// already decided that the requester may assume it (trust policy); a
// missing role is NoSuchEntity here, which STS reports to callers as
// AccessDenied. duration 0 means one hour; it may not exceed the role's
// MaxSessionDuration. sessionPolicy, if set, further limits the session.
func (s *Service) CreateSession(ctx context.Context, roleARN, sessionName string, duration time.Duration, sessionPolicy string) (Session, error) {
	if err := checkSessionName(sessionName); err != nil {
		return Session{}, err
	}
	duration, err := checkDuration(duration, defaultRoleSession, maxRoleSession)
	if err != nil {
		return Session{}, err
	}
	if sessionPolicy != "" {
		if err := s.checkPolicy(sessionPolicy); err != nil {
			return Session{}, err
		}
	}
	var out Session
	err = s.st.Update(ctx, func(tx store.Tx) error {
		role, err := s.roleFromARN(ctx, tx, roleARN)
		if err != nil {
			return err
		}
		if duration > role.MaxSession {
			return awserr.New(awserr.ValidationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		rec := &sessionRec{Role: role.Name, RoleID: role.ID, SessionName: sessionName, Policy: sessionPolicy}
		out, err = s.storeSession(ctx, tx, rec, duration)
		out.AssumedRoleARN = arn.AssumedRole(s.acct, role.Name, sessionName)
		out.AssumedRoleID = role.ID + ":" + sessionName
		return err
	})
	return out, err
}

// GetSessionToken issues temporary credentials for a user's or the root's
// long-term key, with the same permissions. duration 0 means 12 hours for
// users and one hour for the root (the root's maximum).
func (s *Service) GetSessionToken(ctx context.Context, accessKeyID string, duration time.Duration) (Session, error) {
	if strings.HasPrefix(accessKeyID, "ASIA") {
		return Session{}, awserr.New(awserr.AccessDenied, "Cannot call GetSessionToken with session credentials")
	}
	var out Session
	err := s.st.Update(ctx, func(tx store.Tx) error {
		k, err := getJSON[keyRec](ctx, tx, kindKey, accessKeyID, invalidToken())
		if err != nil {
			return err
		}
		def, max := defaultUserSession, maxUserSession
		if k.Root {
			def, max = maxRootSession, maxRootSession
		}
		d, err := checkDuration(duration, def, max)
		if err != nil {
			return err
		}
		out, err = s.storeSession(ctx, tx, &sessionRec{SourceKey: k.ID}, d)
		return err
	})
	return out, err
}

// storeSession fills in ids and sealed secrets, saves rec and purges
// sessions long expired, all in tx.
func (s *Service) storeSession(ctx context.Context, tx store.Tx, rec *sessionRec, d time.Duration) (Session, error) {
	now := s.clock()
	if err := s.purgeSessions(ctx, tx, now); err != nil {
		return Session{}, err
	}
	id, secret, token := newSessionID(), newSecret(), newSessionToken()
	var err error
	if rec.Sealed, err = s.sealer.Seal([]byte(secret), []byte(id)); err != nil {
		return Session{}, err
	}
	if rec.SealedToken, err = s.sealer.Seal([]byte(token), []byte(id+"/token")); err != nil {
		return Session{}, err
	}
	rec.ID, rec.Issued, rec.Expires = id, now, now.Add(d)
	if err := createJSON(ctx, tx, kindSession, id, rec, fmt.Errorf("iam: session id %s collided", id)); err != nil {
		return Session{}, err
	}
	return Session{AccessKeyID: id, Secret: seal.Secret(secret), SessionToken: seal.Secret(token), Expires: rec.Expires}, nil
}

func (s *Service) purgeSessions(ctx context.Context, tx store.Tx, now time.Time) error {
	all, err := listJSON[sessionRec](ctx, tx, kindSession, "")
	if err != nil {
		return err
	}
	for _, r := range all {
		if now.Sub(r.Expires) > sessionRetention {
			if err := del(ctx, tx, kindSession, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) lookupSession(ctx context.Context, id string) (KeyInfo, bool, error) {
	rec, err := getJSON[sessionRec](ctx, s.st, kindSession, id, store.ErrNotFound)
	if err == store.ErrNotFound {
		return KeyInfo{}, false, nil
	}
	if err != nil {
		return KeyInfo{}, false, err
	}
	secret, err := s.sealer.Open(rec.Sealed, []byte(id))
	if err != nil {
		return KeyInfo{}, false, fmt.Errorf("iam: session %s: %w", id, err)
	}
	token, err := s.sealer.Open(rec.SealedToken, []byte(id+"/token"))
	if err != nil {
		return KeyInfo{}, false, fmt.Errorf("iam: session %s token: %w", id, err)
	}
	return KeyInfo{AccessKeyID: id, Secret: string(secret), SessionToken: string(token), Expires: rec.Expires, Active: true}, true, nil
}
