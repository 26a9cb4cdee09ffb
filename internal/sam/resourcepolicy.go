package sam

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// This file builds an API's x-amazon-apigateway-policy from
// Auth.ResourcePolicy, as the translator's SwaggerEditor.add_resource_policy
// does: one statement pair per allow/deny list, scoped to the methods of a
// path on the API's stage.

const policyKey = "x-amazon-apigateway-policy"

func (x *translator) addResourcePolicy(body, rp map[string]any, path string, stage any) error {
	pol, _ := body[policyKey].(map[string]any)
	if pol == nil {
		pol = map[string]any{}
	}
	res := methodResources(body, path, stage)
	if v := rp["AwsAccountWhitelist"]; v != nil {
		if err := addIAMStatement(pol, v, "Allow", res); err != nil {
			return err
		}
	}
	if v := rp["AwsAccountBlacklist"]; v != nil {
		if err := addIAMStatement(pol, v, "Deny", res); err != nil {
			return err
		}
	}
	if v := rp["IpRangeWhitelist"]; v != nil {
		addIPStatements(pol, v, "NotIpAddress", res)
	}
	if v := rp["IpRangeBlacklist"]; v != nil {
		addIPStatements(pol, v, "IpAddress", res)
	}
	if !allStrings(rp["SourceVpcBlacklist"]) {
		return errors.New("SourceVpcBlacklist must be a list of strings. Use IntrinsicVpcBlacklist instead for values that use Intrinsic Functions")
	}
	addVPCStatements(pol, rp["SourceVpcBlacklist"], rp["IntrinsicVpcBlacklist"], rp["IntrinsicVpceBlacklist"], "StringEquals", res)
	if !allStrings(rp["SourceVpcWhitelist"]) {
		return errors.New("SourceVpcWhitelist must be a list of strings. Use IntrinsicVpcWhitelist instead for values that use Intrinsic Functions")
	}
	addVPCStatements(pol, rp["SourceVpcWhitelist"], rp["IntrinsicVpcWhitelist"], rp["IntrinsicVpceWhitelist"], "StringNotEquals", res)
	body[policyKey] = pol
	return nil
}

func allStrings(v any) bool {
	if v == nil {
		return true
	}
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range l {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

// methodResources lists execute-api:/${__Stage__}/METHOD/path for every key of
// the path item.
func methodResources(body map[string]any, path string, stage any) []any {
	paths, _ := body["paths"].(map[string]any)
	var methods []string
	for _, pi := range conditionalContents(paths[path]) {
		pm, _ := pi.(map[string]any)
		methods = append(methods, slices.Sorted(maps.Keys(pm))...)
	}
	p := pathForArn(path)
	out := make([]any, 0, len(methods))
	for _, m := range methods {
		mu := strings.ToUpper(m)
		if l := strings.ToLower(m); l == "x-amazon-apigateway-any-method" || l == "any" {
			mu = "*"
		}
		out = append(out, fnSub("execute-api:/${__Stage__}/"+mu+p, map[string]any{"__Stage__": stage}))
	}
	return out
}

func statementList(pol map[string]any) []any {
	switch s := pol["Statement"].(type) {
	case nil:
		return nil
	case []any:
		return s
	default:
		return []any{s}
	}
}

func addIAMStatement(pol map[string]any, principals any, effect string, res []any) error {
	if !truthy(principals) {
		return nil
	}
	switch principals.(type) {
	case []any:
	case map[string]any:
		principals = []any{principals}
	default:
		return fmt.Errorf("Type of '%v' must be a list or dictionary", principals)
	}
	pol["Version"] = "2012-10-17"
	st := map[string]any{"Effect": effect, "Action": "execute-api:Invoke", "Resource": res,
		"Principal": map[string]any{"AWS": principals}}
	if pol["Statement"] == nil {
		pol["Statement"] = st
		return nil
	}
	pol["Statement"] = append(statementList(pol), st)
	return nil
}

func addIPStatements(pol map[string]any, ips any, cond string, res []any) {
	if !truthy(ips) {
		return
	}
	if _, ok := ips.([]any); !ok {
		ips = []any{ips}
	}
	deny := map[string]any{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": res, "Principal": "*",
		"Condition": map[string]any{cond: map[string]any{"aws:SourceIp": ips}}}
	addPair(pol, res, deny)
}

// addPair adds an allow-all statement and the given deny, skipping exact
// duplicates.
func addPair(pol map[string]any, res []any, deny map[string]any) {
	pol["Version"] = "2012-10-17"
	allow := map[string]any{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": res, "Principal": "*"}
	if pol["Statement"] == nil {
		pol["Statement"] = []any{allow, deny}
		return
	}
	list := statementList(pol)
	for _, st := range []any{allow, deny} {
		if !containsValue(list, st) {
			list = append(list, st)
		}
	}
	pol["Statement"] = list
}

func addVPCStatements(pol map[string]any, endpoints, vpcs, vpces any, cond string, res []any) {
	c := map[string]any{}
	appendTo := func(key string, vals ...any) {
		cur, _ := c[key].([]any)
		c[key] = append(cur, vals...)
	}
	if l, ok := endpoints.([]any); ok {
		var vpc, vpce []any
		for _, e := range l {
			s, _ := e.(string)
			if strings.HasPrefix(s, "vpce-") {
				vpce = append(vpce, s)
			}
			if strings.HasPrefix(s, "vpc-") {
				vpc = append(vpc, s)
			}
		}
		if len(vpc) > 0 {
			appendTo("aws:SourceVpc", vpc...)
		}
		if len(vpce) > 0 {
			appendTo("aws:SourceVpce", vpce...)
		}
	}
	if l, ok := vpcs.([]any); ok {
		appendTo("aws:SourceVpc", l...)
	}
	if l, ok := vpces.([]any); ok {
		appendTo("aws:SourceVpce", l...)
	}
	if !truthy(c["aws:SourceVpc"]) && !truthy(c["aws:SourceVpce"]) {
		return
	}
	deny := map[string]any{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": res, "Principal": "*",
		"Condition": map[string]any{cond: c}}
	addPair(pol, res, deny)
}

// addCustomStatements appends Auth.ResourcePolicy.CustomStatements once per
// API (or event), after the per-path statements.
func addCustomStatements(body map[string]any, cs any) {
	if !truthy(cs) {
		return
	}
	pol, _ := body[policyKey].(map[string]any)
	if pol == nil {
		pol = map[string]any{}
		body[policyKey] = pol
	}
	pol["Version"] = "2012-10-17"
	if pol["Statement"] == nil {
		pol["Statement"] = cs
		return
	}
	add, ok := cs.([]any)
	if !ok {
		add = []any{cs}
	}
	list := statementList(pol)
	for _, s := range add {
		if !containsValue(list, s) {
			list = append(list, s)
		}
	}
	pol["Statement"] = list
}
