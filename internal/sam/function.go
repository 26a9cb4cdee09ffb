package sam

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// functionPassThrough are the AWS::Serverless::Function properties copied
// unchanged onto AWS::Lambda::Function.
var functionPassThrough = []string{
	"FunctionName", "Handler", "Runtime", "Description", "MemorySize", "Timeout", "VpcConfig", "Role",
	"Environment", "KmsKeyArn", "ReservedConcurrentExecutions", "Layers", "FileSystemConfigs", "ImageConfig",
	"PackageType", "Architectures", "SnapStart", "EphemeralStorage", "CodeSigningConfigArn",
	"RuntimeManagementConfig", "LoggingConfig", "TenancyConfig", "RecursiveLoop", "DurableConfig",
}

func (x *translator) translateFunction(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	fn := newResource(id, "AWS::Lambda::Function", pickAttrs(r, resourceAttrs))
	// Policy templates expand first, whether or not a role is generated, as
	// the translator's plugin does before the function is transformed.
	if p["Policies"] != nil {
		pol, err := expandPolicyTemplates(id, p["Policies"])
		if err != nil {
			return nil, err
		}
		p["Policies"] = pol
	}
	for _, name := range functionPassThrough {
		fn.set(name, p[name])
	}
	code, err := x.codeDict(id, p)
	if err != nil {
		return nil, err
	}
	fn.set("Code", code)
	tags, _ := p["Tags"].(map[string]any)
	if _, reserved := tags["lambda:createdBy"]; reserved {
		return nil, resourceError(id, "lambda:createdBy is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.")
	}
	tagList := append([]any{map[string]any{"Key": "lambda:createdBy", "Value": "SAM"}}, tagList(tags)...)
	fn.set("Tags", tagList)
	tracing := x.resolveParams(p["Tracing"])
	if truthy(p["Tracing"]) && tracing != "Disabled" {
		fn.set("TracingConfig", map[string]any{"Mode": p["Tracing"]})
	}
	if dlq, ok := p["DeadLetterQueue"].(map[string]any); ok {
		fn.set("DeadLetterConfig", map[string]any{"TargetArn": dlq["TargetArn"]})
	}
	out := []resource{fn}
	pass := pickAttrs(r, passthroughAttrs)
	versioned, err := x.functionAlias(id, fn, p, pass)
	if err != nil {
		return nil, err
	}
	out = append(out, versioned...)
	t := target{fid: id}
	if len(versioned) == 2 {
		t.alias = versioned[1].id
	}
	x.targets[id] = t
	urls, err := x.functionURL(id, t, p, pass)
	if err != nil {
		return nil, err
	}
	out = append(out, urls...)
	// role is the generated execution role, which pull event sources add
	// their policies to (it shares its properties with the copy in out).
	var role *resource
	if p["Role"] == nil {
		r, err := x.executionRole(id, p, pass, tagList)
		if err != nil {
			return nil, err
		}
		fn.set("Role", getAtt(r.id, "Arn"))
		out = append(out, r)
		role = &r
	} else if isIntrinsicIf(p["Role"]) {
		r, err := x.conditionalRole(id, fn, p, pass, tagList)
		if err != nil {
			return nil, err
		}
		if r != nil {
			out = append(out, *r)
			role = r
		}
	}
	evs, err := x.functionEvents(id, r, pass, role)
	if err != nil {
		return nil, err
	}
	return append(out, evs...), nil
}

var ssmRef = regexp.MustCompile(`{{resolve:(ssm|ssm-secure|secretsmanager):[a-zA-Z0-9_.\-/]+(:\d+)?}}`)

