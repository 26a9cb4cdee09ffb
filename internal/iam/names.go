package iam

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Patterns from the IAM API reference (e.g. API_CreateUser.html): names use
// [\w+=,.@-]+ and paths (\u002F)|(\u002F[\u0021-\u007E]+\u002F).
const (
	namePattern = `[\w+=,.@-]+`
	pathPattern = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
)

var (
	nameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathRE = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	// sessionNameRE allows the empty string; length is checked separately.
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]*$`)
)

// validationError words a constraint failure as AWS's Coral validator does:
// "1 validation error detected: Value 'x' at 'userName' failed to satisfy
// constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+".
func validationError(value, field, constraint string) error {
	return awserr.New(awserr.ValidationError,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member %s", value, field, constraint)
}

// checkName validates an entity or policy name against IAM's length and pattern.
func checkName(field, name string, max int) error {
	if n := utf8.RuneCountInString(name); n < 1 {
		return validationError(name, field, "must have length greater than or equal to 1")
	} else if n > max {
		return validationError(name, field, fmt.Sprintf("must have length less than or equal to %d", max))
	}
	if !nameRE.MatchString(name) {
		return validationError(name, field, "must satisfy regular expression pattern: "+namePattern)
	}
	return nil
}

// checkPath validates an IAM path; "" means "/".
func checkPath(path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if len(path) > 512 {
		return "", validationError(path, "path", "must have length less than or equal to 512")
	}
	if !pathRE.MatchString(path) {
		return "", validationError(path, "path", "must satisfy regular expression pattern: "+pathPattern)
	}
	return path, nil
}

// checkPathPrefix validates a ListUsers/ListRoles path prefix; "" means "/".
func checkPathPrefix(prefix string) (string, error) {
	if prefix == "" {
		return "/", nil
	}
	if len(prefix) > 512 || prefix[0] != '/' {
		return "", validationError(prefix, "pathPrefix", `must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return prefix, nil
}

func noSuchEntity(label, name string) error {
	return awserr.New(awserr.NoSuchEntity, "The %s with name %s cannot be found.", label, name)
}

func alreadyExists(label, name string) error {
	return awserr.New(awserr.EntityAlreadyExists, "%s with name %s already exists.", label, name)
}

func noSuchInline(label, policy string) error {
	return awserr.New(awserr.NoSuchEntity, "The %s policy with name %s cannot be found.", label, policy)
}

func notAttachable(arn string) error {
	return awserr.New(awserr.NoSuchEntity, "Policy %s does not exist or is not attachable.", arn)
}

func policyNotFound(arn string) error {
	return awserr.New(awserr.NoSuchEntity, "Policy %s was not found.", arn)
}

func deleteConflict(msg string) error { return awserr.New(awserr.DeleteConflict, "%s", msg) }

// IDs and secrets. AWS unique ids are a four-letter type prefix and base32
// characters (A-Z, 2-7); secrets are 40 characters of base64's alphabet.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
const (
	idAlphabet     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randomString draws n characters from alphabet, whose length must divide 256.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand never fails (Go 1.24+)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func newUserID() string    { return "AIDA" + randomString(idAlphabet, 17) }
func newRoleID() string    { return "AROA" + randomString(idAlphabet, 17) }
func newGroupID() string   { return "AGPA" + randomString(idAlphabet, 17) }
func newPolicyID() string  { return "ANPA" + randomString(idAlphabet, 17) }
func newKeyID() string     { return "AKIA" + randomString(idAlphabet, 16) }
func newSessionID() string { return "ASIA" + randomString(idAlphabet, 16) }
func newSecret() string    { return randomString(secretAlphabet, 40) }

// newSessionToken is an opaque bearer token, long like AWS's.
func newSessionToken() string { return randomString(secretAlphabet, 296) }
