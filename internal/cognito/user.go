package cognito

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// User statuses.
const (
	StatusUnconfirmed         = "UNCONFIRMED"
	StatusConfirmed           = "CONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
)

// User is a user of a pool.
type User struct {
	PoolID     string            `json:"poolId"`
	Username   string            `json:"username"`
	Sub        string            `json:"sub"`
	Attributes map[string]string `json:"attributes"`
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	Groups     []string          `json:"groups,omitempty"`
	// PasswordHash is argon2id; TempExpires bounds a temporary password.
	PasswordHash string    `json:"passwordHash,omitempty"`
	TempExpires  time.Time `json:"tempExpires,omitzero"`
	// CodeHash is the SHA-256 of the pending confirmation code.
	CodeHash    string    `json:"codeHash,omitempty"`
	CodeExpires time.Time `json:"codeExpires,omitzero"`
	// CodeFailures counts wrong confirmation codes; past maxCodeFailures
	// the code is void.
	CodeFailures int `json:"codeFailures,omitempty"`
	// ResetHash is the SHA-256 of a pending ForgotPassword code.
	ResetHash     string    `json:"resetHash,omitempty"`
	ResetExpires  time.Time `json:"resetExpires,omitzero"`
	ResetFailures int       `json:"resetFailures,omitempty"`
	// FailedSignIns counts wrong passwords in a row; LockedUntil is when
	// the lockout they caused ends.
	FailedSignIns int       `json:"failedSignIns,omitempty"`
	LockedUntil   time.Time `json:"lockedUntil,omitzero"`
}

// maxCodeFailures is how many wrong codes void a confirmation code.
const maxCodeFailures = 5

// AttributeNames returns the user's attribute names, sub first as
// Cognito lists them, then by name.
func (u User) AttributeNames() []string {
	names := make([]string, 0, len(u.Attributes)+1)
	names = append(names, "sub")
	for k := range u.Attributes {
		if k != "sub" {
			names = append(names, k)
		}
	}
	slices.Sort(names[1:])
	return names
}

// Attribute returns an attribute's value ("sub" included).
func (u User) Attribute(name string) string {
	if name == "sub" {
		return u.Sub
	}
	return u.Attributes[name]
}

// standardAttributes are the OIDC attributes every pool has.
var standardAttributes = map[string]bool{"address": true, "birthdate": true, "email": true, "email_verified": true,
	"family_name": true, "gender": true, "given_name": true, "locale": true, "middle_name": true, "name": true,
	"nickname": true, "phone_number": true, "phone_number_verified": true, "picture": true, "preferred_username": true,
	"profile": true, "updated_at": true, "website": true, "zoneinfo": true}