// codeDict builds Lambda's Code from InlineCode, CodeUri or ImageUri.
func (x *translator) codeDict(id string, p map[string]any) (map[string]any, *samError) {
	pkg := "Zip"
	if s, ok := p["PackageType"].(string); ok && s != "" {
		pkg = s
	}
	switch pkg {
	case "Image":
		if p["ImageUri"] == nil {
			return nil, resourceError(id, "'ImageUri' must be set.")
		}
		return map[string]any{"ImageUri": p["ImageUri"]}, nil
	case "Zip":
	default:
		return nil, resourceError(id, fmt.Sprintf("invalid 'PackageType' : %s", pkg))
	}
	var code map[string]any
	switch {
	case p["InlineCode"] != nil:
		if p["CodeUri"] != nil {
			return nil, resourceError(id, "Only one of 'InlineCode' or 'CodeUri' can be set.")
		}
		code = map[string]any{"ZipFile": p["InlineCode"]}
	case p["CodeUri"] != nil:
		c, err := s3Location(id, "CodeUri", p["CodeUri"])
		if err != nil {
			return nil, err
		}
		code = map[string]any{"S3Bucket": c["Bucket"], "S3Key": c["Key"]}
		if v, has := c["Version"]; has {
			code["S3ObjectVersion"] = v
		}
	default:
		return nil, resourceError(id, "Only one of 'InlineCode' or 'CodeUri' can be set.")
	}
	if k := p["SourceKMSKeyArn"]; k != nil {
		code["SourceKMSKeyArn"] = k
	}
	return code, nil
}

// s3Location reads an s3://bucket/key[?versionId=v] string or a
// {Bucket, Key, Version} map. A local path is an error: it must be uploaded
// (package or deploy) first, as the translator says.
func s3Location(id, prop string, v any) (map[string]any, *samError) {
	if m, ok := v.(map[string]any); ok {
		if !truthy(m["Bucket"]) || !truthy(m["Key"]) {
			return nil, resourceError(id, fmt.Sprintf("'%s' requires Bucket and Key properties to be specified.", prop))
		}
		return m, nil
	}
	s, _ := v.(string)
	if m := ssmRef.FindString(s); m != "" && strings.Contains(m, "/") {
		return nil, resourceError(id, fmt.Sprintf("Unsupported dynamic reference detected in '%s'. Please consider using alternative 'FunctionCode' object format.", prop))
	}
	loc := parseS3URI(s)
	if loc == nil {
		return nil, resourceError(id, fmt.Sprintf("'%s' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.", prop))
	}
	return loc, nil
}

func parseS3URI(s string) map[string]any {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.Path == "" {
		return nil
	}
	loc := map[string]any{"Bucket": u.Host, "Key": strings.TrimLeft(u.Path, "/")}
	if vs := u.Query()["versionId"]; len(vs) == 1 {
		loc["Version"] = vs[0]
	}
	return loc
}

// conditionalRole handles Role: !If [cond, X, !Ref AWS::NoValue] (or the
// other way round) as SamFunction._make_lambda_role does: the generated
// execution role exists only where the template names none, under cond (or
// a new NOTcond condition), and the function's Role picks one or the other.
// An Fn::If naming a role on both sides generates nothing.
func (x *translator) conditionalRole(id string, fn resource, p, pass map[string]any, tags []any) (*resource, *samError) {
	resolved, _ := x.resolveParams(p["Role"]).(map[string]any)
	items, ok := resolved["Fn::If"].([]any)
	if !ok || len(items) != 3 {
		return nil, resourceError(id, "Malformed 'Role' property: Fn::If requires 3 arguments.")
	}
	cond, then, otherwise := items[0], items[1], items[2]
	if !isNoValue(then) && !isNoValue(otherwise) {
		// The translator resolves the parameters in place either way.
		fn.set("Role", resolved)
		return nil, nil
	}
	role, err := x.executionRole(id, p, pass, tags)
	if err != nil {
		return nil, err
	}
	arn := getAtt(role.id, "Arn")
	if role.attrs == nil {
		role.attrs = map[string]any{}
	}
	switch {
	case isNoValue(then) && isNoValue(otherwise):
		fn.set("Role", arn)
	case isNoValue(then):
		fn.set("Role", map[string]any{"Fn::If": []any{cond, arn, otherwise}})
		role.attrs["Condition"] = cond
	default:
		name := fmt.Sprint("NOT", pyStr(cond))
		fn.set("Role", map[string]any{"Fn::If": []any{cond, then, arn}})
		role.attrs["Condition"] = name
		conds, _ := x.root["Conditions"].(map[string]any)
		if conds == nil {
			conds = map[string]any{}
			x.root["Conditions"] = conds
		}
		conds[name] = map[string]any{"Fn::Not": []any{map[string]any{"Condition": cond}}}
	}
	return &role, nil
}
