package main

import (
	"flag"
	"os"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain runs the end-to-end tests four at a time unless -parallel says
// otherwise: each waits mostly on the processes it drives (the server,
// Python, the aws CLI), so two cores serve more than two. The binary they
// share is removed at the end. Through testscript.Main the test binary is
// also the `iamgate` command of the scripts (script_test.go).
func TestMain(m *testing.M) {
	testscript.Main(suite{m}, map[string]func(){"iamgate": func() { os.Exit(main1()) }})
}

// suite runs the tests as TestMain did before testscript.
type suite struct{ m *testing.M }

func (s suite) Run() int {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if p := flag.Lookup("test.parallel"); p != nil && !explicit {
		if n, err := strconv.Atoi(p.Value.String()); err == nil && n < 4 {
			_ = p.Value.Set("4")
		}
	}
	code := s.m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	return code
}
