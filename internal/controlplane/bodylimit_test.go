package controlplane

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/iamgate/iamgate/internal/awserr"
)

// TestCapBody: a body of exactly the limit reads whole; one byte more fails
// with the service's error (also through awserr.As, as mounted handlers see
// it), whatever the read sizes; a declared length over the limit is refused
// without a read.
func TestCapBody(t *testing.T) {
	lim := BodyLimit{Max: 10, Err: awserr.New("RequestTooLargeException", "too large")}
	tests := []struct {
		name     string
		body     string
		declared int64
		oneByte  bool
		wantRead string
		wantErr  bool
		refused  bool
	}{
		{name: "under", body: "12345", declared: -1, wantRead: "12345"},
		{name: "exactly the limit", body: "1234567890", declared: -1, wantRead: "1234567890"},
		{name: "exactly, byte by byte", body: "1234567890", declared: -1, oneByte: true, wantRead: "1234567890"},
		{name: "one over", body: "12345678901", declared: -1, wantRead: "1234567890", wantErr: true},
		{name: "one over, byte by byte", body: "12345678901", declared: -1, oneByte: true, wantRead: "1234567890", wantErr: true},
		{name: "declared over", body: "12345678901", declared: 11, refused: true},
		{name: "declared under, sends more", body: "12345678901", declared: 5, wantRead: "1234567890", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.oneByte {
				body = iotest.OneByteReader(body)
			}
			r, _ := http.NewRequest("POST", "/", io.NopCloser(body))
			r.ContentLength = tc.declared
			tl := capBody(r, lim)
			if (tl != nil) != tc.refused {
				t.Fatalf("refused %v, want %v", tl != nil, tc.refused)
			}
			if tc.refused {
				return
			}
			got, err := io.ReadAll(r.Body)
			if string(got) != tc.wantRead {
				t.Errorf("read %q, want %q", got, tc.wantRead)
			}
			var btl *BodyTooLarge
			if tc.wantErr != errors.As(err, &btl) {
				t.Fatalf("err %v, want too large: %v", err, tc.wantErr)
			}
			if tc.wantErr && awserr.As(err).Code != "RequestTooLargeException" {
				t.Errorf("awserr.As: %v", awserr.As(err))
			}
		})
	}
}
