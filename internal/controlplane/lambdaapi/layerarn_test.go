package lambdaapi

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/store/sqlite"
)

// TestLayerVersionARNIsTheServedVersion: the route's VersionNumber is parsed
// as a number, and the ARN authorized is built from that number, so "01" or
// "+1" (version 1 when served) cannot step around a Deny on ...:layer:libs:1.
func TestLayerVersionARNIsTheServedVersion(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := functions.New(st, nil, filepath.Join(dir, "code"), "us-east-1", "000000000000", time.Now)
	h := &Handler{o: Options{Functions: svc}}
	for _, v := range []string{"1", "01", "+1", "0001"} {
		c := &call{h: h, rt: route{layer: "libs", version: v}}
		n, err := c.layerVersion()
		if err != nil || n != 1 {
			t.Fatalf("version %q = %d, %v", v, n, err)
		}
		if got, want := c.layerVersionARN("libs", n), "arn:aws:lambda:us-east-1:000000000000:layer:libs:1"; got != want {
			t.Errorf("version %q authorized as %s, served as %s", v, got, want)
		}
	}
}
