package stack

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// GetTemplateSummary describes a template (given, or a stack's current one)
// as declared: parameters with their types and constraints, resource types,
// transforms, and the capabilities the processed template needs.
func (e *Engine) GetTemplateSummary(ctx context.Context, body, url, stackName string) (TemplateSummary, error) {
	if stackName != "" && body == "" && url == "" {
		rec, err := e.loadStack(ctx, e.st, stackName)
		if err != nil {
			return TemplateSummary{}, err
		}
		body = rec.Template
	}
	ctx, err := e.actAsCaller(ctx, "")
	if err != nil {
		return TemplateSummary{}, err
	}
	b, err := e.templateBody(ctx, ChangeSetInput{TemplateBody: body, TemplateURL: url}, nil)
	if err != nil {
		return TemplateSummary{}, err
	}
	t, err := cfn.Parse("template", []byte(b))
	if err != nil {
		return TemplateSummary{}, validation(err)
	}
	out := TemplateSummary{Description: toString(t.Root["Description"]), Version: toString(t.Root["AWSTemplateFormatVersion"])}
	switch tr := t.Root["Transform"].(type) {
	case string:
		out.DeclaredTransforms = []string{tr}
	case []any:
		for _, x := range tr {
			out.DeclaredTransforms = append(out.DeclaredTransforms, toString(x))
		}
	}
	decl, _ := t.Root["Parameters"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(decl)) {
		d, _ := decl[k].(map[string]any)
		tp := TemplateParameter{Key: k, Description: toString(d["Description"]), Type: toString(d["Type"]), NoEcho: toString(d["NoEcho"]) == "true"}
		if v, ok := d["Default"]; ok {
			tp.DefaultValue = toString(v)
		}
		if av, ok := d["AllowedValues"].([]any); ok {
			for _, v := range av {
				tp.AllowedValues = append(tp.AllowedValues, toString(v))
			}
		}
		out.Parameters = append(out.Parameters, tp)
	}
	types := map[string]bool{}
	res, _ := t.Root["Resources"].(map[string]any)
	for _, v := range res {
		if r, ok := v.(map[string]any); ok {
			types[toString(r["Type"])] = true
		}
	}
	for typ := range types {
		out.ResourceTypes = append(out.ResourceTypes, typ)
	}
	sort.Strings(out.ResourceTypes)
	// Capabilities come from the processed template, as CloudFormation reports them.
	if p, err := e.prepare(ctx, "summary", "", "", b, nil); err == nil {
		out.Capabilities = requiredCapabilities(p.plan)
		if len(out.Capabilities) > 0 {
			out.CapabilitiesReason = "The following resource(s) require capabilities: [" + strings.Join(iamTypes(p), ", ") + "]"
		}
	}
	return out, nil
}
