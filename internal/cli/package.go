package cli

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/cfn"
	"github.com/iamgate/iamgate/internal/functions"
)

// uploader stores packaged artifacts; returns the s3:// URI.
type uploader func(ctx context.Context, key string, data []byte) (bucket string, err error)

// artifactProps lists, per resource type, the properties that may name a
// local path to package, and how the uploaded location is written back
// (as `aws cloudformation package` does).
var artifactProps = map[string][]struct {
	prop   string
	asDict bool // write {Bucket,Key} / {S3Bucket,S3Key} instead of an s3:// string
	keys   [2]string
	zip    bool
}{
	"AWS::Serverless::Function":     {{prop: "CodeUri", zip: true}},
	"AWS::Serverless::Api":          {{prop: "DefinitionUri"}},
	"AWS::Lambda::Function":         {{prop: "Code", asDict: true, keys: [2]string{"S3Bucket", "S3Key"}, zip: true}},
	"AWS::ApiGateway::RestApi":      {{prop: "BodyS3Location", asDict: true, keys: [2]string{"Bucket", "Key"}}},
	"AWS::Serverless::LayerVersion": {{prop: "ContentUri", zip: true}},
	"AWS::Lambda::LayerVersion":     {{prop: "Content", asDict: true, keys: [2]string{"S3Bucket", "S3Key"}, zip: true}},
	// State machine definitions and HTTP API bodies, as sam package uploads them.
	"AWS::Serverless::StateMachine":    {{prop: "DefinitionUri", asDict: true, keys: [2]string{"Bucket", "Key"}}},
	"AWS::StepFunctions::StateMachine": {{prop: "DefinitionS3Location", asDict: true, keys: [2]string{"Bucket", "Key"}}},
	"AWS::Serverless::HttpApi":         {{prop: "DefinitionUri"}},
	"AWS::ApiGatewayV2::Api":           {{prop: "BodyS3Location", asDict: true, keys: [2]string{"Bucket", "Key"}}},
}

// packageTemplate uploads every local artifact the template names and
// returns the template to deploy: the source text with only the artifact
// values replaced on their own lines (so positions in errors are the
// user's), or JSON when a value cannot be replaced in place. Paths are
// relative to the template.
func packageTemplate(ctx context.Context, file string, body []byte, prefix string, up uploader) (string, error) {
	t, edits, err := packageArtifacts(ctx, file, body, prefix, up)
	if err != nil {
		return "", err
	}
	// A repeated key keeps its last value, as sam's YAML loader does; the
	// template then goes re-serialized, since CloudFormation refuses repeats.
	_, dups, _ := cfn.ParseLastKeyWins(file, body)
	if len(dups) == 0 {
		if out, ok := spliceEdits(string(body), t, edits); ok {
			return out, nil
		}
	}
	out, err := json.MarshalIndent(t.Root, "", "  ")
	return string(out), err
}

// artifactEdit is one rewritten artifact property: its path in the
// template, the local value it had and the S3 location that replaces it.
type artifactEdit struct {
	path []string
	old  string
	new  any // an s3:// string or a {Bucket,Key}-style map
}

