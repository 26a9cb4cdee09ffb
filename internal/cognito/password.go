package cognito

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/iamgate/iamgate/internal/awserr"
	"golang.org/x/crypto/argon2"
)

// PasswordPolicy is a pool's Policies.PasswordPolicy.
type PasswordPolicy struct {
	MinimumLength                 int  `json:"minimumLength"`
	RequireUppercase              bool `json:"requireUppercase"`
	RequireLowercase              bool `json:"requireLowercase"`
	RequireNumbers                bool `json:"requireNumbers"`
	RequireSymbols                bool `json:"requireSymbols"`
	TemporaryPasswordValidityDays int  `json:"temporaryPasswordValidityDays"`
}

// DefaultPasswordPolicy is what Cognito gives a pool created without one:
// eight characters, each class required, temporary passwords valid 7 days.
var DefaultPasswordPolicy = PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true,
	RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7}

// symbols are the special characters Cognito counts toward RequireSymbols
// (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
const symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

// Check returns InvalidPasswordException with Cognito's text for the first
// rule p breaks, in Cognito's order: length, then lowercase, uppercase,
// numbers, symbols ("Password did not conform with password policy:
// Password must have numeric characters", as a real AdminCreateUser
// answered: https://github.com/data-dot-all/dataall/issues/690).
func (p PasswordPolicy) Check(pw string) error {
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(symbols, r):
			symbol = true
		}
	}
	reason := ""
	switch {
	case len([]rune(pw)) < p.MinimumLength:
		reason = "Password not long enough"
	case p.RequireLowercase && !lower:
		reason = "Password must have lowercase characters"
	case p.RequireUppercase && !upper:
		reason = "Password must have uppercase characters"
	case p.RequireNumbers && !digit:
		reason = "Password must have numeric characters"
	case p.RequireSymbols && !symbol:
		reason = "Password must have symbol characters"
	default:
		return nil
	}
	return awserr.New(InvalidPassword, "Password did not conform with password policy: %s", reason)
}

// Temporary returns a password that satisfies p, for AdminCreateUser
// without a TemporaryPassword.
func (p PasswordPolicy) Temporary(r io.Reader) (string, error) {
	n := max(p.MinimumLength, 12)
	for {
		body, err := randomString(r, alnum, n-2)
		if err != nil {
			return "", err
		}
		pw := body + "a" + "A" + "7" + "!"
		if p.Check(pw) == nil {
			return pw, nil
		}
	}
}

// Argon2id parameters: OWASP's minimum (19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashPassword returns an encoded argon2id hash with a fresh salt.
func hashPassword(r io.Reader, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

var errBadHash = errors.New("cognito: malformed password hash")

// checkPassword compares pw with an encoded hash in constant time.
func checkPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, errBadHash
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hashSlots bounds the argon2id computations running at once: each holds
// 19 MiB, and sign-up and sign-in are unauthenticated calls.
const hashSlots = 4

func (s *Service) hash(pw string) (string, error) {
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	return hashPassword(s.o.Rand, pw)
}

func (s *Service) check(encoded, pw string) (bool, error) {
	s.hashSem <- struct{}{}
	defer func() { <-s.hashSem }()
	return checkPassword(encoded, pw)
}
