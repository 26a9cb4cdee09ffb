package build

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
)

// Options configures a build.
type Options struct {
	Template string // the template file
	Body     []byte // its content
	Dir      string // the build directory (".aws-sam/build" beside the template by default)
	// Python is the interpreter running pip (python3 by default).
	Python string
	Stdout io.Writer
	Stderr io.Writer
}

// Edit points one artifact property at its built folder, relative to the
// built template.
type Edit struct {
	Path []string // in the template
	Old  string   // the source value ("" when the property was absent)
	New  string
}

// Result is what a build made.
type Result struct {
	Template *cfn.Template
	Edits    []Edit
	Built    []string // logical ids built, in order
}

// unit is one function or layer to build.
type unit struct {
	id, typ, src, runtime, method, arch string
	prop                                string
}

// Build builds every function and layer with local code.
func Build(ctx context.Context, o Options) (*Result, error) {
	if o.Python == "" {
		o.Python = "python3"
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	t, _, err := cfn.ParseLastKeyWins(o.Template, o.Body)
	if err != nil {
		return nil, err
	}
	units, err := unitsOf(t, filepath.Dir(o.Template))
	if err != nil {
		return nil, err
	}
	// The tools run in the source folders: every path given them is absolute.
	if o.Dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	res := &Result{Template: t}
	for _, u := range units {
		out := filepath.Join(o.Dir, u.id)
		if err := os.RemoveAll(out); err != nil {
			return nil, err
		}
		fmt.Fprintf(o.Stdout, "Building %s %s (%s)\n", kind(u.typ), u.id, first(u.method, u.runtime))
		if err := buildUnit(ctx, o, u, out); err != nil {
			return nil, t.Errorf([]string{"Resources", u.id, "Properties", u.prop}, "building %s: %v", u.id, err)
		}
		old, _ := propOf(t, u.id, u.prop)
		res.Edits = append(res.Edits, Edit{Path: []string{"Resources", u.id, "Properties", u.prop}, Old: old, New: u.id})
		res.Built = append(res.Built, u.id)
	}
	built := map[string]bool{}
	for _, e := range res.Edits {
		built[strings.Join(e.Path, "/")] = true
	}
	srcDir, err := filepath.Abs(filepath.Dir(o.Template))
	if err != nil {
		return nil, err
	}
	res.Edits = append(res.Edits, relocate(t, srcDir, o.Dir, built)...)
	return res, nil
}

func kind(typ string) string {
	if strings.HasSuffix(typ, "LayerVersion") {
		return "layer"
	}
	return "function"
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func propOf(t *cfn.Template, id, prop string) (string, bool) {
	res, _ := t.Root["Resources"].(map[string]any)
	r, _ := res[id].(map[string]any)
	props, _ := r["Properties"].(map[string]any)
	s, ok := props[prop].(string)
	return s, ok
}

// unitsOf lists the functions (Zip, with local or default code) and layers
// with local content, in logical-id order.
func unitsOf(t *cfn.Template, dir string) ([]unit, error) {
	resources, _ := t.Root["Resources"].(map[string]any)
	globals, _ := t.Root["Globals"].(map[string]any)
	gf, _ := globals["Function"].(map[string]any)
	var units []unit
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		r, _ := resources[id].(map[string]any)
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		meta, _ := r["Metadata"].(map[string]any)
		method, _ := meta["BuildMethod"].(string)
		u := unit{id: id, typ: typ, method: strings.ToLower(method)}
		switch typ {
		case "AWS::Serverless::Function":
			if props["InlineCode"] != nil || props["ImageUri"] != nil || str(props, gf, "PackageType") == "Image" {
				continue
			}
			u.prop, u.runtime = "CodeUri", str(props, gf, "Runtime")
			u.src = str(props, gf, "CodeUri")
			if u.src == "" {
				u.src = "."
			}
			if archs, ok := props["Architectures"].([]any); ok && len(archs) == 1 {
				u.arch, _ = archs[0].(string)
			}
		case "AWS::Serverless::LayerVersion":
			if u.method == "" {
				continue // sam copies nothing for a layer without BuildMethod
			}
			u.prop = "ContentUri"
			u.src, _ = props["ContentUri"].(string)
		default:
			continue
		}
		if u.src == "" || strings.Contains(u.src, "://") {
			continue
		}
		if !filepath.IsAbs(u.src) {
			u.src = filepath.Join(dir, u.src)
		}
		u.src, _ = filepath.Abs(u.src)
		if info, err := os.Stat(u.src); err != nil || !info.IsDir() {
			return nil, t.Errorf([]string{"Resources", id, "Properties", u.prop}, "%s is not a folder", u.src)
		}
		units = append(units, u)
	}
	return units, nil
}

// str is a property of the function, else of Globals.Function.
func str(props, globals map[string]any, k string) string {
	if s, ok := props[k].(string); ok {
		return s
	}
	s, _ := globals[k].(string)
	return s
}

func buildUnit(ctx context.Context, o Options, u unit, out string) error {
	switch {
	case u.method == "makefile":
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		return run(ctx, o, u.src, []string{"ARTIFACTS_DIR=" + out}, "make", "build-"+u.id)
	case u.method == "go1.x" || u.runtime == "go1.x":
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		arch := runtime.GOARCH
		if u.arch != "" && goArch(u.arch) != runtime.GOARCH {
			fmt.Fprintf(o.Stderr, "note: %s targets %s; built for %s, the machine iamgate runs it on\n", u.id, u.arch, runtime.GOARCH)
		}
		return run(ctx, o, u.src, []string{"GOOS=linux", "GOARCH=" + arch, "CGO_ENABLED=0"},
			"go", "build", "-trimpath", "-o", filepath.Join(out, "bootstrap"), ".")
	case u.typ == "AWS::Serverless::LayerVersion":
		return buildLayer(ctx, o, u, out)
	case strings.HasPrefix(u.runtime, "python"):
		if err := copyTree(u.src, out); err != nil {
			return err
		}
		return pipInstall(ctx, o, u.src, out)
	case strings.HasPrefix(u.runtime, "nodejs"):
		if err := copyTree(u.src, out); err != nil {
			return err
		}
		return npmInstall(ctx, o, out)
	default:
		return copyTree(u.src, out)
	}
}

func goArch(lambdaArch string) string {
	if lambdaArch == "arm64" {
		return "arm64"
	}
	return "amd64"
}

// buildLayer installs a layer's dependencies where Lambda puts layers on
// the module path: python/ for Python, nodejs/node_modules for Node.js.
func buildLayer(ctx context.Context, o Options, u unit, out string) error {
	switch {
	case strings.HasPrefix(u.method, "python"):
		dst := filepath.Join(out, "python")
		if err := copyTree(u.src, dst); err != nil {
			return err
		}
		return pipInstall(ctx, o, u.src, dst)
	case strings.HasPrefix(u.method, "nodejs"):
		dst := filepath.Join(out, "nodejs")
		if err := copyTree(u.src, dst); err != nil {
			return err
		}
		return npmInstall(ctx, o, dst)
	default:
		return fmt.Errorf("BuildMethod %s is not one iamgate builds (makefile, go1.x, python3.x, nodejsNN.x)", u.method)
	}
}

func pipInstall(ctx context.Context, o Options, src, out string) error {
	req := filepath.Join(src, "requirements.txt")
	if _, err := os.Stat(req); err != nil {
		return nil
	}
	return run(ctx, o, src, nil, o.Python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
		"--requirement", req, "--target", out)
}

func npmInstall(ctx context.Context, o Options, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		return nil
	}
	return run(ctx, o, dir, nil, "npm", "install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error")
}

func run(ctx context.Context, o Options, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
