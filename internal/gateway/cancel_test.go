package gateway

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeLog records what a handler wrote through it.
type writeLog struct {
	http.ResponseWriter
	statuses []int
	body     strings.Builder
}

func (w *writeLog) WriteHeader(code int) {
	w.statuses = append(w.statuses, code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// TestClientClosedRequest: a client that goes away while the function runs
// is not a gateway failure. Nothing is written (no 502 body), the log says
// so at Info rather than ERROR "invoke failed", and the access log and trace
// show 499, as nginx logs a client-closed request.
func TestClientClosedRequest(t *testing.T) {
	f := newFixture(t, "")
	entered := make(chan struct{})
	f.inv.reply = func(ctx context.Context) ([]byte, string, error) {
		close(entered)
		select {
		case <-ctx.Done():
			return nil, "", ctx.Err()
		case <-time.After(30 * time.Second):
			t.Error("invoker context not cancelled within 30s of the client leaving")
			return []byte(`{"statusCode": 200}`), "", nil
		}
	}
	var wl *writeLog
	left := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(left)
		wl = &writeLog{ResponseWriter: w}
		f.gw.ServeHTTP(wl, r)
	}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/restapis/"+testAPI+"/v1/_user_request_/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "good")
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(r)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request got a response")
	}
	<-left

	if diff := cmp.Diff([]any{[]int(nil), ""}, []any{wl.statuses, wl.body.String()}); diff != "" {
		t.Errorf("written status codes, body (-want +got):\n%s", diff)
	}
	logs := f.logs.String()
	for _, want := range []string{`level=INFO msg="client closed request"`, `msg=execute-api`, `status=499`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	for _, bad := range []string{"level=ERROR", "invoke failed", "status=502"} {
		if strings.Contains(logs, bad) {
			t.Errorf("log has %q:\n%s", bad, logs)
		}
	}
	tr, ok := f.gw.Trace("c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
	if !ok {
		t.Fatal("no trace kept")
	}
	if tr.Status != 499 || !tr.Invoked || tr.Denied() {
		t.Errorf("trace status %d, invoked %v, denied %v; want 499, true, false", tr.Status, tr.Invoked, tr.Denied())
	}
}

// TestInvokerErrorStill502: an invoker failure while the client is still
// there stays a 502 logged at ERROR.
func TestInvokerErrorStill502(t *testing.T) {
	f := newFixture(t, "")
	f.inv.reply = func(context.Context) ([]byte, string, error) { return nil, "", context.Canceled }
	r := httptest.NewRequest(http.MethodGet, hostURL("/v1/hello"), nil)
	r.Header.Set("Authorization", "good")
	w := httptest.NewRecorder()
	f.gw.ServeHTTP(w, r)
	if w.Code != http.StatusBadGateway || w.Body.String() != internal {
		t.Errorf("got %d %s, want 502 %s", w.Code, w.Body, internal)
	}
	if !strings.Contains(f.logs.String(), `level=ERROR msg="invoke failed"`) {
		t.Errorf("log lacks the ERROR:\n%s", f.logs.String())
	}
}
