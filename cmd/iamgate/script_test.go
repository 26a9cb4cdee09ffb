package main

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScript runs testdata/script/*.txtar: the CLI's promises (usage
// errors and exit codes, env, why, deploy's file:line:column errors) as
// a user types them, against `iamgate serve &srv&` and the real aws CLI.
// The `iamgate` of the scripts is this test binary running main1
// (TestMain). Scripts run in parallel, each with its own server.
//
// Beyond testscript's own commands and conditions:
//
//	exitcode N PROG ARGS...  runs PROG as exec does and wants exit status N
//	waitserver DIR   waits (bounded) until the server with data dir DIR answers
//	stdoutenv NAME   sets NAME to the last command's stdout, trimmed
//	exportenv        sets the variables the last command's stdout exports,
//	                 as eval "$(iamgate env)" does
//	[aws]            the aws CLI is installed (its absence fails under CI=true)
func TestScript(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			// The aws CLI reads nothing of this machine's AWS configuration.
			for k, v := range map[string]string{"HOME": e.WorkDir, "AWS_CONFIG_FILE": e.WorkDir + "/none",
				"AWS_SHARED_CREDENTIALS_FILE": e.WorkDir + "/none", "AWS_PAGER": "", "AWS_EC2_METADATA_DISABLED": "true",
				"AWS_MAX_ATTEMPTS": "1"} {
				e.Setenv(k, v)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond != "aws" {
				return false, errors.New("unknown condition " + cond)
			}
			_, err := exec.LookPath("aws")
			if err != nil && os.Getenv("CI") == "true" {
				return false, errors.New("CI=true but aws is not installed")
			}
			return err == nil, nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":   exitCode,
			"waitserver": waitServer,
			"exportenv":  exportEnv,
			"stdoutenv":  stdoutEnv,
		},
	})
}

// exitCode runs a program and checks its exit status, which exec only
// tells apart as zero or not.
func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// waitServer waits for the endpoint file the server writes once it listens,
// then for an HTTP answer from that endpoint; a minute at most.
func waitServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitserver DATA_DIR")
	}
	file := ts.MkAbs(filepath.Join(args[0], "endpoint"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			endpoint := strings.TrimSpace(string(b))
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				return
			}
		}
		select {
		case <-ctx.Done():
			ts.Fatalf("server with data dir %s not answering after a minute", args[0])
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stdoutEnv keeps the last command's output for later lines ($NAME), as a
// shell's NAME=$(...) does.
func stdoutEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: stdoutenv NAME")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}

// exportEnv applies the last command's `export K=V` and `unset K...`
// lines; values may be single-quoted as `iamgate env` quotes them.
func exportEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: exportenv")
	}
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile("stdout")))
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "unset "); ok {
			// testscript cannot remove a variable, and an empty
			// AWS_PROFILE names a profile: clear only what is set.
			for _, k := range strings.Fields(rest) {
				if ts.Getenv(k) != "" {
					ts.Setenv(k, "")
				}
			}
			continue
		}
		kv, ok := strings.CutPrefix(line, "export ")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			ts.Fatalf("bad export line %q", line)
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
		}
		ts.Setenv(k, v)
		n++
	}
	if n == 0 {
		ts.Fatalf("no export lines in stdout")
	}
}
