package lambda

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseErrorBody checks that whatever a runtime posts as an error, Invoke
// returns a JSON object, passes a JSON object on unchanged, and falls back
// to the Lambda-Runtime-Function-Error-Type header otherwise.
func FuzzParseErrorBody(f *testing.F) {
	seeds := []struct{ body, header string }{
		{`{"errorMessage":"boom","errorType":"ValueError","requestId":"r","stackTrace":["  File \"app.py\"\n"]}`, "ValueError"},
		{`{"errorMessage":"go handler failed","errorType":"errorString"}`, ""},
		{``, "Runtime.Custom"},
		{`not json`, ""},
		{`[1,2]`, "X"},
		{`null`, ""},
		{`{"errorType": 5}`, "H"},
		{" \n{}\t", ""},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.header)
	}
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		got := parseErrorBody(body, header)
		var obj map[string]any
		if err := json.Unmarshal(got.payload, &obj); err != nil || obj == nil {
			t.Fatalf("payload %q is not a JSON object: %v", got.payload, err)
		}
		var in map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(body), &in) == nil && in != nil {
			if !bytes.Equal(got.payload, bytes.TrimSpace(body)) {
				t.Fatalf("object body changed: %q → %q", body, got.payload)
			}
			return
		}
		want := header
		if want == "" {
			want = "Runtime.Unknown"
		}
		var wantJSON string // what JSON makes of the header (invalid UTF-8 → U+FFFD)
		b, _ := json.Marshal(want)
		_ = json.Unmarshal(b, &wantJSON)
		if obj["errorType"] != wantJSON || got.errorType != want {
			t.Fatalf("errorType = %v / %q, want %q", obj["errorType"], got.errorType, want)
		}
	})
}

// FuzzRuntimeAPIRequest sends arbitrary requests to a Runtime API holding
// event "req-1": statuses stay within the spec's set (plus the mux's 404,
// 405 and redirects), error bodies are JSON, and the event gets at most one
// answer, equal to the posted body when accepted as a response.
func FuzzRuntimeAPIRequest(f *testing.F) {
	f.Add("POST", apiPrefix+"/runtime/invocation/req-1/response", []byte(`{"ok":true}`), "")
	f.Add("POST", apiPrefix+"/runtime/invocation/req-1/error", []byte(`{"errorType":"E"}`), "E")
	f.Add("POST", apiPrefix+"/runtime/invocation/req-2/response", []byte(`1`), "")
	f.Add("POST", pathInitError, []byte(`{}`), "Runtime.X")
	f.Add("GET", apiPrefix+"/runtime/invocation/req-1/response", []byte(nil), "")
	f.Add("POST", apiPrefix+"/runtime/invocation//response", []byte(nil), "")
	f.Add("PUT", "/2018-06-01/runtime/../runtime/invocation/req-1/error", []byte("x"), "")
	allowed := map[int]bool{200: true, 202: true, 301: true, 307: true, 308: true, 400: true, 403: true,
		404: true, 405: true, 413: true, 500: true}
	f.Fuzz(func(t *testing.T, method, path string, body []byte, header string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(method, " \t\r\n") || method == "" {
			return
		}
		api := newRuntimeAPI(time.Now)
		inv := newInvocation("req-1", nil, time.Second)
		api.state, api.current = stateInvoking, inv
		req := &http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{},
			Body: io.NopCloser(bytes.NewReader(body)), Host: "127.0.0.1"}
		req = req.WithContext(t.Context())
		if header != "" {
			req.Header.Set(headerErrorType, header)
		}
		rec := httptest.NewRecorder()
		api.handler().ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %q → status %d", method, path, rec.Code)
		}
		if rec.Code == 202 || rec.Code == 400 || rec.Code == 403 || rec.Code == 413 {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%d body %q is not JSON", rec.Code, rec.Body.Bytes())
			}
		}
		select {
		case o := <-inv.done:
			if rec.Code != 202 && rec.Code != 413 {
				t.Fatalf("event answered with status %d", rec.Code)
			}
			if o.ferr == nil && !bytes.Equal(o.payload, body) {
				t.Fatalf("response payload %q, posted %q", o.payload, body)
			}
			select {
			case <-inv.done:
				t.Fatal("event answered twice")
			default:
			}
		default:
		}
	})
}

// FuzzOutputLines checks the split of process output into log lines: the
// lines joined with newlines give back the output, without sync markers.
func FuzzOutputLines(f *testing.F) {
	f.Add([]byte("hello\nworld\n"))
	f.Add([]byte("no newline"))
	f.Add([]byte("\n\n\r\n"))
	f.Add([]byte("partial\x00iamgate-log-sync-7\nnext\n"))
	f.Add([]byte("[ERROR] E: m\rTraceback\r  File x\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		sink := newMemSink()
		o := newOutputReader(nil, nil, &streamLog{sink: sink, group: "g", stream: "s", now: time.Now})
		o.scan(bytes.NewReader(out))
		got := sink.messages("g")["s"]
		if bytes.Contains(out, syncMarker) {
			for _, l := range got {
				if strings.Contains(l, string(syncMarker)) {
					t.Fatalf("marker leaked: %q", l)
				}
			}
			return
		}
		want := string(bytes.TrimSuffix(out, []byte("\n")))
		if len(out) == 0 {
			want = ""
		}
		if joined := strings.Join(got, "\n"); joined != want && len(out) < maxLogLine {
			t.Fatalf("lines %q from %q", got, out)
		}
	})
}
