package cognito

import (
	"fmt"
	"io"
	"regexp"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/awserr"
)

// Patterns of the API's string shapes (the service model's constraints).
var (
	poolIDPattern   = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)
	clientIDPattern = regexp.MustCompile(`^[\w+]+$`)
	userPattern     = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	poolNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]+$`)
	passwordPattern = regexp.MustCompile(`^\S+$`)
)

// Field is one value checked against its shape's constraints.
type Field struct {
	Name      string // the member as the service names it: 'userPoolId'
	Value     string
	Pattern   *regexp.Regexp
	PatternS  string // the pattern as AWS prints it
	Min, Max  int    // lengths in characters; Max 0 is unbounded
	Sensitive bool   // sensitive values are not echoed in the message
}

// Check returns InvalidParameterException with AWS's validation wording
// ("1 validation error detected: Value 'x' at 'userPoolId' failed to
// satisfy constraint: Member must satisfy regular expression pattern: ...")
// for the first constraint a field breaks.
func Check(fields ...Field) error {
	var msgs []string
	for _, f := range fields {
		if m := f.violation(); m != "" {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d validation error", len(msgs))
	if len(msgs) > 1 {
		msg += "s"
	}
	msg += " detected: "
	for i, m := range msgs {
		if i > 0 {
			msg += "; "
		}
		msg += m
	}
	return awserr.New(InvalidParameter, "%s", msg)
}

func (f Field) violation() string {
	value := "Value '" + f.Value + "' at '" + f.Name + "'"
	if f.Sensitive {
		value = "Value at '" + f.Name + "'"
	}
	n := utf8.RuneCountInString(f.Value)
	switch {
	case f.Min > 0 && n == 0:
		return "Value null at '" + f.Name + "' failed to satisfy constraint: Member must not be null"
	case n < f.Min:
		return fmt.Sprintf("%s failed to satisfy constraint: Member must have length greater than or equal to %d", value, f.Min)
	case f.Max > 0 && n > f.Max:
		return fmt.Sprintf("%s failed to satisfy constraint: Member must have length less than or equal to %d", value, f.Max)
	case f.Pattern != nil && n > 0 && !f.Pattern.MatchString(f.Value):
		return value + " failed to satisfy constraint: Member must satisfy regular expression pattern: " + f.PatternS
	}
	return ""
}

// PoolIDField, ClientIDField, UsernameField, GroupNameField and
// PasswordField are the shapes most operations take.
func PoolIDField(v string) Field {
	return Field{Name: "userPoolId", Value: v, Pattern: poolIDPattern, PatternS: `[\w-]+_[0-9a-zA-Z]+`, Min: 1, Max: 55}
}

func ClientIDField(v string) Field {
	return Field{Name: "clientId", Value: v, Pattern: clientIDPattern, PatternS: `[\w+]+`, Min: 1, Max: 128, Sensitive: true}
}

func UsernameField(v string) Field {
	return Field{Name: "username", Value: v, Pattern: userPattern, PatternS: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, Min: 1, Max: 128, Sensitive: true}
}

func GroupNameField(v string) Field {
	return Field{Name: "groupName", Value: v, Pattern: userPattern, PatternS: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, Min: 1, Max: 128}
}

func PasswordField(name, v string) Field {
	return Field{Name: name, Value: v, Pattern: passwordPattern, PatternS: `[\S]+`, Min: 1, Max: 256, Sensitive: true}
}

func PoolNameField(v string) Field {
	return Field{Name: "poolName", Value: v, Pattern: poolNamePattern, PatternS: `[\w\s+=,.@-]+`, Min: 1, Max: 128}
}

func ClientNameField(v string) Field {
	return Field{Name: "clientName", Value: v, Pattern: poolNamePattern, PatternS: `[\w\s+=,.@-]+`, Min: 1, Max: 128}
}

// ValidPoolID reports whether id has the form of a user pool id, so it
// may be used in a path such as /{poolId}/.well-known/jwks.json.
func ValidPoolID(id string) bool { return len(id) <= 55 && poolIDPattern.MatchString(id) }

const (
	alnum    = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowernum = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// randomString draws n characters of alphabet without modulo bias.
func randomString(r io.Reader, alphabet string, n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		if int(buf[0]) >= limit {
			continue
		}
		out = append(out, alphabet[int(buf[0])%len(alphabet)])
	}
	return string(out), nil
}
