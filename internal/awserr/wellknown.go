package awserr

import (
	"bytes"
	"net/http"
)

// WellKnownResponse is an error answer of a user pool's public well-known
// documents (/{poolId}/.well-known/jwks.json and openid-configuration,
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
// They are plain GETs outside the cognito-idp JSON protocol: no
// x-amzn-ErrorType, a {"message":"..."} body and the status alone.
type WellKnownResponse int

// The well-known document answers iamgate writes.
const (
	WellKnownPoolNotFound WellKnownResponse = iota + 1 // the message names the pool
	WellKnownInternalError
	wellKnownCount
)

type wellKnownResponse struct {
	status  int
	message string
}

// wellKnownResponses is the one table of the well-known edge's errors.
var wellKnownResponses = [wellKnownCount]wellKnownResponse{
	WellKnownPoolNotFound:  {http.StatusNotFound, "User pool does not exist."},
	WellKnownInternalError: {http.StatusInternalServerError, "Internal server error"},
}

func (r WellKnownResponse) entry() wellKnownResponse {
	if r <= 0 || r >= wellKnownCount {
		return wellKnownResponses[WellKnownInternalError] // never reached: every constant has an entry (tested)
	}
	return wellKnownResponses[r]
}

// Status is the HTTP status of the response.
func (r WellKnownResponse) Status() int { return r.entry().status }

// WriteWellKnownResponse writes resp with message ("" for its default
// text; a pool not found is worded "User pool {poolId} does not exist.").
func WriteWellKnownResponse(w http.ResponseWriter, resp WellKnownResponse, message string) {
	e := resp.entry()
	if message == "" {
		message = e.message
	}
	var b bytes.Buffer
	b.WriteString(`{"message":`)
	b.Write(jsonString(message))
	b.WriteByte('}')
	writeBody(w, e.status, "application/json", "", "", b.Bytes())
}
