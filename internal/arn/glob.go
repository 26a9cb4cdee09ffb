package arn

import (
	"unicode"
	"unicode/utf8"
)

// LiteralStar and LiteralQuestion stand in a pattern for a '*' or '?' that
// must match itself, not act as a wildcard: IAM's policy variables ${*} and
// ${?} expand to them. They are Unicode private-use code points, which no ARN
// or AWS name contains.
const (
	LiteralStar     = '\uE000'
	LiteralQuestion = '\uE001'
)

// Glob reports whether s matches pattern, where '*' matches any run of
// characters (including none) and '?' matches exactly one character. IAM has no
// escape character; the caller writes LiteralStar or LiteralQuestion where a
// policy variable ${*} or ${?} stood. Runs in O(len(pattern)*len(s))
// in the worst case, never exponentially.
func Glob(pattern, s string) bool {
	return glob(pattern, s, false)
}

// GlobFold is Glob with Unicode case folding, for IAM actions, which match
// case-insensitively.
func GlobFold(pattern, s string) bool {
	return glob(pattern, s, true)
}

func glob(p, s string, fold bool) bool {
	// Classic single-backtrack wildcard matcher: remember the last '*' and the
	// position in s it was tried at; on a mismatch let that '*' eat one more
	// character.
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			pc, pw := utf8.DecodeRuneInString(p[pi:])
			sc, sw := utf8.DecodeRuneInString(s[si:])
			switch {
			case pc == '*':
				starP, starS = pi, si
				pi += pw
				continue
			case pc == '?' || runeEq(pc, sc, fold):
				pi += pw
				si += sw
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starS:])
		starS += sw
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func runeEq(a, b rune, fold bool) bool {
	switch a {
	case LiteralStar:
		a = '*'
	case LiteralQuestion:
		a = '?'
	}
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	return foldRune(a) == foldRune(b)
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}
