package cfn

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/iamgate/iamgate/internal/testutil"
)

// sharedFile reads a file under <repo root>/../shared, skipping the test when
// it is absent (a fresh machine) unless running in CI.
func sharedFile(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(testutil.Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mapLoader serves includes from memory; missing keys wrap ErrNoSuchKey and
// buckets with no object at all wrap ErrNoSuchBucket.
type mapLoader map[string][]byte

func (m mapLoader) LoadInclude(_ context.Context, location string) ([]byte, error) {
	if data, ok := m[location]; ok {
		return data, nil
	}
	bucket, _ := parseS3URI(location)
	for loc := range m {
		if b, _ := parseS3URI(loc); b == bucket {
			return nil, fmt.Errorf("get %s: %w", location, ErrNoSuchKey)
		}
	}
	return nil, fmt.Errorf("get %s: %w", location, ErrNoSuchBucket)
}

// fakeValues answers Ref and Fn::GetAtt from maps, as a deploy engine would.
type fakeValues struct {
	refs map[string]string
	atts map[string]any // "Resource.Attribute"
}

func (f fakeValues) Ref(id string) (string, bool) {
	v, ok := f.refs[id]
	return v, ok
}

func (f fakeValues) GetAtt(id, attr string) (any, bool) {
	v, ok := f.atts[id+"."+attr]
	return v, ok
}

func mustParse(t testing.TB, src string) *Template {
	t.Helper()
	tpl, err := Parse("template.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tpl
}
