package logs

import (
	"encoding/json"
	"time"
)

// encodeEvent is json.Marshal(e), byte for byte, without reflection for the
// common event: times the JSON encoder writes as RFC 3339 (years 0–9999,
// whole-minute offsets) and a message of printable ASCII that needs no
// escaping. Anything else goes through json.Marshal. Every function log
// line is encoded once, in the writer's transaction.
func encodeEvent(e Event) ([]byte, error) {
	if !plainTime(e.Timestamp) || !plainTime(e.IngestionTime) || !plainMessage(e.Message) {
		return json.Marshal(e)
	}
	b := make([]byte, 0, len(`{"t":"","m":"","i":""}`)+2*len(time.RFC3339Nano)+len(e.Message))
	b = append(b, `{"t":"`...)
	b = e.Timestamp.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","m":"`...)
	b = append(b, e.Message...)
	b = append(b, `","i":"`...)
	b = e.IngestionTime.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `"}`...)
	return b, nil
}

// plainTime reports whether time.Time's MarshalJSON is its RFC3339Nano
// format between quotes (it refuses other years and offsets with seconds).
func plainTime(t time.Time) bool {
	if y := t.Year(); y < 0 || y > 9999 {
		return false
	}
	_, off := t.Zone()
	return off%60 == 0
}

// plainMessage reports whether the JSON encoder writes s unchanged: printable
// ASCII without the quote, the backslash or the characters it escapes for
// HTML (<, >, &).
func plainMessage(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
