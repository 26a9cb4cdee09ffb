package gateway

import (
	"encoding/base64"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The three ids made from one random read keep their shapes: a version 4
// RFC 4122 UUID, 16 characters of base64 for the extended id (as
// "TWegAcC4EowCHnA="), an X-Ray root id; each request gets new ones.
func TestNewIDs(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	r := httptest.NewRequest("GET", "http://x/", nil)
	seen := map[string]bool{}
	for range 3 {
		rid, apigwID, trace := newIDs(r, now, nil)
		u, err := uuid.Parse(rid)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != rid {
			t.Errorf("request id %q: %v, version %d, variant %v", rid, err, u.Version(), u.Variant())
		}
		if b, err := base64.StdEncoding.DecodeString(apigwID); len(apigwID) != 16 || err != nil || len(b) != apigwIDBytes {
			t.Errorf("extended id %q: %v", apigwID, err)
		}
		if !traceIDShape.MatchString(trace) {
			t.Errorf("trace id %q", trace)
		}
		for _, id := range []string{rid, apigwID, trace} {
			if seen[id] {
				t.Errorf("id %q made twice", id)
			}
			seen[id] = true
		}
	}
	r.Header.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
	rid, apigwID, trace := newIDs(r, now, func() string { return "fixed" })
	if rid != "fixed" || len(apigwID) != 16 || trace != "Root=1-5759e988-bd862e3fe1be46a994272793" {
		t.Errorf("with an id source and the client's trace: %q %q %q", rid, apigwID, trace)
	}
}
