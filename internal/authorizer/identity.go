package authorizer

import (
	"fmt"
	"strings"
)

// SourceKind is where an identity source value is read.
type SourceKind int

// The places a REST or HTTP API identity source can name.
const (
	Header SourceKind = iota + 1
	Query
	StageVariable
	Context
)

// Source is one identity source: a request header, query string
// parameter, stage variable or context variable.
type Source struct {
	Kind SourceKind
	Name string
}

func (s Source) String() string {
	switch s.Kind {
	case Header:
		return "method.request.header." + s.Name
	case Query:
		return "method.request.querystring." + s.Name
	case StageVariable:
		return "stageVariables." + s.Name
	}
	return "context." + s.Name
}

// Sources is an authorizer's identity source list.
type Sources []Source

// restPrefixes are the REST identity source expressions
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html#identitySource).
var restPrefixes = []struct {
	prefix string
	kind   SourceKind
}{
	{"method.request.header.", Header},
	{"method.request.querystring.", Query},
	{"stageVariables.", StageVariable},
	{"context.", Context},
}

// v2Prefixes are the HTTP API forms
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html#http-api-lambda-authorizer.identity-sources).
var v2Prefixes = []struct {
	prefix string
	kind   SourceKind
}{
	{"$request.header.", Header},
	{"$request.querystring.", Query},
	{"$stageVariables.", StageVariable},
	{"$context.", Context},
}

// ParseSources reads a REST identitySource: comma-separated mapping
// expressions such as "method.request.header.Auth, method.request.querystring.name".
// An empty string is no source.
func ParseSources(s string) (Sources, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out Sources
	for part := range strings.SplitSeq(s, ",") {
		src, err := parseOne(strings.TrimSpace(part), restPrefixes)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

// ParseSourcesV2 reads an HTTP API identitySource list ("$request.header.Authorization", ...).
func ParseSourcesV2(list []string) (Sources, error) {
	var out Sources
	for _, e := range list {
		src, err := parseOne(strings.TrimSpace(e), v2Prefixes)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

func parseOne(expr string, prefixes []struct {
	prefix string
	kind   SourceKind
}) (Source, error) {
	for _, p := range prefixes {
		if name, ok := strings.CutPrefix(expr, p.prefix); ok && name != "" && !strings.ContainsAny(name, " \t,") {
			return Source{Kind: p.kind, Name: name}, nil
		}
	}
	return Source{}, fmt.Errorf("invalid identity source %q", expr)
}

// Lookup reads identity source values from a request. ok is false when the
// request has no such value.
type Lookup interface {
	Header(name string) (string, bool)
	Query(name string) (string, bool)
	StageVariable(name string) (string, bool)
	Context(name string) (string, bool)
}

// Values resolves every source. ok is false when one is missing or empty:
// API Gateway then answers 401 Unauthorized without calling the function
// ("If a specified identity source is missing, null, or empty, API Gateway
// returns a 401 Unauthorized response without calling the authorizer
// Lambda function",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html).
// missing names the first source without a value.
func (s Sources) Values(l Lookup) (values []string, missing string, ok bool) {
	values = make([]string, 0, len(s))
	for _, src := range s {
		var v string
		var found bool
		switch src.Kind {
		case Header:
			v, found = l.Header(src.Name)
		case Query:
			v, found = l.Query(src.Name)
		case StageVariable:
			v, found = l.StageVariable(src.Name)
		case Context:
			v, found = l.Context(src.Name)
		}
		if !found || v == "" {
			return nil, src.String(), false
		}
		values = append(values, v)
	}
	return values, "", true
}
