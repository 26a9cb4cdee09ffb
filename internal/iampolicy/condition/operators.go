package condition

import (
	"bytes"
	"encoding/base64"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
)

type kind int

const (
	kindString kind = iota
	kindNumeric
	kindDate
	kindBool
	kindBinary
	kindIP
	kindARN
	kindNull
)

// operator is one base operator. match compares a request value with a policy
// value for the positive form; valid is false when either cannot be read as
// the operator's type (then neither the positive nor the negated form holds).
type operator struct {
	name      string
	kind      kind
	negated   bool
	variables bool // policy variables are substituted in values (per the operators page)
	match     func(req, pol string) (ok, valid bool)
}

var operators = map[string]*operator{}

func register(names [2]string, k kind, vars bool, m func(req, pol string) (bool, bool)) {
	for i, n := range names {
		if n == "" {
			continue
		}
		operators[strings.ToLower(n)] = &operator{name: n, kind: k, negated: i == 1, variables: vars, match: m}
	}
}

func init() {
	register([2]string{"StringEquals", "StringNotEquals"}, kindString, true, strEq)
	register([2]string{"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}, kindString, true, strEqFold)
	register([2]string{"StringLike", "StringNotLike"}, kindString, true, strLike)
	register([2]string{"NumericEquals", "NumericNotEquals"}, kindNumeric, false, numCmp(func(c int) bool { return c == 0 }))
	register([2]string{"NumericLessThan", ""}, kindNumeric, false, numCmp(func(c int) bool { return c < 0 }))
	register([2]string{"NumericLessThanEquals", ""}, kindNumeric, false, numCmp(func(c int) bool { return c <= 0 }))
	register([2]string{"NumericGreaterThan", ""}, kindNumeric, false, numCmp(func(c int) bool { return c > 0 }))
	register([2]string{"NumericGreaterThanEquals", ""}, kindNumeric, false, numCmp(func(c int) bool { return c >= 0 }))
	register([2]string{"DateEquals", "DateNotEquals"}, kindDate, false, dateCmp(func(c int) bool { return c == 0 }))
	register([2]string{"DateLessThan", ""}, kindDate, false, dateCmp(func(c int) bool { return c < 0 }))
	register([2]string{"DateLessThanEquals", ""}, kindDate, false, dateCmp(func(c int) bool { return c <= 0 }))
	register([2]string{"DateGreaterThan", ""}, kindDate, false, dateCmp(func(c int) bool { return c > 0 }))
	register([2]string{"DateGreaterThanEquals", ""}, kindDate, false, dateCmp(func(c int) bool { return c >= 0 }))
	register([2]string{"Bool", ""}, kindBool, true, boolEq)
	register([2]string{"BinaryEquals", ""}, kindBinary, false, binEq)
	register([2]string{"IpAddress", "NotIpAddress"}, kindIP, false, ipIn)
	register([2]string{"ArnEquals", "ArnNotEquals"}, kindARN, true, arnLike)
	register([2]string{"ArnLike", "ArnNotLike"}, kindARN, true, arnLike)
	register([2]string{"Null", ""}, kindNull, false, nil)
}

func lookup(name string) *operator { return operators[strings.ToLower(name)] }

// Known reports whether name (with any qualifier and IfExists suffix) is an
// IAM condition operator.
func Known(name string) bool {
	_, base, ifExists := splitOperator(name)
	op := lookup(base)
	return op != nil && !(ifExists && op.kind == kindNull)
}

func strEq(req, pol string) (bool, bool)     { return req == pol, true }
func strEqFold(req, pol string) (bool, bool) { return strings.EqualFold(req, pol), true }
func strLike(req, pol string) (bool, bool)   { return arn.Glob(pol, req), true }

// arnLike implements ArnEquals and ArnLike, which AWS documents as the same
// per-segment wildcard match.
func arnLike(req, pol string) (bool, bool) { return arn.Match(pol, req), true }

func boolEq(req, pol string) (bool, bool) {
	r, err1 := strconv.ParseBool(strings.ToLower(req))
	p, err2 := strconv.ParseBool(strings.ToLower(pol))
	if err1 != nil || err2 != nil {
		return false, false
	}
	return r == p, true
}

func binEq(req, pol string) (bool, bool) {
	p, err := base64.StdEncoding.DecodeString(pol)
	if err != nil {
		return false, false
	}
	r, err := base64.StdEncoding.DecodeString(req)
	if err != nil {
		// A request value that is raw bytes rather than base64.
		r = []byte(req)
	}
	return bytes.Equal(r, p), true
}

// numCmp compares as exact decimals so that "1.10" equals "1.1" and large
// integers do not lose precision in a float64.
func numCmp(ok func(int) bool) func(req, pol string) (bool, bool) {
	return func(req, pol string) (bool, bool) {
		r, ok1 := parseNumber(req)
		p, ok2 := parseNumber(pol)
		if !ok1 || !ok2 {
			return false, false
		}
		return ok(r.Cmp(p)), true
	}
}

func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || strings.ContainsAny(s, "/eE") {
		// Rat.SetString accepts fractions and huge exponents; IAM numbers are plain decimals.
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

func dateCmp(ok func(int) bool) func(req, pol string) (bool, bool) {
	return func(req, pol string) (bool, bool) {
		r, ok1 := ParseDate(req)
		p, ok2 := ParseDate(pol)
		if !ok1 || !ok2 {
			return false, false
		}
		return ok(r.Compare(p)), true
	}
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z",
	"2006-01-02",
	"20060102T150405Z",
}

// ParseDate reads the date forms IAM accepts in Date* conditions: ISO 8601
// (date, date-time with or without fraction and zone) and epoch seconds.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ipIn reports whether the request address lies in the policy's CIDR block; a
// bare address in the policy means that one address.
func ipIn(req, pol string) (bool, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(req))
	if err != nil {
		return false, false
	}
	p, ok := ParsePrefix(pol)
	if !ok {
		return false, false
	}
	return p.Contains(a.Unmap()), true
}

// ParsePrefix reads an IpAddress policy value: a CIDR block or a single
// IPv4/IPv6 address.
func ParsePrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
