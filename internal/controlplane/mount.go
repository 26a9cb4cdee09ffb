package controlplane

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/iamgate/iamgate/internal/auth"
	"github.com/iamgate/iamgate/internal/awserr"
)

// MountDefaults are the options every mounted service handler (s3api,
// lambdaapi, logsapi, apigwapi) shares. Those packages keep them as flat
// fields of their own Options, so that callers write one composite literal,
// and pass them through Filled to get the same defaults everywhere.
type MountDefaults struct {
	Region    string
	AccountID string
	Logger    *slog.Logger
	// Caller and RequestID read what the dispatcher put in the request
	// context.
	Caller    func(context.Context) *auth.Caller
	RequestID func(context.Context) string
}

// Filled returns d with its zero fields set: a discarding logger, us-east-1,
// account 000000000000, CallerFrom and RequestIDFrom.
func (d MountDefaults) Filled() MountDefaults {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Region == "" {
		d.Region = "us-east-1"
	}
	if d.AccountID == "" {
		d.AccountID = "000000000000"
	}
	if d.Caller == nil {
		d.Caller = CallerFrom
	}
	if d.RequestID == nil {
		d.RequestID = RequestIDFrom
	}
	return d
}

// Statuses holds a mounted service's HTTP status for the codes where it
// differs from the central table (awserr.Status): S3's BucketNotEmpty, or
// CloudWatch Logs answering every client error with 400.
type Statuses map[awserr.Code]int

// Of returns the service's status for code.
func (s Statuses) Of(code awserr.Code) int {
	if st, ok := s[code]; ok {
		return st
	}
	return awserr.Status(code)
}

// Writer returns w made to write the service's status for code, since
// awserr's encoders take the status from the central table.
func (s Statuses) Writer(w http.ResponseWriter, code awserr.Code) http.ResponseWriter {
	return statusWriter{w, s.Of(code)}
}

// statusWriter forces one status whatever WriteHeader is given.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s statusWriter) WriteHeader(int) { s.ResponseWriter.WriteHeader(s.status) }
