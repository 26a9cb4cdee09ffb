package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/iamgate/iamgate/internal/arn"
)

// maxResourceLen is the longest Resource an authorizer's policy may name:
// "the Resource ARN, as shown in the policy statement output by the
// authorizer, is currently limited to 512 characters long"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
const maxResourceLen = 512

// Policy is the policyDocument a Lambda authorizer returned.
type Policy struct {
	Version    string      `json:"Version,omitempty"`
	Statements []Statement `json:"Statement"`
}

// Statement is one statement of an authorizer policy. Only what API
// Gateway matches is kept: Effect, Action (or NotAction), Resource (or
// NotResource); HasCondition records a Condition, which is not evaluated.
type Statement struct {
	Sid          string   `json:"Sid,omitempty"`
	Effect       string   `json:"Effect"`
	Action       []string `json:"Action,omitempty"`
	NotAction    []string `json:"NotAction,omitempty"`
	Resource     []string `json:"Resource,omitempty"`
	NotResource  []string `json:"NotResource,omitempty"`
	HasCondition bool     `json:"-"`
}

// Effect is the outcome of matching a policy against a method ARN.
type Effect int

// The three outcomes, as API Gateway distinguishes them in its answers.
const (
	ImplicitDeny Effect = iota
	Allow
	ExplicitDeny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Decision is a policy's answer for one method ARN, with the statement
// that decided it (-1 for an implicit deny) for traces.
type Decision struct {
	Effect    Effect
	Statement int
	// Note explains statements that were not applied as written
	// (a Condition), for traces.
	Note string
}

const invokeAction = "execute-api:Invoke"

// Evaluate matches the policy against methodARN the way API Gateway
// evaluates an authorizer's policy: a statement applies when its Action
// matches execute-api:Invoke (case-insensitively, '*' and '?' wildcards)
// and its Resource matches the method ARN; any applying Deny wins, else
// any applying Allow allows, else the request is implicitly denied.
//
// Resources match as ARNs: '*' and '?' stay within each of the partition,
// service, region and account segments, and cross '/' in the resource part
// ("arn:aws:execute-api:us-east-1:*:api/*/GET/pets/*" matches
// ".../api/prod/GET/pets/1/toys": a '*' that is not the last character
// still spans path segments, as
// https://github.com/awslabs/aws-apigateway-lambda-authorizer-blueprints/pull/40
// and https://repost.aws/questions/QU4Fkm_neaTBu6ub8RJsgFTQ observe).
//
// Conditions are not evaluated: API Gateway documents no condition keys
// for authorizer policies, so a conditioned Allow never allows (fail
// closed) and a conditioned Deny always denies; Note says so.
func (p *Policy) Evaluate(methodARN string) Decision {
	d := Decision{Effect: ImplicitDeny, Statement: -1}
	for i, st := range p.Statements {
		if !st.applies(methodARN) {
			continue
		}
		if st.HasCondition {
			d.Note = fmt.Sprintf("statement %d has a Condition, which API Gateway authorizer policies do not evaluate: an Allow with one never allows, a Deny with one always denies", i)
		}
		switch {
		case st.Effect == "Deny":
			return Decision{Effect: ExplicitDeny, Statement: i, Note: d.Note}
		case st.Effect == "Allow" && !st.HasCondition && d.Effect == ImplicitDeny:
			d.Effect, d.Statement = Allow, i
		}
	}
	return d
}

func (st *Statement) applies(methodARN string) bool {
	if st.Action != nil && !anyMatch(st.Action, invokeAction, actionMatch) {
		return false
	}
	if st.NotAction != nil && anyMatch(st.NotAction, invokeAction, actionMatch) {
		return false
	}
	if st.Resource != nil && !anyMatch(st.Resource, methodARN, resourceMatch) {
		return false
	}
	if st.NotResource != nil && anyMatch(st.NotResource, methodARN, resourceMatch) {
		return false
	}
	return true
}

func anyMatch(patterns []string, s string, match func(p, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

func actionMatch(pattern, action string) bool {
	return pattern == "*" || arn.GlobFold(pattern, action)
}

// resourceMatch compares a policy resource with the method ARN segment by
// segment: a pattern with fewer than six ARN parts matches nothing but the
// lone "*". The literal-wildcard code points of IAM policy variables have
// no meaning here, so a pattern holding them matches nothing.
func resourceMatch(pattern, methodARN string) bool {
	if strings.ContainsRune(pattern, arn.LiteralStar) || strings.ContainsRune(pattern, arn.LiteralQuestion) {
		return false
	}
	if pattern == "*" {
		return true
	}
	if strings.Count(pattern, ":") < 5 {
		return false
	}
	return arn.Match(pattern, methodARN)
}

// errPolicy wraps every policy document error.
var errPolicy = errors.New("invalid policyDocument")

// parsePolicy reads a policyDocument: an object whose Statement is one
// statement or a list, each with Effect Allow or Deny and at least one of
// Action/NotAction and Resource/NotResource, given as a string or a list
// of strings.
func parsePolicy(raw json.RawMessage) (*Policy, error) {
	doc, err := fields(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPolicy, err)
	}
	p := &Policy{}
	if v, ok := doc["Version"]; ok {
		if err := json.Unmarshal(v, &p.Version); err != nil {
			return nil, fmt.Errorf("%w: Version must be a string", errPolicy)
		}
	}
	stmts, err := oneOrMany(doc["Statement"])
	if err != nil || len(stmts) == 0 {
		return nil, fmt.Errorf("%w: Statement must be a statement or a non-empty list of statements", errPolicy)
	}
	for i, s := range stmts {
		st, err := parseStatement(s)
		if err != nil {
			return nil, fmt.Errorf("%w: statement %d: %v", errPolicy, i, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(raw json.RawMessage) (Statement, error) {
	f, err := fields(raw)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{HasCondition: present(f["Condition"])}
	if v, ok := f["Sid"]; ok {
		if err := json.Unmarshal(v, &st.Sid); err != nil {
			return Statement{}, errors.New("Sid must be a string")
		}
	}
	if err := json.Unmarshal(f["Effect"], &st.Effect); err != nil || (st.Effect != "Allow" && st.Effect != "Deny") {
		return Statement{}, errors.New(`Effect must be "Allow" or "Deny"`)
	}
	if st.Action, st.NotAction, err = pair(f["Action"], f["NotAction"], "Action"); err != nil {
		return Statement{}, err
	}
	if st.Resource, st.NotResource, err = pair(f["Resource"], f["NotResource"], "Resource"); err != nil {
		return Statement{}, err
	}
	for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
		if len(r) > maxResourceLen {
			return Statement{}, fmt.Errorf("a Resource is longer than %d characters", maxResourceLen)
		}
	}
	return st, nil
}

// pair reads an element and its Not- form: exactly one must be present.
func pair(yes, not json.RawMessage, name string) ([]string, []string, error) {
	hasYes, hasNot := present(yes), present(not)
	if hasYes == hasNot {
		return nil, nil, fmt.Errorf("exactly one of %s and Not%s is required", name, name)
	}
	raw := yes
	if hasNot {
		raw = not
	}
	list, err := stringList(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	if hasNot {
		return nil, list, nil
	}
	return list, nil, nil
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// stringList reads a string or a non-empty list of strings.
func stringList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil || len(many) == 0 {
		return nil, errors.New("must be a string or a non-empty list of strings")
	}
	return many, nil
}

// oneOrMany reads an object or a list of objects as raw elements.
func oneOrMany(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("missing")
	}
	if raw[0] == '{' {
		return []json.RawMessage{raw}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// fields decodes a JSON object into its members, keys exactly as written:
// policy element names are case-sensitive.
func fields(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}
