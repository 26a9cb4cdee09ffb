package logs

import (
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/awserr"
)

// maxNameLen is the longest log group or stream name (CloudWatch Logs API
// reference, CreateLogGroup and CreateLogStream: "Length Constraints:
// Minimum length of 1. Maximum length of 512.").
const maxNameLen = 512

// checkGroupName validates a log group name against CloudWatch Logs'
// pattern [\.\-_/#A-Za-z0-9]+, answering its InvalidParameterException
// text ("1 validation error detected: Value 'x' at 'logGroupName' failed to
// satisfy constraint: Member must satisfy regular expression pattern:
// [\.\-_/#A-Za-z0-9]+", https://github.com/awslabs/aws-embedded-metrics-node/pull/160).
func checkGroupName(name string) error {
	if err := checkLength("logGroupName", name); err != nil {
		return err
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/' || c == '#') {
			return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
		}
	}
	return nil
}

// checkStreamName validates a log stream name: 1 to 512 characters, no ':'
// or '*' (pattern [^:*]*).
func checkStreamName(name string) error {
	if err := checkLength("logStreamName", name); err != nil {
		return err
	}
	for i := 0; i < len(name); i++ {
		if name[i] == ':' || name[i] == '*' {
			return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
		}
	}
	return nil
}

// checkLength counts characters, as the API does, not bytes (an invalid
// UTF-8 byte counts as one, as it would as a rune; no []rune copy: every
// function log write checks two names).
func checkLength(member, name string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case n < 1:
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", name, member)
	case n > maxNameLen:
		return awserr.New(InvalidParameter, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", name, member, maxNameLen)
	}
	return nil
}

// checkNames validates a group and stream name pair.
func checkNames(group, stream string) error {
	if err := checkGroupName(group); err != nil {
		return err
	}
	return checkStreamName(stream)
}
