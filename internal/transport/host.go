package transport

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Kind is what a host name is to iamgate.
type Kind int

const (
	// Other is any host iamgate does not answer for: a proxy request for
	// it is refused.
	Other Kind = iota
	// Local is iamgate's own names: localhost, *.localhost and loopback
	// addresses.
	Local
	// AWS is an AWS endpoint host name (*.amazonaws.com) of a known form.
	AWS
)

func (k Kind) String() string {
	switch k {
	case Local:
		return "local"
	case AWS:
		return "aws"
	}
	return "other"
}

// Host is a classified host name.
type Host struct {
	Name string // lower case, without a trailing dot
	Kind Kind
	// For AWS hosts: the service as the endpoint names it ("sts", "s3",
	// "execute-api"), the region ("" for a global endpoint such as
	// iam.amazonaws.com), and the API id or bucket the host names.
	Service, Region string
	APIID, Bucket   string
}

const awsSuffix = ".amazonaws.com"

// Classify parses a host name (no port). It accepts only the endpoint
// forms AWS documents; anything else under amazonaws.com is Other, so a
// proxy never claims a name it cannot serve.
func Classify(name string) Host {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	h := Host{Name: name}
	if ip, err := netip.ParseAddr(strings.Trim(name, "[]")); err == nil {
		if ip.IsLoopback() {
			h.Kind = Local
		}
		return h
	}
	if !validDNSName(name) {
		return h
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		h.Kind = Local
		return h
	}
	if labels := strings.Split(name, "."); len(labels) == 5 && labels[1] == "lambda-url" && labels[3]+"."+labels[4] == "on.aws" {
		// {urlId}.lambda-url.{region}.on.aws: a Lambda function URL.
		if !validFunctionURLID(labels[0]) || !validRegion(labels[2]) {
			return h
		}
		h.Service, h.Region, h.Kind = "lambda-url", labels[2], AWS
		return h
	}
	rest, ok := strings.CutSuffix(name, awsSuffix)
	if !ok || rest == "" {
		return h
	}
	labels := strings.Split(rest, ".")
	n := len(labels)
	switch {
	// {apiId}.execute-api.{region}.amazonaws.com
	case n == 3 && labels[1] == "execute-api":
		if !validAPIID(labels[0]) || !validRegion(labels[2]) {
			return h
		}
		h.Service, h.APIID, h.Region = "execute-api", labels[0], labels[2]
	case s3Host(&h, labels):
	// {service}.amazonaws.com and {service}.{region}.amazonaws.com
	// (execute-api has no such endpoint: its hosts name an API).
	case labels[0] == "execute-api":
		return h
	case n == 1 && validService(labels[0]):
		h.Service = labels[0]
	case n == 2 && validService(labels[0]) && validRegion(labels[1]):
		h.Service, h.Region = labels[0], labels[1]
	default:
		return h
	}
	h.Service = strings.TrimSuffix(h.Service, "-fips")
	h.Kind = AWS
	return h
}

// s3Host recognises S3's path-style and virtual-hosted endpoints:
// s3.amazonaws.com, s3.{region}, s3-{region}, s3.dualstack.{region}, each
// with an optional bucket in front (bucket names may hold dots, so the S3
// label is searched for from the right).
func s3Host(h *Host, labels []string) bool {
	for i := len(labels) - 1; i >= 0; i-- {
		l := labels[i]
		if l != "s3" && l != "s3-fips" && !strings.HasPrefix(l, "s3-") {
			continue
		}
		after := labels[i+1:]
		region := ""
		switch {
		case l == "s3" || l == "s3-fips":
			if len(after) > 0 && after[0] == "dualstack" {
				after = after[1:]
			}
			if len(after) > 1 || len(after) == 1 && !validRegion(after[0]) {
				return false
			}
			if len(after) == 1 {
				region = after[0]
			}
		case l == "s3-external-1":
			region = "us-east-1"
		default: // the legacy dash form, s3-us-west-2
			if len(after) != 0 || !validRegion(l[3:]) {
				return false
			}
			region = l[3:]
		}
		if l != "s3" && l != "s3-fips" && len(after) != 0 {
			return false
		}
		bucket := strings.Join(labels[:i], ".")
		if bucket != "" && !validBucket(bucket) {
			return false
		}
		h.Service, h.Region, h.Bucket = "s3", region, bucket
		return true
	}
	return false
}

// ErrBadTarget is returned for a proxy target that is not host:port.
var ErrBadTarget = errors.New("proxy target is not host:port")

// ParseTarget parses a CONNECT request target, the authority form
// "host:port" of RFC 9110 section 9.3.6 ("[::1]:443" for IPv6), and
// classifies the host.
func ParseTarget(authority string) (Host, uint16, error) {
	host, port, err := net.SplitHostPort(authority)
	if err != nil || host == "" {
		return Host{}, 0, ErrBadTarget
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 || port[0] == '+' || port[0] == '0' {
		return Host{}, 0, ErrBadTarget
	}
	if _, err := netip.ParseAddr(host); err != nil && !validDNSName(strings.ToLower(strings.TrimSuffix(host, "."))) {
		return Host{}, 0, ErrBadTarget
	}
	return Classify(host), uint16(p), nil
}

// validDNSName accepts lower-case letters, digits, hyphens and underscores
// in dot-separated labels of 1 to 63 characters, 253 in all.
func validDNSName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// validRegion matches region names such as us-east-1, ap-northeast-1,
// us-gov-west-1: two letters, one or more words, a number.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	last := parts[len(parts)-1]
	return last != "" && len(last) <= 3 && strings.Trim(last, "0123456789") == ""
}

// validService: endpoint prefixes are lower-case words joined by hyphens
// (sts, cloudformation, execute-api, sts-fips).
func validService(s string) bool {
	return s != "" && len(s) <= 40 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == "" &&
		s[0] != '-' && s[len(s)-1] != '-'
}

// validAPIID: API Gateway ids are ten lower-case letters and digits; the
// gateway's router accepts the same alphabet.
func validAPIID(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// validBucket follows the bucket naming rules: 3 to 63 characters of
// lower-case letters, digits, dots and hyphens.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
func validBucket(s string) bool {
	return len(s) >= 3 && len(s) <= 63 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") == ""
}

// validFunctionURLID: a function URL id is 32 lower-case letters and digits.
func validFunctionURLID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
