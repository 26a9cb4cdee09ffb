package sqlite

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// appendDecision appends d as encoding/json marshals it, byte for byte,
// without reflection: every signed request writes one or two decisions, and
// json.Marshal was most of the writer's own CPU. A string that needs
// escaping goes through encoding/json, so only plain text takes the fast
// way.
func appendDecision(b []byte, d store.Decision) []byte {
	b = append(b, `{"time":`...)
	b = appendTime(b, d.Time)
	if d.RequestID != "" {
		b = appendField(b, `,"requestId":`, d.RequestID)
	}
	b = appendField(b, `,"principal":`, d.Principal)
	b = appendField(b, `,"caller":`, d.Caller)
	b = appendField(b, `,"action":`, d.Action)
	b = appendField(b, `,"resource":`, d.Resource)
	b = appendField(b, `,"effect":`, d.Effect)
	if d.Audited {
		b = append(b, `,"audited":true`...)
	}
	if d.Statement != "" {
		b = appendField(b, `,"statement":`, d.Statement)
	}
	if d.Reason != "" {
		b = appendField(b, `,"reason":`, d.Reason)
	}
	return append(b, '}')
}

func appendField(b []byte, key, v string) []byte {
	return appendString(append(b, key...), v)
}

// appendString quotes s as encoding/json does: plain printable ASCII as it
// is, anything else (quotes, backslashes, controls, <, >, &, non-ASCII)
// through json.Marshal.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendTime is time.Time's MarshalJSON (RFC 3339 with nanoseconds). A
// year outside 0-9999, which MarshalJSON refuses (and with it the whole
// batch), is written quoted all the same.
func appendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		return strconv.AppendQuote(b, t.Format(time.RFC3339Nano))
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}
