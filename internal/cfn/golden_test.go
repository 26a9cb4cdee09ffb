package cfn

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the want section of testdata/*.txtar")

// goldenEnv is env.json of a golden case: the Env plus what the fake deploy
// engine returns for Ref and Fn::GetAtt, and the stack exports.
type goldenEnv struct {
	Env
	Refs    map[string]string
	Atts    map[string]any
	Exports map[string]string
}

// TestGolden runs each testdata/*.txtar case: template.yaml (or
// template.json), env.json, optional include/<bucket>/<key> snippets; want is
// the JSON of the plan's order, parameters, resolved resources and outputs,
// or "error: ..." when anything fails.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := parseArchiveFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := runGolden(t, ar)
			wantIdx := -1
			for i, f := range ar.Files {
				if f.Name == "want" {
					wantIdx = i
				}
			}
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, archiveFile{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(file, ar.format(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatal("no want section (run with -update)")
			}
			if diff := cmp.Diff(string(ar.Files[wantIdx].Data), got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func runGolden(t *testing.T, ar *archive) string {
	var genv goldenEnv
	loader := mapLoader{}
	var tplName string
	var tplData []byte
	for _, f := range ar.Files {
		switch {
		case f.Name == "template.yaml" || f.Name == "template.json":
			tplName, tplData = f.Name, f.Data
		case f.Name == "env.json":
			if err := json.Unmarshal(f.Data, &genv); err != nil {
				t.Fatalf("env.json: %v", err)
			}
		case strings.HasPrefix(f.Name, "include/"):
			loader["s3://"+strings.TrimPrefix(f.Name, "include/")] = f.Data
		}
	}
	if genv.Exports != nil {
		genv.Env.Exports = func(name string) (string, bool) {
			v, ok := genv.Exports[name]
			return v, ok
		}
	}
	out, err := evaluateAll(tplName, tplData, loader, genv.Env, fakeValues{refs: genv.Refs, atts: genv.Atts})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

type goldenResult struct {
	Order      []string
	Parameters map[string]string
	Resources  map[string]any
	Outputs    []Output
}

// evaluateAll is what the deploy engine does with a template, minus the
// deploying: expand includes, plan, resolve each resource in order, outputs.
func evaluateAll(name string, data []byte, l IncludeLoader, env Env, res ResolvedValues) (*goldenResult, error) {
	tpl, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	if err := tpl.ExpandIncludes(context.Background(), l); err != nil {
		return nil, err
	}
	plan, err := NewPlan(tpl, env)
	if err != nil {
		return nil, err
	}
	out := &goldenResult{Order: plan.Order(), Parameters: plan.ParameterValues(), Resources: map[string]any{}}
	for _, id := range plan.Order() {
		typ, props, _ := plan.Resource(id)
		r, err := plan.Resolve([]string{"Resources", id, "Properties"}, props, res)
		if err != nil {
			return nil, err
		}
		out.Resources[id] = map[string]any{"Type": typ, "Properties": r}
	}
	if out.Outputs, err = plan.Outputs(res); err != nil {
		return nil, err
	}
	return out, nil
}
