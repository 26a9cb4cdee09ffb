package awserr

import (
	"log/slog"
	"net/http"
	"slices"
)

// Service is one AWS service as its errors reach the wire: the protocol
// they are encoded in and the HTTP status of every code the service
// answers with. The same code can carry different statuses in different
// services (ResourceNotFoundException is 404 for Lambda, 400 for
// CloudWatch Logs and Cognito), so the table is keyed by (service, code),
// never by code alone.
type Service struct {
	// Name is the service's signing name ("iam", "s3", "logs", ...), the
	// key the control plane's dispatcher finds it by.
	Name     string
	Protocol Protocol
	// Namespace is the XML namespace of a query service's error documents.
	Namespace string
	// internal is the service's answer to a failure that is not an AWS
	// error (awserr.As's InternalFailure) and to a code its table lacks.
	internal Error
	codes    map[Code]int
	// senders are codes answered as the client's fault whatever their
	// status (Unserved's 501).
	senders map[Code]bool
}

// Status is the HTTP status s answers code with; ok is false for a code
// s's table does not list.
func (s *Service) Status(code Code) (status int, ok bool) {
	status, ok = s.codes[code]
	return status, ok
}

// Knows reports whether code has an entry in s's table.
func (s *Service) Knows(code Code) bool {
	_, ok := s.codes[code]
	return ok
}

// Codes lists the codes of s's table, sorted, for tests that walk them all.
func (s *Service) Codes() []Code {
	out := make([]Code, 0, len(s.codes))
	for c := range s.codes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Internal is the code s answers an internal failure with (S3's
// InternalError, Lambda's ServiceException, ...).
func (s *Service) Internal() Code { return s.internal.Code }

// Reply is what an edge knows of the request an error answers.
type Reply struct {
	RequestID string
	// ContentType is the request's awsJson version
	// ("application/x-amz-json-1.0"); "" is 1.1. Other protocols ignore it.
	ContentType string
	// Log receives the report of a code missing from the table; nil is
	// slog.Default(), so that the report is never lost.
	Log *slog.Logger
}

// Resolve is the error s writes for e, with its status: an internal
// failure becomes s's own internal error where s spells it otherwise (S3's
// InternalError), and a code s's table does not
// list (a bug: the walk over the module's codes should have caught it) is
// reported on log and answered as s's internal error too, never guessed.
func (s *Service) Resolve(e *Error, log *slog.Logger) (*Error, int) {
	if e.Code == InternalFailure && s.internal.Code != InternalFailure {
		in := s.internal
		return &in, s.codes[in.Code]
	}
	if st, ok := s.codes[e.Code]; ok {
		return e, st
	}
	if log == nil {
		log = slog.Default()
	}
	log.Error("error code missing from the service's error table; answering its internal error",
		"service", s.Name, "code", string(e.Code), "message", e.Message)
	in := s.internal
	return &in, s.codes[in.Code]
}

// Write writes e as s answers it: status from s's table, body and headers
// in s's protocol. It is the one way an AWS error leaves iamgate's control
// plane.
func (s *Service) Write(w http.ResponseWriter, e *Error, r Reply) {
	e, status := s.Resolve(e, r.Log)
	client := status < 500 || s.senders[e.Code]
	switch s.Protocol {
	case JSON:
		writeJSON(w, status, e, r.RequestID, r.ContentType)
	case RESTJSON:
		writeRESTJSON(w, status, client, e, r.RequestID)
	case RESTXML:
		writeRESTXML(w, status, e, r.RequestID)
	case RuntimeAPI:
		writeRuntimeAPI(w, status, e)
	default:
		writeQuery(w, status, client, e, r.RequestID, s.Namespace)
	}
}

// ServiceNamed returns the service whose signing name is name, or nil.
func ServiceNamed(name string) *Service {
	for _, s := range services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Unserved is the table of a service iamgate does not serve, answered in
// protocol p: every request is 501 NotImplemented (which the SDKs do not
// retry), and nothing else.
func Unserved(name string, p Protocol) *Service {
	s := newService(name, p, "", Error{Code: InternalFailure, Message: internalMessage}, map[Code]int{
		NotImplemented:  http.StatusNotImplemented,
		InternalFailure: http.StatusInternalServerError,
	})
	// The request was the client's mistake: it asked the wrong server.
	s.senders = map[Code]bool{NotImplemented: true}
	return s
}

// Services lists every service of the table.
func Services() []*Service { return slices.Clone(services) }
