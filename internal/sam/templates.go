package sam

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// SAM policy templates (DynamoDBCrudPolicy, S3ReadPolicy, ...) expand as the
// translator's PolicyTemplatesForResourcePlugin does
// (samtranslator/plugins/policies/policy_templates_plugin.py and
// policy_template_processor/template.py): before the function is
// transformed, each {Name: {Param: value}} entry in Policies becomes the
// template's definition with every {"Ref": Param} replaced by the value
// given, and is then an ordinary inline policy document. The templates are
// the translator's own data, copied by scripts/gen-sam-policy-templates.py.

//go:embed policy_templates.json
var policyTemplatesJSON []byte

type policyTemplateDef struct {
	Parameters map[string]any `json:"Parameters"`
	Definition any            `json:"Definition"`
}

var loadPolicyTemplates = sync.OnceValue(func() map[string]policyTemplateDef {
	var f struct {
		Templates map[string]policyTemplateDef `json:"Templates"`
	}
	if err := json.Unmarshal(policyTemplatesJSON, &f); err != nil {
		panic("sam: embedded policy_templates.json: " + err.Error())
	}
	return f.Templates
})

// policyTemplates returns the SAM policy templates by name.
func policyTemplates() map[string]policyTemplateDef { return loadPolicyTemplates() }

// policyParameterPrefix renames a template's own Refs before substitution,
// so that a value referring to a template parameter of the same name (a CFN
// parameter TableName passed as TableName) is not substituted again.
const policyParameterPrefix = "___SAM_POLICY_PARAMETER_"

// expandPolicyTemplates replaces every policy template entry of a function's
// Policies (an Fn::If of templates too) with its expansion.
func expandPolicyTemplates(id string, v any) (any, *samError) {
	list, isList := v.([]any)
	if !isList {
		if v == nil {
			return nil, nil
		}
		list = []any{v}
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		k, err := policyType(e)
		if err != nil {
			return nil, resourceError(id, err.Error())
		}
		if k != policyTemplate {
			out = append(out, e)
			continue
		}
		if isIntrinsicIf(e) {
			args := e.(map[string]any)["Fn::If"].([]any)
			next := []any{args[0], args[1], args[2]}
			for i := 1; i <= 2; i++ {
				if isNoValue(args[i]) {
					continue
				}
				doc, serr := expandPolicyTemplate(id, args[i])
				if serr != nil {
					return nil, serr
				}
				next[i] = doc
			}
			out = append(out, map[string]any{"Fn::If": next})
			continue
		}
		doc, serr := expandPolicyTemplate(id, e)
		if serr != nil {
			return nil, serr
		}
		out = append(out, doc)
	}
	if !isList {
		return out[0], nil
	}
	return out, nil
}

// expandPolicyTemplate expands one {Name: parameters} entry.
func expandPolicyTemplate(id string, entry any) (any, *samError) {
	m := entry.(map[string]any)
	var name string
	for k := range m {
		name = k
	}
	tpl := policyTemplates()[name]
	values, ok := m[name].(map[string]any)
	if !ok {
		return nil, resourceError(id, fmt.Sprintf("Must specify valid parameter values for policy template '%s'", name))
	}
	var missing []string
	for p := range tpl.Parameters {
		if _, has := values[p]; !has {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		quoted := make([]string, len(missing))
		for i, p := range missing {
			quoted[i] = "'" + p + "'"
		}
		return nil, resourceError(id, fmt.Sprintf("Following required parameters of template '%s' don't have values: [%s]",
			name, strings.Join(quoted, ", ")))
	}
	// Only the template's own parameters are substituted: a value for
	// anything else is ignored, so it cannot inject a Ref resolution.
	params := map[string]any{}
	for p := range tpl.Parameters {
		params[policyParameterPrefix+p] = values[p]
	}
	def := disambiguatePolicyRefs(tpl.Definition)
	if len(params) == 0 {
		return def, nil
	}
	return resolvePolicyRefs(def, params), nil
}

// disambiguatePolicyRefs copies a definition with each Ref renamed.
func disambiguatePolicyRefs(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = disambiguatePolicyRefs(e)
		}
		if s, ok := c["Ref"].(string); ok {
			c["Ref"] = policyParameterPrefix + s
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = disambiguatePolicyRefs(e)
		}
		return c
	}
	return v
}

// resolvePolicyRefs substitutes {"Ref": name} for name's value, pre-order
// like the translator's IntrinsicsResolver: a substituted value is walked in
// turn, and a value that is a CloudFormation placeholder
// ("{{IntrinsicFunction:...") is left as the Ref.
func resolvePolicyRefs(v any, params map[string]any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if name, ok := m["Ref"].(string); ok {
			if val, has := params[name]; has {
				if s, isStr := val.(string); !isStr || !strings.HasPrefix(s, "{{IntrinsicFunction:") {
					v = deepCopy(val)
				}
			}
		}
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = resolvePolicyRefs(e, params)
		}
	case []any:
		for i, e := range t {
			t[i] = resolvePolicyRefs(e, params)
		}
	}
	return v
}
