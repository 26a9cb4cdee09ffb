package cli

import "runtime/debug"

// serverGCPercent is the GOGC a server runs with when the environment sets
// none. The server's live heap is small (about 4 MB for the seed app), so
// Go's default of 100 starts a collection every ~4 MB allocated: on the
// signed-denied path that was a fifth of the instructions per request
// (bench/callgrind.sh, 4000 requests: 199k → 156k Ir with 400; routing
// 88k → 68k). 400 costs about four live heaps of extra memory (bench/rss.sh
// reports it); GOGC in the environment still decides when it is set.
const serverGCPercent = 400

// tuneGC sets serverGCPercent unless GOGC is set.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(serverGCPercent)
}
