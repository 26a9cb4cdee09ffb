package cognito

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Password changes and recovery, and resending a sign-up code: the public
// operations a front end calls besides sign-up and sign-in.

// ChangePassword changes the password of the user an access token names,
// given the current one.
func (s *Service) ChangePassword(ctx context.Context, accessToken, previous, proposed string) error {
	if err := Check(PasswordField("previousPassword", previous), PasswordField("proposedPassword", proposed)); err != nil {
		return err
	}
	u, err := s.GetUser(ctx, accessToken)
	if err != nil {
		return err
	}
	p, err := s.pool(ctx, s.st, u.PoolID)
	if err != nil {
		return err
	}
	if ok, _ := s.check(u.PasswordHash, previous); !ok {
		return awserr.New(NotAuthorized, "Incorrect username or password.")
	}
	if err := p.PasswordPolicy.Check(proposed); err != nil {
		return err
	}
	hash, err := s.hash(proposed)
	if err != nil {
		return err
	}
	return s.updateUser(ctx, p.ID, u.Username, func(_ Pool, u *User) error {
		u.PasswordHash = hash
		return nil
	})
}

// recoveryTarget is where a reset code goes: a verified email, else a
// verified phone number.
func recoveryTarget(u User) (attr string, ok bool) {
	switch {
	case u.Attributes["email"] != "" && u.Attributes["email_verified"] == "true":
		return "email", true
	case u.Attributes["phone_number"] != "" && u.Attributes["phone_number_verified"] == "true":
		return "phone_number", true
	}
	return "", false
}

func delivery(u User, attr string) *Delivery {
	if attr == "phone_number" {
		return &Delivery{AttributeName: attr, DeliveryMedium: "SMS", Destination: maskPhone(u.Attributes[attr])}
	}
	return &Delivery{AttributeName: attr, DeliveryMedium: "EMAIL", Destination: maskEmail(u.Attributes[attr])}
}

// clientUser resolves a public call's client (checking its SECRET_HASH)
// and pool.
func (s *Service) clientPool(ctx context.Context, clientID, username, secretHash string) (Client, Pool, error) {
	if err := Check(ClientIDField(clientID), UsernameField(username)); err != nil {
		return Client{}, Pool{}, err
	}
	c, err := s.client(ctx, s.st, clientID)
	if err != nil {
		return Client{}, Pool{}, err
	}
	if err := s.checkSecretHash(c, username, secretHash); err != nil {
		return Client{}, Pool{}, err
	}
	p, err := s.pool(ctx, s.st, c.PoolID)
	return c, p, err
}

// ForgotPassword sends a reset code to the user's verified email or phone.
func (s *Service) ForgotPassword(ctx context.Context, clientID, username, secretHash string) (*Delivery, error) {
	c, p, err := s.clientPool(ctx, clientID, username, secretHash)
	if err != nil {
		return nil, err
	}
	var d *Delivery
	var code string
	var u User
	err = s.st.Update(ctx, func(tx store.Tx) error {
		var key string
		var err error
		u, key, err = s.findUser(ctx, tx, p, username)
		if awserr.Is(err, UserNotFound) {
			if c.PreventUserExistenceErrors == "ENABLED" {
				return errHidden
			}
			return awserr.New(UserNotFound, "Username/client id combination not found.")
		}
		if err != nil {
			return err
		}
		attr, ok := recoveryTarget(u)
		if !ok {
			return awserr.New(InvalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		if code, err = randomString(s.o.Rand, "0123456789", 6); err != nil {
			return err
		}
		u.ResetHash, u.ResetExpires, u.ResetFailures = hashCode(code), s.o.Now().UTC().Add(time.Hour), 0
		d = delivery(u, attr)
		return record.Put(ctx, tx, kindUser, key, u)
	})
	if errors.Is(err, errHidden) {
		// PreventUserExistenceErrors: answer as if a code went out.
		return &Delivery{AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "***"}, nil
	}
	if err != nil {
		return nil, err
	}
	s.o.Deliver(ctx, Message{PoolID: p.ID, Username: u.Username, Medium: d.DeliveryMedium, To: u.Attributes[d.AttributeName],
		Kind: "password reset code", Secret: seal.Secret(code)})
	return d, nil
}

// errHidden is a missing user the client's PreventUserExistenceErrors hides.
var errHidden = errors.New("cognito: user existence hidden")

// ConfirmForgotPassword sets a new password with a reset code.
func (s *Service) ConfirmForgotPassword(ctx context.Context, clientID, username, code, password, secretHash string) error {
	if err := Check(PasswordField("password", password)); err != nil {
		return err
	}
	_, p, err := s.clientPool(ctx, clientID, username, secretHash)
	if err != nil {
		return err
	}
	if err := p.PasswordPolicy.Check(password); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	var wrong error
	err = s.st.Update(ctx, func(tx store.Tx) error {
		u, key, err := s.findUser(ctx, tx, p, username)
		if awserr.Is(err, UserNotFound) {
			return awserr.New(UserNotFound, "Username/client id combination not found.")
		}
		if err != nil {
			return err
		}
		if u.ResetFailures >= maxCodeFailures {
			return awserr.New(LimitExceeded, "Attempt limit exceeded, please try after some time.")
		}
		if u.ResetHash == "" || subtle.ConstantTimeCompare([]byte(u.ResetHash), []byte(hashCode(code))) != 1 {
			u.ResetFailures++
			wrong = awserr.New(CodeMismatch, "Invalid verification code provided, please try again.")
			return record.Put(ctx, tx, kindUser, key, u)
		}
		if s.o.Now().After(u.ResetExpires) {
			return awserr.New(ExpiredCode, "Invalid code provided, please request a code again.")
		}
		u.PasswordHash, u.ResetHash, u.ResetExpires, u.ResetFailures = hash, "", time.Time{}, 0
		u.FailedSignIns, u.LockedUntil = 0, time.Time{}
		if u.Status == StatusForceChangePassword {
			u.Status, u.TempExpires = StatusConfirmed, time.Time{}
		}
		u.Modified = s.o.Now().UTC()
		return record.Put(ctx, tx, kindUser, key, u)
	})
	if err == nil {
		err = wrong
	}
	return err
}

// ResendConfirmationCode sends an UNCONFIRMED user a new sign-up code.
func (s *Service) ResendConfirmationCode(ctx context.Context, clientID, username, secretHash string) (*Delivery, error) {
	_, p, err := s.clientPool(ctx, clientID, username, secretHash)
	if err != nil {
		return nil, err
	}
	var d *Delivery
	var code seal.Secret
	var u User
	err = s.st.Update(ctx, func(tx store.Tx) error {
		var key string
		var err error
		u, key, err = s.findUser(ctx, tx, p, username)
		if awserr.Is(err, UserNotFound) {
			return awserr.New(UserNotFound, "Username/client id combination not found.")
		}
		if err != nil {
			return err
		}
		if u.Status != StatusUnconfirmed {
			return awserr.New(InvalidParameter, "User is already confirmed.")
		}
		if d, code, err = s.newCode(p, &u); err != nil {
			return err
		}
		if d == nil {
			return awserr.New(InvalidParameter, "Cannot resend codes. Auto verification not turned on.")
		}
		u.CodeFailures = 0
		return record.Put(ctx, tx, kindUser, key, u)
	})
	if err != nil {
		return nil, err
	}
	s.o.Deliver(ctx, Message{PoolID: p.ID, Username: u.Username, Medium: d.DeliveryMedium, To: u.Attributes[d.AttributeName],
		Kind: "confirmation code", Secret: code})
	return d, nil
}
