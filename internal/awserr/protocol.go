package awserr

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
)

// Protocol is an AWS wire protocol: it decides how an *Error is encoded and
// how an authentication failure is worded (FromSigV4).
type Protocol int

const (
	// Query is the awsQuery protocol of IAM, STS and CloudFormation: form
	// encoded requests, XML answers, <ErrorResponse> errors.
	Query Protocol = iota + 1
	// JSON is awsJson 1.0 / 1.1 (CloudWatch Logs): X-Amz-Target requests,
	// errors as {"__type": ..., "message": ...}.
	JSON
	// RESTJSON is restJson1 (Lambda, API Gateway control plane).
	RESTJSON
	// RESTXML is restXml as S3 speaks it: <Error><Code>…</Code>…</Error>.
	RESTXML
	// RuntimeAPI is the Lambda Runtime API's ErrorResponse
	// ({"errorMessage": ..., "errorType": ...}), between iamgate and a
	// function process (shared/conformance/lambda/runtime-api/runtime-api.yaml).
	RuntimeAPI
)

func (p Protocol) String() string {
	switch p {
	case Query:
		return "query"
	case JSON:
		return "json"
	case RESTJSON:
		return "rest-json"
	case RESTXML:
		return "rest-xml"
	case RuntimeAPI:
		return "runtime-api"
	}
	return "Protocol(" + strconv.Itoa(int(p)) + ")"
}

// Query XML namespaces of the three query services.
const (
	IAMNamespace            = "https://iam.amazonaws.com/doc/2010-05-08/"
	STSNamespace            = "https://sts.amazonaws.com/doc/2011-06-15/"
	CloudFormationNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
)

// writeQuery writes e as the query protocol's error document:
//
//	<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//	  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>…</Message></Error>
//	  <RequestId>…</RequestId>
//	</ErrorResponse>
//
// namespace is the service's XML namespace (IAMNamespace, ...); client is
// false for the service's own faults (Receiver).
func writeQuery(w http.ResponseWriter, status int, client bool, e *Error, requestID, namespace string) {
	typ := "Sender"
	if !client {
		typ = "Receiver"
	}
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse`)
	if namespace != "" {
		b.WriteString(` xmlns="`)
		xmlEscape(&b, namespace)
		b.WriteString(`"`)
	}
	b.WriteString(">\n  <Error>\n    <Type>" + typ + "</Type>\n    <Code>")
	xmlEscape(&b, string(e.Code))
	b.WriteString("</Code>\n    <Message>")
	xmlEscape(&b, e.Message)
	b.WriteString("</Message>\n  </Error>\n  <RequestId>")
	xmlEscape(&b, requestID)
	b.WriteString("</RequestId>\n</ErrorResponse>\n")
	writeBody(w, status, "text/xml", "x-amzn-RequestId", requestID, b.Bytes())
}

// writeJSON writes e as awsJson 1.0/1.1 do: x-amzn-ErrorType names the code
// and the body carries "__type" and "message". contentType is the request's
// protocol ("application/x-amz-json-1.1"); "" means 1.1.
func writeJSON(w http.ResponseWriter, status int, e *Error, requestID, contentType string) {
	if contentType == "" {
		contentType = "application/x-amz-json-1.1"
	}
	var b bytes.Buffer
	b.WriteString(`{"__type":`)
	b.Write(jsonString(string(e.Code)))
	b.WriteString(`,"message":`)
	b.Write(jsonString(e.Message))
	b.WriteByte('}')
	w.Header().Set("x-amzn-ErrorType", string(e.Code))
	writeBody(w, status, contentType, "x-amzn-RequestId", requestID, b.Bytes())
}

// writeRESTJSON writes e as Lambda's restJson1 errors look:
// x-amzn-ErrorType plus {"Type":"User","message":"…"}.
func writeRESTJSON(w http.ResponseWriter, status int, client bool, e *Error, requestID string) {
	typ := "User"
	if !client {
		typ = "Service"
	}
	var b bytes.Buffer
	b.WriteByte('{')
	if e.Reason != "" {
		b.WriteString(`"Reason":`)
		b.Write(jsonString(e.Reason))
		b.WriteByte(',')
	}
	b.WriteString(`"Type":"` + typ + `","message":`)
	b.Write(jsonString(e.Message))
	b.WriteByte('}')
	w.Header().Set("x-amzn-ErrorType", string(e.Code))
	writeBody(w, status, "application/json", "x-amzn-RequestId", requestID, b.Bytes())
}

// writeRESTXML writes e as S3 does:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>NoSuchKey</Code><Message>…</Message><RequestId>…</RequestId><HostId>…</HostId></Error>
//
// with the x-amz-request-id header S3 uses instead of x-amzn-RequestId.
func writeRESTXML(w http.ResponseWriter, status int, e *Error, requestID string) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error><Code>")
	xmlEscape(&b, string(e.Code))
	b.WriteString("</Code><Message>")
	xmlEscape(&b, e.Message)
	b.WriteString("</Message><RequestId>")
	xmlEscape(&b, requestID)
	b.WriteString("</RequestId><HostId>")
	xmlEscape(&b, requestID)
	b.WriteString("</HostId></Error>")
	w.Header().Set("x-amz-id-2", requestID)
	writeBody(w, status, "application/xml", "x-amz-request-id", requestID, b.Bytes())
}

// writeRuntimeAPI writes e as the Runtime API's ErrorResponse schema
// (errorMessage and errorType, both strings), one JSON line with no request
// id: the runtime's own request names the invocation.
func writeRuntimeAPI(w http.ResponseWriter, status int, e *Error) {
	var b bytes.Buffer
	b.WriteString(`{"errorMessage":`)
	b.Write(jsonString(e.Message))
	b.WriteString(`,"errorType":`)
	b.Write(jsonString(string(e.Code)))
	b.WriteString("}\n")
	writeBody(w, status, "application/json", "", "", b.Bytes())
}

func writeBody(w http.ResponseWriter, status int, contentType, idHeader, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if requestID != "" {
		h.Set(idHeader, requestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func xmlEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}
