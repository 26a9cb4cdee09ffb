package main

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// TestMain runs the end-to-end tests four at a time unless -parallel says
// otherwise: each waits mostly on the processes it drives (the server,
// Python, the aws CLI), so two cores serve more than two. The binary they
// share is removed at the end.
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if p := flag.Lookup("test.parallel"); p != nil && !explicit {
		if n, err := strconv.Atoi(p.Value.String()); err == nil && n < 4 {
			_ = p.Value.Set("4")
		}
	}
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
