package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/iamgate/iamgate/internal/build"
)

// `iamgate build` is `sam build` (see package build): the built template
// goes to {build dir}/template.yaml, which `iamgate deploy` (and
// `iamgate package`) then use by default, as sam's do.

const defaultBuildDir = ".aws-sam/build"

func newBuild() *cobra.Command {
	var templateFile, buildDir string
	c := &cobra.Command{
		Use:   "build [--template-file F] [--build-dir D]",
		Short: "Build functions and layers as sam build does (pip, npm, makefile, go1.x) into .aws-sam/build",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx := c.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			tmpl := templateFile
			if tmpl == "" {
				var err error
				if tmpl, err = findTemplate("."); err != nil {
					return err
				}
			}
			dir := buildDir
			if dir == "" {
				dir = filepath.Join(filepath.Dir(tmpl), defaultBuildDir)
			}
			out, err := runBuild(ctx, tmpl, dir, c)
			if err != nil {
				return err
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "\nBuild Succeeded\n\nBuilt Artifacts  : %s\nBuilt Template   : %s\n\n", dir, out)
			fmt.Fprintf(w, "Commands you can use next\n=========================\n[*] Deploy: iamgate deploy --stack-name STACK\n[*] Package: iamgate package --s3-bucket BUCKET --output-template-file packaged.yaml\n")
			return nil
		},
	}
	c.Flags().StringVarP(&templateFile, "template-file", "t", "", "the template (default template.yaml here)")
	c.Flags().StringVarP(&buildDir, "build-dir", "b", "", "where to build (default .aws-sam/build beside the template)")
	return c
}

func runBuild(ctx context.Context, tmpl, dir string, c *cobra.Command) (string, error) {
	body, err := os.ReadFile(tmpl)
	if err != nil {
		return "", err
	}
	res, err := build.Build(ctx, build.Options{Template: tmpl, Body: body, Dir: dir, Stdout: c.OutOrStdout(), Stderr: c.ErrOrStderr()})
	if err != nil {
		return "", err
	}
	edits := make([]artifactEdit, 0, len(res.Edits))
	for _, e := range res.Edits {
		edits = append(edits, artifactEdit{path: e.Path, old: e.Old, new: e.New})
	}
	text, ok := spliceEdits(string(body), res.Template, edits)
	if !ok {
		for _, e := range res.Edits {
			setAt(res.Template.Root, e.Path, e.New)
		}
		b, err := json.MarshalIndent(res.Template.Root, "", "  ")
		if err != nil {
			return "", err
		}
		text = string(b)
	}
	out := filepath.Join(dir, "template.yaml")
	return out, os.WriteFile(out, []byte(text), 0o644)
}

// setAt sets a nested map value, creating the maps on the way.
func setAt(root map[string]any, path []string, v any) {
	m := root
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// defaultTemplate is the template deploy and package use: the one named,
// else the built one when `iamgate build` made it, else template.yaml here
// (sam's order).
func defaultTemplate(named string) (string, error) {
	if named != "" {
		return named, nil
	}
	if built := filepath.Join(defaultBuildDir, "template.yaml"); fileExists(built) {
		return built, nil
	}
	return findTemplate(".")
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}
