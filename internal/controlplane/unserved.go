package controlplane

import (
	"net/http"
	"slices"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// A request signed for a service iamgate does not serve (a function calling
// DynamoDB or SQS) gets one plain answer naming that service, in the wire
// shape its SDK reads (JSON for x-amz-json bodies and REST JSON, query XML
// for form bodies), instead of being taken for S3 and failing its
// signature check. 501 Not Implemented: the SDKs do not retry it.

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
	ct := r.Header.Get("Content-Type")
	p, rp := awserr.JSON, awserr.Reply{RequestID: reqID, ContentType: "application/json", Log: h.log}
	switch {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		p = awserr.Query
	case strings.HasPrefix(ct, "application/x-amz-json"):
		rp.ContentType = ct
	}
	awserr.Unserved(name, p).Write(w, awserr.New(awserr.NotImplemented, "%s", msg), rp)
}
