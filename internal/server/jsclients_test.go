package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iamgate/iamgate/internal/testutil"
)

// TestAWS4Client calls the seed with the aws4 npm package, a signer nobody
// here wrote, in its header form and its query form. aws4 presigns
// execute-api URLs without X-Amz-Expires (it adds one only for S3), and API
// Gateway accepts them within the usual clock window of X-Amz-Date.
func TestAWS4Client(t *testing.T) {
	node := testutil.NeedCommand(t, "node")
	testutil.NeedCommand(t, "python3")
	dir, err := filepath.Abs(filepath.Join("testdata", "jsclients"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(dir, "node_modules", "aws4"))
	testutil.Need(t, err == nil, "aws4 is not installed: run npm ci in internal/server/testdata/jsclients")

	ctx := context.Background()
	s := newServer(t, "", t.TempDir())
	defer s.Shutdown(ctx)
	apiID := deploySeed(t, s, "aws4-client")
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	id, secret := s.RootKey()
	url := srv.URL + "/restapis/" + apiID + "/v1/_user_request_/hello"

	for _, form := range []string{"header", "query"} {
		t.Run(form, func(t *testing.T) {
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(cctx, node, filepath.Join(dir, "call.js"), url, form, id, secret).CombinedOutput()
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != `200 {"message": "hello world"}` {
				t.Errorf("aws4 %s-signed call: %s", form, got)
			}
		})
	}
	// A wrong secret must still fail in both forms: the query form without
	// X-Amz-Expires is a signature like any other.
	for _, form := range []string{"header", "query"} {
		out, err := exec.CommandContext(ctx, node, filepath.Join(dir, "call.js"), url, form, id, "x"+secret[1:]).CombinedOutput()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, out)
		}
		if !strings.HasPrefix(string(out), "403 ") {
			t.Errorf("aws4 %s form with a wrong secret: %s", form, out)
		}
	}
}
