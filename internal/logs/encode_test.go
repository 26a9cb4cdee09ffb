package logs

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// FuzzEncodeEvent: encodeEvent writes exactly what json.Marshal writes,
// whatever the message, the instants and their zones.
func FuzzEncodeEvent(f *testing.F) {
	f.Add("START RequestId: 8f5c Version: $LATEST", int64(1796356800123456789), int64(1796356800200000000), 0)
	f.Add("REPORT RequestId: x\tDuration: 1.00 ms\t", int64(0), int64(1), 3600)
	f.Add("<b>&\"quoted\"\\ \u2028 \xff é", int64(-62135596800000000), int64(253402300799999999), -34200)
	f.Add("", int64(253402300800000000), int64(-62135596801000000), 37)
	f.Fuzz(func(t *testing.T, msg string, ts, ingested int64, offset int) {
		loc := time.FixedZone("z", offset%(18*3600))
		e := Event{Timestamp: time.Unix(0, ts).In(loc), Message: msg, IngestionTime: time.Unix(0, ingested).UTC()}
		want, wantErr := json.Marshal(e)
		got, err := encodeEvent(e)
		if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("encodeEvent = %s, %v; json.Marshal = %s, %v", got, err, want, wantErr)
		}
	})
}
