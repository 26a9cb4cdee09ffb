package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
	"github.com/iamgate/iamgate/internal/gateway"
)

// The why API explains data-plane decisions (`iamgate why`). It is
// iamgate's own, so it lives under a path no AWS API uses:
//
//	GET  /_iamgate/why/{requestId}   the trace of a recent request
//	POST /_iamgate/why               evaluate a request without invoking
//
// Requests are SigV4-signed with service name "iamgate" (any region). A
// trace reveals a principal's policies, so the caller needs what
// `aws iam simulate-principal-policy` needs: iam:SimulatePrincipalPolicy on
// the principal the trace is about (the admin has it).
const (
	WhyPath       = "/_iamgate/why"
	WhyService    = "iamgate"
	whyAction     = "iam:SimulatePrincipalPolicy"
	maxWhyRequest = 11 << 20 // API Gateway's 10 MB payload plus the JSON around it
)

// WhyRequest is the body of POST /_iamgate/why: a data-plane request, as
// the client would send it (signed by the identity being explained).
type WhyRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Host   string      `json:"host"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body,omitempty"`
}

// IsWhy tells the server's dispatcher that r is for the why API.
func IsWhy(r *http.Request) bool {
	return r.URL.Path == WhyPath || strings.HasPrefix(r.URL.Path, WhyPath+"/")
}

// whyHandler serves the why API over the gateway's traces.
type whyHandler struct {
	gw    *gateway.Gateway
	authn auth.Authenticator
	authz auth.Authorizer
	newID func() string
}

func (h *whyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.newID()
	caller, ok := authenticateAdmin(w, r, h.authn, reqID)
	if !ok {
		return
	}
	var t *gateway.Trace
	switch id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, WhyPath), "/"); {
	case r.Method == http.MethodGet && id != "":
		var ok bool
		if t, ok = h.gw.Trace(id); !ok {
			awserr.Admin.Write(w, awserr.New(awserr.NotFoundException,
				"No trace for request %s: the server keeps the most recent requests only, in memory", id), awserr.Reply{RequestID: reqID})
			return
		}
	case r.Method == http.MethodPost && id == "":
		inner, err := innerRequest(r)
		if err != nil {
			awserr.Admin.Write(w, awserr.New(awserr.ValidationException, "%s", err.Error()), awserr.Reply{RequestID: reqID})
			return
		}
		t = h.gw.Explain(inner)
	default:
		awserr.Admin.Write(w, awserr.New(awserr.NotFoundException, "No such why API route: %s %s", r.Method, r.URL.Path), awserr.Reply{RequestID: reqID})
		return
	}
	if !h.allowed(w, r, caller, t, reqID) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", reqID)
	_ = json.NewEncoder(w).Encode(t)
}

// allowed authorizes iam:SimulatePrincipalPolicy on the traced principal.
func (h *whyHandler) allowed(w http.ResponseWriter, r *http.Request, caller *auth.Caller, t *gateway.Trace, reqID string) bool {
	resource := "*"
	if t.Identity != nil && strings.HasPrefix(t.Identity.ARN, "arn:") {
		resource = t.Identity.ARN
	}
	return authorizeAdmin(w, r, h.authz, caller, whyAction, resource, reqID)
}

// innerRequest rebuilds the data-plane request a WhyRequest describes. Its
// remote address is the why caller's, so aws:SourceIp is the client's.
func innerRequest(r *http.Request) (*http.Request, error) {
	var wr WhyRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxWhyRequest))
	if err := dec.Decode(&wr); err != nil {
		return nil, fmt.Errorf("request body is not a why request: %v", err)
	}
	u, err := url.Parse(wr.URL)
	if err != nil || u.Path == "" || u.Host == "" {
		return nil, fmt.Errorf("url %q is not an absolute URL with a path", wr.URL)
	}
	if wr.Method == "" {
		wr.Method = http.MethodGet
	}
	inner, err := http.NewRequestWithContext(r.Context(), wr.Method, wr.URL, bytes.NewReader(wr.Body))
	if err != nil {
		return nil, err
	}
	inner.Header = wr.Header
	if inner.Header == nil {
		inner.Header = http.Header{}
	}
	inner.Host = wr.Host
	if inner.Host == "" {
		inner.Host = u.Host
	}
	inner.RemoteAddr = r.RemoteAddr
	inner.RequestURI = u.RequestURI()
	if !gateway.Match(inner) {
		return nil, fmt.Errorf("url %q is not an execute-api URL of this server", wr.URL)
	}
	return inner, nil
}

// functionPolicies gives the gateway each function's resource-based policy.
type functionPolicies struct{ funcs *functions.Service }

func (f functionPolicies) FunctionPolicy(ctx context.Context, functionARN string) (string, error) {
	return f.funcs.Policy(ctx, functionARN)
}