// checkAttributes refuses attributes the pool's schema does not have.
func checkAttributes(p Pool, attrs map[string]string) error {
	for name, v := range attrs {
		if name == "sub" {
			return awserr.New(InvalidParameter, "Cannot modify the non-mutable attribute sub")
		}
		if standardAttributes[name] {
			if (name == "email_verified" || name == "phone_number_verified") && v != "true" && v != "false" {
				return awserr.New(InvalidParameter, "Invalid value for %s: must be true or false", name)
			}
			continue
		}
		if !slices.ContainsFunc(p.Schema, func(a SchemaAttribute) bool { return "custom:"+a.Name == name || a.Name == name }) {
			return awserr.New(InvalidParameter, "Attributes did not conform to the schema: Type for attribute {%s} could not be determined", name)
		}
		if len(v) > 2048 {
			return awserr.New(InvalidParameter, "Attribute value for %s must not be longer than 2048 characters", name)
		}
	}
	return nil
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
var phonePattern = regexp.MustCompile(`^\+[0-9]{4,15}$`)

// userKey is the store key of a username in a pool.
func userKey(p Pool, username string) string {
	if p.CaseInsensitive {
		username = strings.ToLower(username)
	}
	return p.ID + "/" + username
}

func aliasKey(p Pool, attr, value string) string {
	return p.ID + "/" + attr + "/" + strings.ToLower(value)
}

// findUser resolves what a caller typed (username, or an email or phone
// number of a pool whose UsernameAttributes allow them) to a user.
func (s *Service) findUser(ctx context.Context, r store.Reader, p Pool, name string) (User, string, error) {
	for _, attr := range p.UsernameAttributes {
		if ref, err := r.Get(ctx, kindAlias, aliasKey(p, attr, name)); err == nil {
			u, err := get[User](ctx, r, kindUser, string(ref))
			return u, string(ref), err
		}
	}
	key := userKey(p, name)
	u, err := get[User](ctx, r, kindUser, key)
	if notFound(err) {
		return User{}, "", awserr.New(UserNotFound, "User does not exist.")
	}
	return u, key, err
}

// newUser builds a user. For a pool with UsernameAttributes the given
// name must be an email or phone number: it becomes that attribute and
// the username is the sub, as Cognito does.
func (s *Service) newUser(p Pool, name string, attrs map[string]string, status string) (User, error) {
	if err := checkAttributes(p, attrs); err != nil {
		return User{}, err
	}
	id, err := uuid.NewRandomFromReader(s.o.Rand)
	if err != nil {
		return User{}, err
	}
	now := s.o.Now().UTC()
	u := User{PoolID: p.ID, Username: name, Sub: id.String(), Attributes: map[string]string{}, Status: status,
		Enabled: true, Created: now, Modified: now}
	for k, v := range attrs {
		u.Attributes[k] = v
	}
	if len(p.UsernameAttributes) > 0 {
		switch {
		case hasString(p.UsernameAttributes, "email") && emailPattern.MatchString(name):
			u.Attributes["email"] = name
		case hasString(p.UsernameAttributes, "phone_number") && phonePattern.MatchString(name):
			u.Attributes["phone_number"] = name
		default:
			return User{}, awserr.New(InvalidParameter, "Username should be either an email or a phone number.")
		}
		u.Username = u.Sub
	}
	return u, nil
}

// insertUser stores a new user and its aliases in tx.
func insertUser(ctx context.Context, tx store.Tx, p Pool, u User, exists string) error {
	key := userKey(p, u.Username)
	for _, attr := range p.UsernameAttributes {
		v := u.Attributes[attr]
		if v == "" {
			continue
		}
		if err := tx.Create(ctx, kindAlias, aliasKey(p, attr, v), []byte(key)); err != nil {
			if isConflict(err) {
				return awserr.New(UsernameExists, "An account with the given %s already exists.", strings.ReplaceAll(attr, "_", " "))
			}
			return err
		}
	}
	err := record.Create(ctx, tx, kindUser, key, u)
	if err != nil && isConflict(err) {
		return awserr.New(UsernameExists, "%s", exists)
	}
	return err
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// SignUpInput is SignUp's input.
type SignUpInput struct {
	ClientID, Username, Password, SecretHash string
	Attributes                               map[string]string
}

// SignUpResult is SignUp's output.
type SignUpResult struct {
	UserSub   string
	Confirmed bool
	Delivery  *Delivery
}

// Delivery is CodeDeliveryDetails.
type Delivery struct {
	Destination, DeliveryMedium, AttributeName string
}

// SignUp registers a user through an app client. The user is UNCONFIRMED;
// when the pool verifies email or phone automatically, a code is sent.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (SignUpResult, error) {
	if err := Check(ClientIDField(in.ClientID), UsernameField(in.Username), PasswordField("password", in.Password)); err != nil {
		return SignUpResult{}, err
	}
	c, err := s.client(ctx, s.st, in.ClientID)
	if err != nil {
		return SignUpResult{}, err
	}
	p, err := s.pool(ctx, s.st, c.PoolID)
	if err != nil {
		return SignUpResult{}, err
	}
	if err := s.checkSecretHash(c, in.Username, in.SecretHash); err != nil {
		return SignUpResult{}, err
	}
	if p.AllowAdminCreateUserOnly {
		return SignUpResult{}, awserr.New(NotAuthorized, "SignUp is not permitted for this user pool")
	}
	if err := p.PasswordPolicy.Check(in.Password); err != nil {
		return SignUpResult{}, err
	}
	u, err := s.newUser(p, in.Username, in.Attributes, StatusUnconfirmed)
	if err != nil {
		return SignUpResult{}, err
	}
	if u.PasswordHash, err = s.hash(in.Password); err != nil {
		return SignUpResult{}, err
	}
	d, code, err := s.newCode(p, &u)
	if err != nil {
		return SignUpResult{}, err
	}
	err = s.st.Update(ctx, func(tx store.Tx) error { return insertUser(ctx, tx, p, u, "User already exists") })
	if err != nil {
		return SignUpResult{}, err
	}
	if d != nil {
		s.o.Deliver(ctx, Message{PoolID: p.ID, Username: u.Username, Medium: d.DeliveryMedium, To: u.Attributes[d.AttributeName],
			Kind: "confirmation code", Secret: code})
	}
	return SignUpResult{UserSub: u.Sub, Delivery: d}, nil
}

// newCode gives u a confirmation code when the pool verifies one of its
// attributes automatically; it returns the delivery details and the code.
func (s *Service) newCode(p Pool, u *User) (*Delivery, seal.Secret, error) {
	attr := ""
	for _, a := range []string{"email", "phone_number"} {
		if hasString(p.AutoVerifiedAttributes, a) && u.Attributes[a] != "" {
			attr = a
			break
		}
	}
	if attr == "" {
		return nil, "", nil
	}
	code, err := randomString(s.o.Rand, "0123456789", 6)
	if err != nil {
		return nil, "", err
	}
	u.CodeHash = hashCode(code)
	u.CodeExpires = s.o.Now().UTC().Add(24 * time.Hour)
	d := &Delivery{AttributeName: attr, DeliveryMedium: "EMAIL", Destination: maskEmail(u.Attributes[attr])}
	if attr == "phone_number" {
		d.DeliveryMedium, d.Destination = "SMS", maskPhone(u.Attributes[attr])
	}
	return d, seal.Secret(code), nil
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// maskEmail writes an address as Cognito's CodeDeliveryDetails do: "j***@e***".
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}

func maskPhone(num string) string {
	if len(num) <= 4 {
		return "+*******"
	}
	return "+*******" + num[len(num)-4:]
}

// ConfirmSignUp confirms a user with the code sent at sign-up.
func (s *Service) ConfirmSignUp(ctx context.Context, clientID, username, code, secretHash string) error {
	if err := Check(ClientIDField(clientID), UsernameField(username),
		Field{Name: "confirmationCode", Value: code, Pattern: passwordPattern, PatternS: `[\S]+`, Min: 1, Max: 2048}); err != nil {
		return err
	}
	c, err := s.client(ctx, s.st, clientID)
	if err != nil {
		return err
	}
	if err := s.checkSecretHash(c, username, secretHash); err != nil {
		return err
	}
	// A wrong code is counted (committed), then answered.
	var wrong error
	err = s.st.Update(ctx, func(tx store.Tx) error {
		p, err := s.pool(ctx, tx, c.PoolID)
		if err != nil {
			return err
		}
		u, key, err := s.findUser(ctx, tx, p, username)
		if awserr.Is(err, UserNotFound) {
			return awserr.New(UserNotFound, "Username/client id combination not found.")
		}
		if err != nil {
			return err
		}
		if u.Status != StatusUnconfirmed {
			return awserr.New(NotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		if u.CodeFailures >= maxCodeFailures {
			return awserr.New(LimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
		if u.CodeHash == "" || subtle.ConstantTimeCompare([]byte(u.CodeHash), []byte(hashCode(code))) != 1 {
			u.CodeFailures++
			wrong = awserr.New(CodeMismatch, "Invalid verification code provided, please try again.")
			return record.Put(ctx, tx, kindUser, key, u)
		}
		if s.o.Now().After(u.CodeExpires) {
			return awserr.New(ExpiredCode, "Invalid code provided, please request a code again.")
		}
		u.Status, u.CodeHash, u.CodeExpires, u.CodeFailures = StatusConfirmed, "", time.Time{}, 0
		if d := verifiedAttr(p); d != "" && u.Attributes[d] != "" {
			u.Attributes[d+"_verified"] = "true"
		}
		u.Modified = s.o.Now().UTC()
		return record.Put(ctx, tx, kindUser, key, u)
	})
	if err == nil {
		err = wrong
	}
	return err
}

func verifiedAttr(p Pool) string {
	for _, a := range []string{"email", "phone_number"} {
		if hasString(p.AutoVerifiedAttributes, a) {
			return a
		}
	}
	return ""
}

// AdminConfirmSignUp confirms an UNCONFIRMED user without a code.
func (s *Service) AdminConfirmSignUp(ctx context.Context, poolID, username string) error {
	return s.updateUser(ctx, poolID, username, func(_ Pool, u *User) error {
		if u.Status != StatusUnconfirmed {
			return awserr.New(NotAuthorized, "User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status, u.CodeHash, u.CodeExpires = StatusConfirmed, "", time.Time{}
		return nil
	})
}

// updateUser runs fn on a user in a transaction and stores the result.
func (s *Service) updateUser(ctx context.Context, poolID, username string, fn func(Pool, *User) error) error {
	return s.withUser(ctx, poolID, username, func(tx store.Tx, p Pool, u *User, key string) error {
		if err := fn(p, u); err != nil {
			return err
		}
		u.Modified = s.o.Now().UTC()
		return record.Put(ctx, tx, kindUser, key, *u)
	})
}

// withUser checks the pool id and username, then runs fn in a transaction
// on the pool and the user (stored under key) the username or an alias
// names.
func (s *Service) withUser(ctx context.Context, poolID, username string, fn func(tx store.Tx, p Pool, u *User, key string) error) error {
	if err := Check(PoolIDField(poolID), UsernameField(username)); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		p, err := s.pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		u, key, err := s.findUser(ctx, tx, p, username)
		if err != nil {
			return err
		}
		return fn(tx, p, &u, key)
	})
}

// AdminCreateUserInput is AdminCreateUser's input.
type AdminCreateUserInput struct {
	PoolID, Username, TemporaryPassword, MessageAction string
	Attributes                                         map[string]string
	DesiredDeliveryMediums                             []string
}

// AdminCreateUser creates a user in FORCE_CHANGE_PASSWORD with a temporary
// password (generated and delivered when none is given).
func (s *Service) AdminCreateUser(ctx context.Context, in AdminCreateUserInput) (User, error) {
	fields := []Field{PoolIDField(in.PoolID), UsernameField(in.Username)}
	if in.TemporaryPassword != "" {
		fields = append(fields, PasswordField("temporaryPassword", in.TemporaryPassword))
	}
	if err := Check(fields...); err != nil {
		return User{}, err
	}
	p, err := s.pool(ctx, s.st, in.PoolID)
	if err != nil {
		return User{}, err
	}
	switch in.MessageAction {
	case "", "SUPPRESS":
	case "RESEND":
		u, _, err := s.findUser(ctx, s.st, p, in.Username)
		return u, err
	default:
		return User{}, awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction)
	}
	temp := in.TemporaryPassword
	if temp == "" {
		if temp, err = p.PasswordPolicy.Temporary(s.o.Rand); err != nil {
			return User{}, err
		}
	} else if err := p.PasswordPolicy.Check(temp); err != nil {
		return User{}, err
	}
	u, err := s.newUser(p, in.Username, in.Attributes, StatusForceChangePassword)
	if err != nil {
		return User{}, err
	}
	if u.PasswordHash, err = s.hash(temp); err != nil {
		return User{}, err
	}
	u.TempExpires = s.o.Now().UTC().Add(time.Duration(p.PasswordPolicy.TemporaryPasswordValidityDays) * 24 * time.Hour)
	if err := s.st.Update(ctx, func(tx store.Tx) error { return insertUser(ctx, tx, p, u, "User account already exists") }); err != nil {
		return User{}, err
	}
	if in.MessageAction != "SUPPRESS" {
		medium, to := "EMAIL", u.Attributes["email"]
		if hasString(in.DesiredDeliveryMediums, "SMS") && u.Attributes["phone_number"] != "" {
			medium, to = "SMS", u.Attributes["phone_number"]
		}
		s.o.Deliver(ctx, Message{PoolID: p.ID, Username: u.Username, Medium: medium, To: to, Kind: "temporary password", Secret: seal.Secret(temp)})
	}
	return u, nil
}

// AdminSetUserPassword sets a user's password: permanent makes the user
// CONFIRMED, else FORCE_CHANGE_PASSWORD with a temporary password.
func (s *Service) AdminSetUserPassword(ctx context.Context, poolID, username, password string, permanent bool) error {
	if err := Check(PoolIDField(poolID), UsernameField(username), PasswordField("password", password)); err != nil {
		return err
	}
	return s.updateUser(ctx, poolID, username, func(p Pool, u *User) error {
		if err := p.PasswordPolicy.Check(password); err != nil {
			return err
		}
		h, err := s.hash(password)
		if err != nil {
			return err
		}
		u.PasswordHash = h
		if permanent {
			u.Status, u.TempExpires = StatusConfirmed, time.Time{}
		} else {
			u.Status = StatusForceChangePassword
			u.TempExpires = s.o.Now().UTC().Add(time.Duration(p.PasswordPolicy.TemporaryPasswordValidityDays) * 24 * time.Hour)
		}
		return nil
	})
}

// AdminGetUser returns a user.
func (s *Service) AdminGetUser(ctx context.Context, poolID, username string) (User, error) {
	if err := Check(PoolIDField(poolID), UsernameField(username)); err != nil {
		return User{}, err
	}
	p, err := s.pool(ctx, s.st, poolID)
	if err != nil {
		return User{}, err
	}
	u, _, err := s.findUser(ctx, s.st, p, username)
	return u, err
}

// AdminSetUserEnabled enables or disables a user.
func (s *Service) AdminSetUserEnabled(ctx context.Context, poolID, username string, enabled bool) error {
	return s.updateUser(ctx, poolID, username, func(_ Pool, u *User) error {
		u.Enabled = enabled
		return nil
	})
}

// AdminUpdateUserAttributes sets attributes of a user.
func (s *Service) AdminUpdateUserAttributes(ctx context.Context, poolID, username string, attrs map[string]string) error {
	return s.updateUser(ctx, poolID, username, func(p Pool, u *User) error {
		if err := checkAttributes(p, attrs); err != nil {
			return err
		}
		for _, a := range p.UsernameAttributes {
			if _, ok := attrs[a]; ok {
				return awserr.New(InvalidParameter, "Changing %s is not supported by iamgate for a pool that signs in with it", a)
			}
		}
		for k, v := range attrs {
			u.Attributes[k] = v
		}
		return nil
	})
}

// AdminDeleteUser deletes a user with its aliases.
func (s *Service) AdminDeleteUser(ctx context.Context, poolID, username string) error {
	return s.withUser(ctx, poolID, username, func(tx store.Tx, p Pool, u *User, key string) error {
		for _, attr := range p.UsernameAttributes {
			if v := u.Attributes[attr]; v != "" {
				if err := tx.Delete(ctx, kindAlias, aliasKey(p, attr, v)); err != nil && !notFound(err) {
					return err
				}
			}
		}
		return tx.Delete(ctx, kindUser, key)
	})
}

// Users returns a pool's users, by username.
func (s *Service) Users(ctx context.Context, poolID string) ([]User, error) {
	if _, err := s.Pool(ctx, poolID); err != nil {
		return nil, err
	}
	return record.List[User](ctx, s.st, kindUser, poolID+"/")
}
