package iampolicy

import (
	"strings"
	"unicode/utf8"

	"github.com/iamgate/iamgate/internal/arn"
)

// actionIndex finds the first entry of a long Action or NotAction list that
// matches an action without globbing every entry: AWS's ReadOnlyAccess
// lists 2914, and a glob each was ~100 us per decision. Entries whose
// service prefix is plain (ASCII, no wildcard) are filed under it, lower
// case; only those of the action's service and the others can match, since
// the glob compares such a prefix, then its ':', character by character.
type actionIndex struct {
	byService map[string][]int // entry positions, ascending
	other     []int            // entries with no plain prefix, ascending
}

// minIndexed is the shortest list worth an index.
const minIndexed = 16

func newActionIndex(patterns []string) *actionIndex {
	if len(patterns) < minIndexed {
		return nil
	}
	ix := &actionIndex{byService: map[string][]int{}}
	for i, p := range patterns {
		if svc, ok := plainService(p); ok {
			k := strings.ToLower(svc)
			ix.byService[k] = append(ix.byService[k], i)
		} else {
			ix.other = append(ix.other, i)
		}
	}
	return ix
}

// plainService is the prefix of s before its first ':' when that prefix is
// ASCII and holds no wildcard; ok is false otherwise. (A prefix or an action
// that is not ASCII is left to the glob: Unicode folding matches the Kelvin
// sign to 'k'.)
func plainService(s string) (svc string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return "", false
	}
	for j := 0; j < i; j++ {
		if c := s[j]; c >= utf8.RuneSelf || c == '*' || c == '?' {
			return "", false
		}
	}
	return s[:i], true
}

// first is the position of the first entry of patterns (the list ix was
// built from; ix may be nil) that matches action, or -1.
func (ix *actionIndex) first(patterns []string, action string) int {
	if svc, ok := plainService(action); ix != nil && ok {
		return firstMatch(patterns, action, ix.byService[lowerASCII(svc)], ix.other)
	}
	for i, p := range patterns {
		if arn.GlobFold(p, action) {
			return i
		}
	}
	return -1
}

// firstMatch globs the entries at positions a and b (each ascending) in
// the list's order and returns the first that matches, or -1.
func firstMatch(patterns []string, action string, a, b []int) int {
	for len(a) > 0 || len(b) > 0 {
		var i int
		if len(b) == 0 || (len(a) > 0 && a[0] < b[0]) {
			i, a = a[0], a[1:]
		} else {
			i, b = b[0], b[1:]
		}
		if arn.GlobFold(patterns[i], action) {
			return i
		}
	}
	return -1
}

// lowerASCII is strings.ToLower for ASCII s, without a copy when s is
// already lower case (action names are).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
