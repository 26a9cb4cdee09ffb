package testutil

import (
	"archive/zip"
	"bytes"
	"os"
	"testing"
)

// Wheel writes a minimal pure-Python wheel of package greetlib, so that pip
// installs a requirement with no index (the tests run offline).
func Wheel(t testing.TB, path string) {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, content := range map[string]string{
		"greetlib/__init__.py":            "def greet(n):\n    return 'hello ' + n\n",
		"greetlib-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: greetlib\nVersion: 1.0\n",
		"greetlib-1.0.dist-info/WHEEL":    "Wheel-Version: 1.0\nGenerator: iamgate-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		"greetlib-1.0.dist-info/RECORD":   "greetlib/__init__.py,,\ngreetlib-1.0.dist-info/METADATA,,\ngreetlib-1.0.dist-info/WHEEL,,\ngreetlib-1.0.dist-info/RECORD,,\n",
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
