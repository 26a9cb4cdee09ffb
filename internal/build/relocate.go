package build

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// The built template lives in the build directory, so every local path it
// keeps (an AWS::Include file, an API's DefinitionUri, a layer copied
// as is) is rewritten relative to that directory, as sam build does;
// otherwise it would name a file beside the built template that is not
// there.

// relocatedProps are the properties, per type, holding a local path that
// build does not turn into a folder of its own.
var relocatedProps = map[string][]string{
	"AWS::Serverless::Api":          {"DefinitionUri"},
	"AWS::Serverless::HttpApi":      {"DefinitionUri"},
	"AWS::Serverless::StateMachine": {"DefinitionUri"},
	"AWS::Serverless::LayerVersion": {"ContentUri"},
	"AWS::Serverless::Function":     {"CodeUri"},
}

// relocate returns the edits that keep t's local paths pointing at the same
// files from the build directory; built lists the properties already
// pointed at their built folders.
func relocate(t *cfn.Template, srcDir, buildDir string, built map[string]bool) []Edit {
	var edits []Edit
	move := func(path []string, p string) {
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return
		}
		rel, err := filepath.Rel(buildDir, filepath.Join(srcDir, p))
		if err != nil {
			return
		}
		edits = append(edits, Edit{Path: path, Old: p, New: filepath.ToSlash(rel)})
	}
	resources, _ := t.Root["Resources"].(map[string]any)
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		r, _ := resources[id].(map[string]any)
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		for _, prop := range relocatedProps[typ] {
			path := []string{"Resources", id, "Properties", prop}
			if s, ok := props[prop].(string); ok && !built[strings.Join(path, "/")] {
				move(path, s)
			}
		}
	}
	walkIncludes(t.Root, nil, func(path []string, loc string) { move(path, loc) })
	return edits
}

// walkIncludes calls fn with the path and Location of every AWS::Include.
func walkIncludes(v any, path []string, fn func(path []string, loc string)) {
	switch n := v.(type) {
	case map[string]any:
		if tr, ok := n["Fn::Transform"].(map[string]any); ok && tr["Name"] == "AWS::Include" {
			params, _ := tr["Parameters"].(map[string]any)
			if loc, ok := params["Location"].(string); ok {
				fn(append(slices.Clone(path), "Fn::Transform", "Parameters", "Location"), loc)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(n)) {
			walkIncludes(n[k], append(slices.Clone(path), k), fn)
		}
	case []any:
		for i, e := range n {
			walkIncludes(e, append(slices.Clone(path), strconv.Itoa(i)), fn)
		}
	}
}
