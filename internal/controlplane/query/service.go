package query

import (
	"bytes"
	"context"
	"encoding/xml"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/controlplane/mount"
)

// Service is one query-protocol service: its signing name, XML namespace,
// API version and operations by Action. It is an http.Handler mounted in
// the control plane, which has verified the request's signature and put
// the caller in its context (package mount).
type Service struct {
	Name      string
	Namespace string
	// Errors is the service's error table (awserr.IAM, ...): the one
	// source of its statuses.
	Errors  *awserr.Service
	Version string
	// Global services (IAM, STS) accept any region in the credential
	// scope: clients pointed at a custom endpoint sign them with their own.
	Global bool
	Ops    map[string]Op
	// Authz authorizes every operation; Now is the clock; Mount gives the
	// account, logger and request context readers.
	Authz auth.Authorizer
	Now   func() time.Time
	mount.Options
}

// Op runs one operation. A nil result writes no <ActionResult> element.
type Op func(c *Call) (any, error)

// Call is one decoded, authenticated request.
type Call struct {
	Ctx    context.Context
	Caller *auth.Caller
	P      Params
	Action string
	Svc    *Service
}

// Bind makes ops, written over a service's own call type C (a Call with
// the service's options), a Service's Ops: wrap makes each request's C.
func Bind[F ~func(C) (any, error), C any](ops map[string]F, wrap func(*Call) C) map[string]Op {
	out := make(map[string]Op, len(ops))
	for name, f := range ops {
		out[name] = func(qc *Call) (any, error) { return f(wrap(qc)) }
	}
	return out
}

// Has reports whether the service has an operation named action.
func (s *Service) Has(action string) bool {
	_, ok := s.Ops[action]
	return ok
}

// lookup finds the operation for action. The wording of a miss follows
// AWS: "Could not find operation X for version 2010-05-08".
func (s *Service) lookup(action, version string) (Op, *awserr.Error) {
	if action == "" {
		return nil, awserr.New(awserr.MissingAction, "Missing Action")
	}
	o, ok := s.Ops[action]
	if !ok {
		if version == "" {
			version = s.Version
		}
		return nil, awserr.New(awserr.InvalidAction, "Could not find operation %s for version %s", action, version)
	}
	return o, nil
}

// Authorize asks IAM whether the caller may perform action on resource.
// A denial becomes AccessDenied with AWS's message: "User: ARN is not
// authorized to perform: ACTION on resource: RESOURCE because no
// identity-based policy allows the ACTION action".
func (c *Call) Authorize(action, resource string, policies ...auth.Policy) error {
	return c.AuthorizeReq(auth.Request{Action: action, Resource: resource, ResourcePolicies: policies})
}

// AuthorizeReq is Authorize for a full request (condition keys).
func (c *Call) AuthorizeReq(req auth.Request) error {
	return mount.Authorize(c.Ctx, c.Svc.Authz, c.Caller, req, awserr.AccessDenied)
}

// Account is the account every ARN of this server names.
func (c *Call) Account() string { return c.Svc.AccountID }

// Now is the service's clock.
func (c *Call) Now() time.Time { return c.Svc.Now() }

// WriteResult writes the query protocol's success document:
//
//	<ActionResponse xmlns="…"><ActionResult>…</ActionResult>
//	<ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>
func WriteResult(w http.ResponseWriter, namespace, action string, result any, requestID string) error {
	var b bytes.Buffer
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	start := xml.StartElement{
		Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}},
	}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return err
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return err
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	b.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}

// ISOTime is an IAM/STS timestamp: ISO 8601 in UTC to the second
// ("2013-10-02T17:01:44Z"). The zero time is omitted.
type ISOTime time.Time

func (t ISOTime) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil
	}
	return e.EncodeElement(tt.UTC().Format("2006-01-02T15:04:05Z"), start)
}

// CFNTime is a CloudFormation timestamp, to the millisecond
// ("2023-05-10T09:19:33.547Z"). The zero time is omitted.
type CFNTime time.Time

func (t CFNTime) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil
	}
	return e.EncodeElement(tt.UTC().Format("2006-01-02T15:04:05.000Z"), start)
}

// Members is a query-protocol list: <Name><member>…</member>…</Name>. The
// wrapper is written even when empty, as AWS does for required lists; tag the
// field omitempty for optional ones.
type Members[T any] []T

func (m Members[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	item := xml.StartElement{Name: xml.Name{Local: "member"}}
	for _, v := range m {
		if err := e.EncodeElement(v, item); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// Tag is a Key/Value pair as IAM, STS and CloudFormation list them.
type Tag struct {
	Key   string
	Value string
}

// TagList returns m sorted by key (AWS returns tags in a stable order).
func TagList(m map[string]string) Members[Tag] {
	if len(m) == 0 {
		return nil
	}
	out := make(Members[Tag], 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: k, Value: m[k]})
	}
	return out
}
