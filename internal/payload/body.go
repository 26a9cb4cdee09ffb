package payload

import (
	"encoding/base64"
	"mime"
	"strings"
	"unicode/utf8"
)

// Body is the body and isBase64Encoded fields of a 2.0 event (and of an
// HTTP API's 1.0 event): nil for an empty body, the text as it is for a
// textual content type, base64 for everything else. HTTP APIs and function
// URLs have no binaryMediaTypes setting; they decide by the request's
// Content-Type alone, and a missing Content-Type or a form
// (application/x-www-form-urlencoded, multipart/form-data) is not text.
func Body(body []byte, contentType string) (*string, bool) {
	if len(body) == 0 {
		return nil, false
	}
	if IsText(contentType) && utf8.Valid(body) {
		s := string(body)
		return &s, false
	}
	s := base64.StdEncoding.EncodeToString(body)
	return &s, true
}

// IsText reports whether a request body of this Content-Type reaches the
// function as text: text/* and application/json, application/xml and
// application/javascript, parameters (charset) ignored.
func IsText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript":
		return true
	}
	return false
}