// packageArtifacts uploads every local artifact and rewrites t.Root in
// place; the edits let a caller rewrite the source text instead, keeping
// its line numbers for error messages.
func packageArtifacts(ctx context.Context, file string, body []byte, prefix string, up uploader) (*cfn.Template, []artifactEdit, error) {
	t, _, err := cfn.ParseLastKeyWins(file, body)
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Dir(file)
	var edits []artifactEdit
	resources, _ := t.Root["Resources"].(map[string]any)
	globals, _ := t.Root["Globals"].(map[string]any)
	if gf, ok := globals["Function"].(map[string]any); ok {
		if s, ok := gf["CodeUri"].(string); ok && isLocal(s) {
			path := []string{"Globals", "Function", "CodeUri"}
			uri, err := uploadPath(ctx, filepath.Join(dir, s), prefix, true, up)
			if err != nil {
				return nil, nil, t.Errorf(path, "%v", err)
			}
			gf["CodeUri"] = uri
			edits = append(edits, artifactEdit{path: path, old: s, new: uri})
		}
	}
	// Local AWS::Include files are uploaded too (sam package and sam deploy
	// export every Fn::Transform AWS::Include Location that is a local path).
	includes, err := packageIncludes(ctx, t, dir, prefix, up)
	if err != nil {
		return nil, nil, err
	}
	edits = append(edits, includes...)
	for _, id := range slices.Sorted(maps.Keys(resources)) {
		r, _ := resources[id].(map[string]any)
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		for _, a := range artifactProps[typ] {
			if a.prop == "CodeUri" && needsDefaultCodeUri(props, globals) {
				// sam packages a function without CodeUri (nor InlineCode or
				// ImageUri) as the template's folder.
				if props == nil {
					props = map[string]any{}
					r["Properties"] = props
				}
				props[a.prop] = "."
			}
			if props == nil {
				continue
			}
			s, ok := props[a.prop].(string)
			if !ok || !isLocal(s) {
				continue
			}
			path := []string{"Resources", id, "Properties", a.prop}
			uri, err := uploadPath(ctx, filepath.Join(dir, s), prefix, a.zip, up)
			if err != nil {
				return nil, nil, t.Errorf(path, "%v", err)
			}
			var v any = uri
			if a.asDict {
				b, k, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
				v = map[string]any{a.keys[0]: b, a.keys[1]: k}
			}
			props[a.prop] = v
			edits = append(edits, artifactEdit{path: path, old: s, new: v})
		}
	}
	return t, edits, nil
}

// needsDefaultCodeUri reports whether a Zip function names no code at all,
// in its properties or in Globals.
func needsDefaultCodeUri(props, globals map[string]any) bool {
	gf, _ := globals["Function"].(map[string]any)
	for _, k := range []string{"CodeUri", "InlineCode", "ImageUri"} {
		if props[k] != nil || gf[k] != nil {
			return false
		}
	}
	pt, _ := props["PackageType"].(string)
	if pt == "" {
		pt, _ = gf["PackageType"].(string)
	}
	return pt == "" || pt == "Zip"
}

// packageIncludes uploads the local file of every AWS::Include transform in
// the template and rewrites its Location to the s3:// URI.
func packageIncludes(ctx context.Context, t *cfn.Template, dir, prefix string, up uploader) ([]artifactEdit, error) {
	var edits []artifactEdit
	var walk func(v any, path []string) error
	walk = func(v any, path []string) error {
		switch n := v.(type) {
		case map[string]any:
			if tr, ok := n["Fn::Transform"].(map[string]any); ok && tr["Name"] == "AWS::Include" {
				params, _ := tr["Parameters"].(map[string]any)
				if loc, ok := params["Location"].(string); ok && isLocal(loc) {
					p := append(slices.Clone(path), "Fn::Transform", "Parameters", "Location")
					uri, err := uploadPath(ctx, filepath.Join(dir, loc), prefix, false, up)
					if err != nil {
						return t.Errorf(p, "%v", err)
					}
					params["Location"] = uri
					edits = append(edits, artifactEdit{path: p, old: loc, new: uri})
				}
			}
			for _, k := range slices.Sorted(maps.Keys(n)) {
				if err := walk(n[k], append(slices.Clone(path), k)); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range n {
				if err := walk(e, append(slices.Clone(path), strconv.Itoa(i))); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return edits, walk(t.Root, nil)
}

func isLocal(s string) bool {
	return s != "" && !strings.HasPrefix(s, "s3://") && !strings.HasPrefix(s, "https://")
}

func uploadPath(ctx context.Context, path, prefix string, zipDir bool, up uploader) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: no such file or directory", path)
	}
	var data []byte
	if info.IsDir() {
		if data, err = functions.ZipDir(path); err != nil {
			return "", err
		}
	} else if data, err = os.ReadFile(path); err != nil {
		return "", err
	}
	sum := md5.Sum(data)
	key := hex.EncodeToString(sum[:])
	if !info.IsDir() && filepath.Ext(path) != "" && !zipDir {
		key += filepath.Ext(path)
	}
	if prefix != "" {
		key = strings.TrimSuffix(prefix, "/") + "/" + key
	}
	bucket, err := up(ctx, key, data)
	if err != nil {
		return "", err
	}
	return "s3://" + bucket + "/" + key, nil
}
