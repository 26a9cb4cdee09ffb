package sam

import (
	"fmt"
	"strings"
)

const typeLayer = "AWS::Serverless::LayerVersion"

// translateLayer converts AWS::Serverless::LayerVersion as
// SamLayerVersion._construct_lambda_layer does
// (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-layerversion.html):
// an AWS::Lambda::LayerVersion whose logical ID is the SAM ID plus a hash
// of the SAM resource, so that any change publishes a new version while
// the old one is kept (RetentionPolicy, default Retain, becomes its
// DeletionPolicy); LayerName defaults to the SAM logical ID, so the layer
// ARN stays the same across versions. References to the SAM ID are
// rewritten to the new one (resolveRenamed).
func (x *translator) translateLayer(id string, r map[string]any) ([]resource, *samError) {
	p := props(r)
	if p["ContentUri"] == nil {
		return nil, resourceError(id, "Missing required property 'ContentUri'.")
	}
	for _, name := range []string{"LayerName", "LicenseInfo", "Description", "RetentionPolicy"} {
		v, set := p[name]
		if !set || !truthy(v) {
			continue
		}
		resolved := x.resolveParams(v)
		switch resolved.(type) {
		case string, map[string]any:
		default:
			return nil, resourceError(id, fmt.Sprintf("Could not resolve parameter for '%s' or parameter is not a String.", name))
		}
		p[name] = resolved
	}
	attrs := pickAttrs(r, passthroughAttrs)
	if attrs["DeletionPolicy"] == nil {
		attrs["DeletionPolicy"] = "Retain"
	}
	if rp, set := p["RetentionPolicy"]; set && rp != nil {
		policy, err := retentionPolicy(id, rp)
		if err != nil {
			return nil, err
		}
		attrs["DeletionPolicy"] = policy
	}
	newID := id + hashID(pyJSON(map[string]any{id: layerHashInput(r, p)}), 10)
	if v, ok := r["DependsOn"]; ok && v != nil {
		attrs["DependsOn"] = deepCopy(v)
	}
	l := newResource(newID, "AWS::Lambda::LayerVersion", attrs)
	name := p["LayerName"]
	if !truthy(name) {
		name = id
	}
	l.set("LayerName", name)
	l.set("Description", p["Description"])
	content, err := s3Location(newID, "ContentUri", p["ContentUri"])
	if err != nil {
		return nil, err
	}
	l.set("Content", lambdaS3Location(content))
	l.set("CompatibleArchitectures", p["CompatibleArchitectures"])
	if err := validateLayerArchitectures(newID, p["CompatibleArchitectures"]); err != nil {
		return nil, err
	}
	l.set("CompatibleRuntimes", p["CompatibleRuntimes"])
	l.set("LicenseInfo", p["LicenseInfo"])
	if x.renamed == nil {
		x.renamed = map[string]string{}
	}
	x.renamed[id] = newID
	return []resource{l}, nil
}

// layerHashInput is the SAM resource as Resource._generate_resource_dict
// renders it for the logical ID hash: Type, DependsOn, the resource
// attributes but DeletionPolicy, UpdateReplacePolicy and Metadata, and
// every property set (with parameters resolved).
func layerHashInput(r, p map[string]any) map[string]any {
	m := map[string]any{"Type": typeLayer}
	if v, ok := r["DependsOn"]; ok && v != nil {
		m["DependsOn"] = v
	}
	for _, a := range []string{"UpdatePolicy", "Condition"} {
		if v, ok := r[a]; ok {
			m[a] = v
		}
	}
	props := map[string]any{}
	for _, name := range []string{"LayerName", "Description", "PublishLambdaVersion", "ContentUri",
		"CompatibleArchitectures", "CompatibleRuntimes", "LicenseInfo", "RetentionPolicy"} {
		if v, ok := p[name]; ok && v != nil {
			props[name] = v
		}
	}
	m["Properties"] = props
	return m
}

