package gateway

import (
	"encoding/json"
	"testing"
)

// FuzzParseResponseV2 feeds any function answer to the 2.0 response
// mapping: what is not JSON fails; what is JSON is a structured response
// with a valid status or a 200 whose body is the answer.
func FuzzParseResponseV2(f *testing.F) {
	f.Add(`{"statusCode": 201, "headers": {"a": "b", "n": 1}, "cookies": ["c=d"], "body": "x"}`)
	f.Add(`{"statusCode": 200, "body": "aGk=", "isBase64Encoded": true}`)
	f.Add(`"Hello from Lambda!"`)
	f.Add(`{"message": "no status"}`)
	f.Add(`[1, 2]`)
	f.Add(`null`)
	f.Add(`{"statusCode": "200"}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, out string) {
		resp, err := parseResponseV2([]byte(out))
		valid := json.Valid([]byte(out))
		if !valid {
			if err == nil {
				t.Fatalf("accepted non-JSON %q", out)
			}
			return
		}
		if err != nil {
			return // a structured response with a bad field
		}
		if resp.StatusCode < 100 || resp.StatusCode > 599 {
			t.Fatalf("status %d from %q", resp.StatusCode, out)
		}
	})
}
