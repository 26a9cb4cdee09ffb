package lambda

import (
	"fmt"
	"math"
	"regexp"
	"testing"
	"time"
)

// FuzzReportLine: the REPORT line built by appends is byte for byte the
// fmt.Sprintf form it replaced.
func FuzzReportLine(f *testing.F) {
	f.Add("8f5c-id", int64(1234567), 128, 42, true, int64(98765432))
	f.Add("", int64(0), 0, 0, false, int64(0))
	f.Add("x", int64(999999), 10240, 10240, true, int64(-5))
	f.Add("y", int64(math.MaxInt64), 1, 1, true, int64(1))
	f.Fuzz(func(t *testing.T, id string, dur int64, memory, used int, cold bool, initDur int64) {
		d, i := time.Duration(dur), time.Duration(initDur)
		want := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
			id, ms(d), int64(math.Ceil(ms(d))), memory, used)
		if cold && i > 0 {
			want += fmt.Sprintf("Init Duration: %.2f ms\t", ms(i))
		}
		if got := reportLine(id, d, memory, used, cold, i); got != want {
			t.Fatalf("reportLine = %q, want %q", got, want)
		}
	})
}

// FuzzTraceID: the trace header has the form fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0")
// gave it, with fresh random digits each time.
func FuzzTraceID(f *testing.F) {
	f.Add(int64(0))
	f.Add(int64(1796356800))
	f.Add(int64(0xfffffffff))
	shape := regexp.MustCompile(`^Root=1-([0-9a-f]{8,})-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$`)
	f.Fuzz(func(t *testing.T, unix int64) {
		if unix < 0 {
			unix = -unix
		}
		if unix < 0 {
			return
		}
		got := formatTraceID(unix)
		m := shape.FindStringSubmatch(got)
		if m == nil || m[1] != fmt.Sprintf("%08x", unix) {
			t.Fatalf("formatTraceID(%d) = %q", unix, got)
		}
		if formatTraceID(unix) == got {
			t.Fatalf("formatTraceID(%d) twice gave the same random digits %q", unix, got)
		}
	})
}
