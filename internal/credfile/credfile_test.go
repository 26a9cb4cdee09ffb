package credfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteKeepsOtherProfilesAnd0600(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "credentials")
	if err := Write(p, "default", "AKIAROOT", "s1"); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, "api-gateway-user", "AKIAUSER", "s2"); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, "default", "AKIAROOT2", "s3"); err != nil {
		t.Fatal(err)
	}
	got, order, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if got["default"] != [2]string{"AKIAROOT2", "s3"} || got["api-gateway-user"] != [2]string{"AKIAUSER", "s2"} || strings.Join(order, ",") != "default,api-gateway-user" {
		t.Errorf("got %v %v", got, order)
	}
	info, _ := os.Stat(p)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
}

func TestReadFormats(t *testing.T) {
	p := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(p, []byte("# comment\n[ x ]\naws_access_key_id=A\n ; note\naws_secret_access_key = B\nregion = us-east-1\n"), 0o600)
	got, _, err := Read(p)
	if err != nil || got["x"] != [2]string{"A", "B"} {
		t.Errorf("got %v %v", got, err)
	}
}
