package gateway

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// The ids of one REST API request, as API Gateway sends them
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference,
// $context.requestId and $context.extendedRequestId):
//
//	x-amzn-RequestId  a version 4 UUID
//	x-amz-apigw-id    the extended request id, 16 characters of base64
//	X-Amzn-Trace-Id   the client's, else a new X-Ray root id
//
// Every request gets all three, so they come from one random read and
// share one string: three reads and five allocations were a visible part
// of the routing-only path.

const (
	uuidLen      = 36
	apigwIDBytes = 11 // 16 characters of base64, the last "="
	traceRandLen = 12 // 24 hex digits
	// traceRootMax is Root=1-{epoch seconds, hex}-{24 hex}.
	traceRootMax = len("Root=1-") + 16 + 1 + 2*traceRandLen
)

// newIDs makes the request id (newRequestID's when set, else a UUID), the
// extended id and the trace id of r.
func newIDs(r *http.Request, now time.Time, newRequestID func() string) (requestID, apigwID, traceID string) {
	var rnd [16 + apigwIDBytes + traceRandLen]byte
	_, _ = rand.Read(rnd[:])
	client := clientTraceID(r)
	var buf [uuidLen + 16 + traceRootMax]byte
	b := buf[:0]
	if newRequestID == nil {
		b = appendUUID(b, rnd[:16])
	}
	n1 := len(b)
	b = base64.StdEncoding.AppendEncode(b, rnd[16:16+apigwIDBytes])
	n2 := len(b)
	if client == "" {
		b = appendTraceRoot(b, now, (*[traceRandLen]byte)(rnd[16+apigwIDBytes:]))
	}
	s := string(b)
	requestID, apigwID, traceID = s[:n1], s[n1:n2], s[n2:]
	if newRequestID != nil {
		requestID = newRequestID()
	}
	if client != "" {
		traceID = client
	}
	return requestID, apigwID, traceID
}

// clientTraceID is the X-Amzn-Trace-Id the client sent, which API Gateway
// passes on; "" for none.
func clientTraceID(r *http.Request) string {
	// Get's canonical key, read without re-spelling it.
	if t := r.Header["X-Amzn-Trace-Id"]; len(t) > 0 {
		return t[0]
	}
	return ""
}

// appendUUID appends rnd (16 random bytes) as a version 4, RFC 4122
// variant UUID (RFC 9562 section 5.4), lower-case hex with dashes.
func appendUUID(b, rnd []byte) []byte {
	var u [16]byte
	copy(u[:], rnd)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var x [32]byte
	hex.Encode(x[:], u[:])
	b = append(b, x[0:8]...)
	b = append(b, '-')
	b = append(b, x[8:12]...)
	b = append(b, '-')
	b = append(b, x[12:16]...)
	b = append(b, '-')
	b = append(b, x[16:20]...)
	b = append(b, '-')
	return append(b, x[20:32]...)
}

// appendTraceRoot appends an X-Ray root id in its format,
// Root=1-{epoch seconds, lower-case hex}-{rnd as 24 hex digits}
// (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-traceids).
func appendTraceRoot(b []byte, now time.Time, rnd *[traceRandLen]byte) []byte {
	b = append(b, "Root=1-"...)
	b = strconv.AppendInt(b, now.Unix(), 16)
	b = append(b, '-')
	var x [2 * traceRandLen]byte
	hex.Encode(x[:], rnd[:])
	return append(b, x[:]...)
}

// traceID keeps the client's X-Amzn-Trace-Id or makes a new root id in
// X-Ray's format: Root=1-{epoch seconds hex}-{24 hex digits}.
func traceID(r *http.Request, now time.Time) string {
	if t := clientTraceID(r); t != "" {
		return t
	}
	var rnd [traceRandLen]byte
	_, _ = rand.Read(rnd[:])
	var buf [traceRootMax]byte
	return string(appendTraceRoot(buf[:0], now, &rnd))
}