// lambdaS3Location turns a SAM {Bucket, Key, Version} into Lambda's
// {S3Bucket, S3Key, S3ObjectVersion}.
func lambdaS3Location(loc map[string]any) map[string]any {
	out := map[string]any{"S3Bucket": loc["Bucket"], "S3Key": loc["Key"]}
	if v, ok := loc["Version"]; ok && v != nil {
		out["S3ObjectVersion"] = v
	}
	return out
}

func retentionPolicy(id string, v any) (string, *samError) {
	options := "['Retain', 'Delete']"
	if isIntrinsic(v) {
		return "", resourceError(id, "'RetentionPolicy' does not accept intrinsic functions, please use one of the following options: "+options)
	}
	s, ok := v.(string)
	if !ok {
		return "", resourceError(id, "Invalid 'RetentionPolicy' type, please use one of the following options: "+options)
	}
	for _, o := range []string{"Retain", "Delete"} {
		if strings.EqualFold(s, o) {
			return o, nil
		}
	}
	return "", resourceError(id, "'RetentionPolicy' must be one of the following options: "+options+".")
}

func validateLayerArchitectures(id string, v any) *samError {
	list, ok := v.([]any)
	if !ok {
		return nil // absent (x86_64) or an intrinsic: not validated
	}
	for _, a := range list {
		if isIntrinsic(a) {
			continue
		}
		if a != "x86_64" && a != "arm64" {
			return resourceError(id, "CompatibleArchitectures needs to be a list of 'x86_64' or 'arm64'")
		}
	}
	return nil
}

// resolveRenamed rewrites every reference to a SAM resource whose logical
// ID the translation changed (layers): Ref, Fn::GetAtt, ${ID} and ${ID.Attr}
// in Fn::Sub, and DependsOn, as the translator's ResolveDependsOn and
// resolve_sam_resource_id_refs do after all resources are converted.
func (x *translator) resolveRenamed() {
	if len(x.renamed) == 0 {
		return
	}
	for _, r := range x.res {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		switch d := m["DependsOn"].(type) {
		case string:
			if n, ok := x.renamed[d]; ok {
				m["DependsOn"] = n
			}
		case []any:
			for i, e := range d {
				if s, ok := e.(string); ok {
					if n, ok := x.renamed[s]; ok {
						d[i] = n
					}
				}
			}
		}
	}
	for k, v := range x.root {
		x.root[k] = x.renameRefs(v)
	}
}

func (x *translator) renameRefs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			if s, ok := t["Ref"].(string); ok {
				if n, ok := x.renamed[s]; ok {
					return map[string]any{"Ref": n}
				}
				return t
			}
			switch g := t["Fn::GetAtt"].(type) {
			case []any:
				if s, ok := g[0].(string); ok && len(g) > 0 {
					if n, ok := x.renamed[s]; ok {
						g[0] = n
					}
				}
			case string:
				id, rest, _ := strings.Cut(g, ".")
				if n, ok := x.renamed[id]; ok {
					t["Fn::GetAtt"] = n + "." + rest
				}
			}
			switch sub := t["Fn::Sub"].(type) {
			case string:
				t["Fn::Sub"] = x.renameSub(sub)
			case []any:
				if len(sub) > 0 {
					if s, ok := sub[0].(string); ok {
						sub[0] = x.renameSub(s)
					}
				}
			}
		}
		for k, e := range t {
			t[k] = x.renameRefs(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = x.renameRefs(e)
		}
	}
	return v
}

func (x *translator) renameSub(s string) string {
	return subRef.ReplaceAllStringFunc(s, func(full string) string {
		inner := full[2 : len(full)-1]
		id, rest, dotted := strings.Cut(inner, ".")
		n, ok := x.renamed[id]
		if !ok {
			return full
		}
		if dotted {
			return "${" + n + "." + rest + "}"
		}
		return "${" + n + "}"
	})
}
