package controlplane

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
)

// queryService is one query-protocol service: its signing name, XML
// namespace, API version and operations by Action.
type queryService struct {
	name      string
	namespace string
	version   string
	global    bool // any credential-scope region is accepted
	ops       map[string]op
}

// op runs one operation. A nil result writes no <ActionResult> element.
type op func(c *call) (any, error)

// call is one decoded, authenticated request.
type call struct {
	h      *Handler
	ctx    context.Context
	caller *auth.Caller
	p      params
	action string
	svc    *queryService
}

// lookup finds the operation for action. The wording of a miss follows
// AWS: "Could not find operation X for version 2010-05-08".
func (s *queryService) lookup(action, version string) (op, *awserr.Error) {
	if action == "" {
		return nil, awserr.New(awserr.MissingAction, "Missing Action")
	}
	o, ok := s.ops[action]
	if !ok {
		if version == "" {
			version = s.version
		}
		return nil, awserr.New(awserr.InvalidAction, "Could not find operation %s for version %s", action, version)
	}
	return o, nil
}

// authorize asks IAM whether the caller may perform action on resource.
// A denial becomes AccessDenied with AWS's message: "User: ARN is not
// authorized to perform: ACTION on resource: RESOURCE because no
// identity-based policy allows the ACTION action".
func (c *call) authorize(action, resource string, policies ...auth.Policy) error {
	return c.authorizeReq(auth.Request{Action: action, Resource: resource, ResourcePolicies: policies})
}

func (c *call) authorizeReq(req auth.Request) error {
	return Authorize(c.ctx, c.h.o.Authz, c.caller, req, awserr.AccessDenied)
}

// account is the account every ARN of this server names.
func (c *call) account() string { return c.h.o.AccountID }

func (c *call) now() time.Time { return c.h.o.Now() }

// writeResult writes the query protocol's success document:
//
//	<ActionResponse xmlns="…"><ActionResult>…</ActionResult>
//	<ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>
func writeResult(w http.ResponseWriter, namespace, action string, result any, requestID string) error {
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

// isoTime is an IAM/STS timestamp: ISO 8601 in UTC to the second
// ("2013-10-02T17:01:44Z"). The zero time is omitted.
type isoTime time.Time

func (t isoTime) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil
	}
	return e.EncodeElement(tt.UTC().Format("2006-01-02T15:04:05Z"), start)
}

// cfnTime is a CloudFormation timestamp, to the millisecond
// ("2023-05-10T09:19:33.547Z"). The zero time is omitted.
type cfnTime time.Time

func (t cfnTime) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	tt := time.Time(t)
	if tt.IsZero() {
		return nil
	}
	return e.EncodeElement(tt.UTC().Format("2006-01-02T15:04:05.000Z"), start)
}

// members is a query-protocol list: <Name><member>…</member>…</Name>. The
// wrapper is written even when empty, as AWS does for required lists; tag the
// field omitempty for optional ones.
type members[T any] []T

func (m members[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
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

// tag is a Key/Value pair as IAM, STS and CloudFormation list them.
type tag struct {
	Key   string
	Value string
}

// tagList returns m sorted by key (AWS returns tags in a stable order).
func tagList(m map[string]string) members[tag] {
	if len(m) == 0 {
		return nil
	}
	out := make(members[tag], 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, tag{Key: k, Value: m[k]})
	}
	return out
}
