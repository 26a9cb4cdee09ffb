package functions

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/lambda"
	"github.com/iamgate/iamgate/internal/store/storetest"
)

func newLayerService(t *testing.T) (*Service, *runtime, string) {
	t.Helper()
	dir := t.TempDir()
	st := storetest.SQLite(t)
	rt := &runtime{deployed: map[string]lambda.Function{}}
	code := filepath.Join(dir, "code")
	return New(st, rt, code, "us-east-1", "000000000000", time.Now), rt, code
}

// TestLayerLifecycle: versions numbered from 1 and never reused, a
// function runs its layers' content in order, and keeps a layer version
// deleted after it was added (https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html).
func TestLayerLifecycle(t *testing.T) {
	ctx := context.Background()
	s, rt, codeRoot := newLayerService(t)
	a, err := s.PublishLayerVersion(ctx, "libs", LayerInput{Description: "a"}, zipOf(t, map[string]string{"python/a.py": "A = 1\n"}))
	if err != nil {
		t.Fatal(err)
	}
	a2, err := s.PublishLayerVersion(ctx, "arn:aws:lambda:us-east-1:000000000000:layer:libs", LayerInput{}, zipOf(t, map[string]string{"python/a2.py": "B = 1\n"}))
	if err != nil {
		t.Fatal(err)
	}
	if a.LayerVersionArn != "arn:aws:lambda:us-east-1:000000000000:layer:libs:1" || a2.Version != 2 || a2.Name != "libs" {
		t.Fatalf("versions: %+v %+v", a, a2)
	}
	b, err := s.PublishLayerVersion(ctx, "more", LayerInput{}, zipOf(t, map[string]string{"python/b.py": "B = 1\n"}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.12", Handler: "app.h", Layers: LayerRefs([]string{b.LayerVersionArn, a.LayerVersionArn})},
		zipOf(t, map[string]string{"app.py": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Layers[0].CodeSha256 != b.CodeSha256 || c.Layers[1].CodeSize != a.CodeSize {
		t.Errorf("resolved layers: %+v", c.Layers)
	}
	fn := rt.deployed["f"]
	if len(fn.Layers) != 2 {
		t.Fatalf("runtime layers: %v", fn.Layers)
	}
	if _, err := os.Stat(filepath.Join(fn.Layers[0], "python", "b.py")); err != nil {
		t.Errorf("first layer dir: %v", err)
	}
	for _, d := range fn.Layers {
		if !strings.HasPrefix(d, codeRoot+string(filepath.Separator)+"sha256-") {
			t.Errorf("layer dir %s is not under the code root by hash", d)
		}
	}

	if err := s.DeleteLayerVersion(ctx, "libs", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLayerVersion(ctx, "more", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLayerVersion(ctx, "libs", 1); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, err := s.GetLayerVersion(ctx, "libs", 1); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("deleted version: %v", err)
	}
	if _, err := os.Stat(fn.Layers[1]); err != nil {
		t.Errorf("a function's deleted layer lost its content: %v", err)
	}
	// Re-syncing (a restarted server, a replica) still finds it.
	if err := os.RemoveAll(fn.Layers[1]); err != nil {
		t.Fatal(err)
	}
	s.forgetDeployed("f")
	if err := s.Sync(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(fn.Layers[1], "python", "a.py")); err != nil {
		t.Errorf("layer content not re-extracted: %v", err)
	}
	c3, err := s.PublishLayerVersion(ctx, "libs", LayerInput{}, zipOf(t, map[string]string{"python/c.py": ""}))
	if err != nil || c3.Version != 3 {
		t.Errorf("after delete: %+v %v", c3, err)
	}
	// Deleting the function drops the content nothing else uses.
	if err := s.Delete(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fn.Layers[1]); !os.IsNotExist(err) {
		t.Errorf("orphaned layer content kept: %v", err)
	}
	if _, err := os.Stat(fn.Layers[0]); !os.IsNotExist(err) {
		t.Errorf("orphaned layer content kept: %v", err)
	}
	live, err := s.GetLayerVersion(ctx, "libs", 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.shaDir(live.CodeSha256)); err != nil {
		t.Errorf("content of a live layer version removed: %v", err)
	}
	vs, err := s.ListLayerVersions(ctx, "libs")
	if err != nil {
		t.Fatal(err)
	}
	var nums []int64
	for _, v := range vs {
		nums = append(nums, v.Version)
	}
	if diff := cmp.Diff([]int64{3, 2}, nums); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
}

func TestFunctionLayersRefused(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newLayerService(t)
	l, err := s.PublishLayerVersion(ctx, "l", LayerInput{}, zipOf(t, map[string]string{"x": ""}))
	if err != nil {
		t.Fatal(err)
	}
	l2, err := s.PublishLayerVersion(ctx, "l", LayerInput{}, zipOf(t, map[string]string{"y": ""}))
	if err != nil {
		t.Fatal(err)
	}
	other := "arn:aws:lambda:us-east-1:111111111111:layer:l:1"
	six := []string{}
	for range 6 {
		six = append(six, l.LayerVersionArn)
	}
	tests := []struct {
		name   string
		layers []string
		code   awserr.Code
		msg    string
	}{
		{"missing", []string{"arn:aws:lambda:us-east-1:000000000000:layer:l:9"}, InvalidParameter,
			"Layer version arn:aws:lambda:us-east-1:000000000000:layer:l:9 does not exist."},
		{"other account", []string{other}, InvalidParameter, "Layer version " + other + " does not exist."},
		{"pattern", []string{"arn:aws:lambda:us-east-1:000000000000:layer:../x:1"}, awserr.ValidationException, "at 'layers' failed to satisfy constraint"},
		{"two versions", []string{l.LayerVersionArn, l2.LayerVersionArn}, InvalidParameter,
			"Two different versions of the same layer are not allowed to be referenced in the same function."},
		{"six", six, InvalidParameter, "Cannot reference more than 5 layers."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Put(ctx, Config{Name: "f", Runtime: "python3.12", Handler: "a.h", Layers: LayerRefs(tc.layers)}, zipOf(t, map[string]string{"a.py": ""}))
			e := awserr.As(err)
			if e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("err = %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
	if _, err := s.Get(ctx, "f"); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("a refused function was stored: %v", err)
	}
}

// TestLayerNames: every name that reaches the store is AWS's pattern; names
// never become paths (content is by hash) but "..", "a/b" are refused.
func TestLayerNames(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newLayerService(t)
	for _, name := range []string{"", "..", "a/b", "a.b", "../../x", "x y", strings.Repeat("a", 141), "arn:aws:lambda:us-east-1:000000000000:layer:a/b"} {
		_, err := s.PublishLayerVersion(ctx, name, LayerInput{}, zipOf(t, map[string]string{"x": ""}))
		if !awserr.Is(err, awserr.ValidationException) {
			t.Errorf("PublishLayerVersion(%q) = %v, want ValidationException", name, err)
		}
	}
	for _, name := range []string{"a", "A-b_1", strings.Repeat("a", 140)} {
		if err := ValidateLayerName(name); err != nil {
			t.Errorf("ValidateLayerName(%q) = %v", name, err)
		}
	}
	if _, err := s.GetLayerVersion(ctx, "arn:aws:lambda:eu-west-1:000000000000:layer:a", 1); !awserr.Is(err, ResourceNotFound) {
		t.Errorf("another region's layer: %v", err)
	}
}

func FuzzLayerNames(f *testing.F) {
	for _, s := range []string{"a", "..", "a/b", "arn:aws:lambda:us-east-1:000000000000:layer:x", "arn:aws:lambda:us-east-1:000000000000:layer:x:12", "arn:aws:lambda:::awslayer:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if ValidateLayerName(v) == nil {
			n := LayerNameOf(v)
			if n == "" || strings.ContainsAny(n, "/.:\\\x00") {
				t.Fatalf("valid LayerName %q gives name %q", v, n)
			}
		}
		if ref, ok := parseLayerVersionARN(v); ok {
			if ref.name == "" || strings.ContainsAny(ref.name, "/.:") || ref.version < 0 {
				t.Fatalf("parsed %q as %+v", v, ref)
			}
			if validateLayers([]string{v}) != nil && len(v) <= 140 {
				t.Fatalf("%q parses but fails the Layers pattern", v)
			}
		}
	})
}

// forgetDeployed makes the next Sync hand the function to the runtime again.
func (s *Service) forgetDeployed(name string) {
	s.mu.Lock()
	delete(s.deployed, name)
	s.mu.Unlock()
	s.forget(name)
}
