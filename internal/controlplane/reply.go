package controlplane

import (
	"net/http"
	"strconv"
)

// Reply writes a mounted service's successful answer: status, the body b
// as contentType ("" sends no Content-Type, for an empty body) and the
// request id in x-amzn-RequestId, as the JSON and REST-JSON protocols return
// it. Errors are written by package awserr, never here.
func Reply(w http.ResponseWriter, status int, reqID, contentType string, b []byte) {
	hd := w.Header()
	if contentType != "" {
		hd.Set("Content-Type", contentType)
	}
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	if reqID != "" {
		hd.Set("x-amzn-RequestId", reqID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
