package controlplane

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
)

// A request signed for a service iamgate does not serve (a function calling
// DynamoDB or SQS) gets one plain answer naming that service, in the wire
// shape its SDK reads (JSON for x-amz-json bodies and REST JSON, query XML
// for form bodies), instead of being taken for S3 and failing its
// signature check. 501 Not Implemented: the SDKs do not retry it.

const unservedCode = "NotImplemented"

// servedElsewhere are signing names answered outside the control plane.
var servedElsewhere = []string{"execute-api"}

func (h *Handler) unserved(name string) bool {
	if name == "" || slices.Contains(servedElsewhere, name) {
		return false
	}
	return h.o.Services[name].Handler == nil
}

func (h *Handler) writeUnserved(w http.ResponseWriter, r *http.Request, reqID, name string) {
	served := make([]string, 0, len(h.o.Services))
	for n := range h.o.Services {
		served = append(served, n)
	}
	slices.Sort(served)
	msg := "iamgate does not serve the " + name + " API (the request is signed for service " + name +
		"); it serves " + strings.Join(served, ", ") + ", execute-api and Lambda function URLs"
	h.log.Warn("request for a service iamgate does not serve", "request_id", reqID, "service", name,
		"path", r.URL.Path)
	hd := w.Header()
	hd.Set("x-amzn-RequestId", reqID)
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		type errXML struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Type    string   `xml:"Error>Type"`
			Code    string   `xml:"Error>Code"`
			Message string   `xml:"Error>Message"`
			ID      string   `xml:"RequestId"`
		}
		b, _ := xml.Marshal(errXML{Type: "Sender", Code: unservedCode, Message: msg, ID: reqID})
		hd.Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = w.Write(b)
	default:
		b, _ := json.Marshal(map[string]string{"__type": unservedCode, "message": msg})
		if strings.HasPrefix(ct, "application/x-amz-json") {
			hd.Set("Content-Type", ct)
		} else {
			hd.Set("Content-Type", "application/json")
		}
		hd.Set("x-amzn-ErrorType", unservedCode)
		w.WriteHeader(http.StatusNotImplemented)
		_, _ = w.Write(b)
	}
}
