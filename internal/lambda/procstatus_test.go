package lambda

import (
	"os"
	"runtime"
	"testing"
)

func TestVMHWM(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"Name:\tpython3\nVmPeak:\t  20000 kB\nVmHWM:\t   11616 kB\nVmRSS:\t 11000 kB\n", 12},
		{"Name:\tx\nVmHWM:\t1024 kB\n", 1},
		{"Name:\tx\nVmHWM:\t1025 kB\n", 2},
		{"Name:\tx\nVmHWM:\t0 kB\n", 0},
		{"Name:\tx\nVmRSS:\t1024 kB\n", 0},
		{"Name:\tx\nVmHWM:\tlots kB\n", 0},
		{"Name:\tx\nVmHWM:\t12", 0},
		{"Name:\tx\nVmHWM:\t99999999999999999999999 kB\n", 0},
	} {
		if got := vmHWM([]byte(tt.in)); got != tt.want {
			t.Errorf("vmHWM(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func FuzzVMHWM(f *testing.F) {
	f.Add([]byte("Name:\tx\nVmHWM:\t1024 kB\n"))
	f.Add([]byte("\nVmHWM:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if mb := vmHWM(b); mb < 0 {
			t.Fatalf("vmHWM(%q) = %d", b, mb)
		}
	})
}

// TestProcStatusRereads reads this process's own status twice through one
// open file, as every REPORT line of a warm process does.
func TestProcStatusRereads(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("/proc/PID/status is Linux's")
	}
	var s procStatus
	defer s.close()
	first := s.peakMB(os.Getpid())
	if first <= 0 {
		t.Fatalf("peakMB = %d, want the test binary's peak resident set", first)
	}
	if again := s.peakMB(os.Getpid()); again < first {
		t.Errorf("second read %d MB, first %d MB: VmHWM never falls", again, first)
	}
	s.close()
	if got := s.peakMB(os.Getpid()); got != 0 {
		t.Errorf("after close peakMB = %d, want 0", got)
	}
}
