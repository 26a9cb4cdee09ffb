#!/usr/bin/env bash
# callgrind.sh counts the instructions one request costs (valgrind's
# callgrind, Ir), which unlike req/s stay the same on a busy machine: the
# bare net/http baseline, iamgate's routing path (unsigned 403), its
# denied path (SigV4 + IAM, 403) and its allowed path through the warm
# Python and provided.al2023 Go functions (200). Each server runs under callgrind with
# instrumentation off; it is switched on for N requests on one keep-alive
# connection, after a warm-up, and the total is divided by N. Counts
# include what the server does in the background meanwhile (the decision
# writer, GC), as a request's share.
#
# iamgate's data dir is made first by `iamgate up` on bench/app (keys of
# bench-denied included), then `iamgate serve` runs on it under callgrind.
#
# Environment: N (1000 requests per row), N_INVOKE (300 for the rows that
# invoke a function); LOG_DIR keeps the servers' logs
# and the callgrind dumps (callgrind_annotate them). Needs go, curl, valgrind.
# Go's asynchronous preemption signals trip callgrind, hence
# GODEBUG=asyncpreemptoff=1 for the measured servers.
set -euo pipefail

N=${N:-1000}
N_INVOKE=${N_INVOKE:-300}

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

need_apt valgrind valgrind
build_all
start_up
make_keys
kill -TERM "$iamgate_pid"
wait "$iamgate_pid" 2>/dev/null || true

# under_callgrind NAME LOG CMD...: starts CMD under callgrind; sets cg_pid
# and cg_out (its dumps are $cg_out.1, .2, ...).
under_callgrind() {
	local name=$1 log=$2
	shift 2
	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --instr-atstart=no \
		--callgrind-out-file="$work/cg.$name" "$@" >"$log" 2>&1 &
	cg_pid=$!
	cg_out=$work/cg.$name
	pids+=("$cg_pid")
}

# count NAME URL [curl args]: Ir per request over n requests (N, or
# N_INVOKE for the rows that invoke a function), in total and without the
# background GC mark worker: a GC cycle lands in a row's window or not, a
# lottery worth a quarter of a row, so both are printed (the GC's real
# share follows the bytes allocated: go test -bench's B/op).
count() {
	local name=$1 url=$2 i n=$N
	shift 2
	case $name in python | go) n=$N_INVOKE ;; esac
	local args=() warm=()
	for i in $(seq 1 "$n"); do args+=(-o /dev/null "$url"); done
	for i in $(seq 1 20); do warm+=(-o /dev/null "$url"); done
	curl -s "$@" "${warm[@]}" # caches filled, connection pools warm
	rm -f "$cg_out".*
	callgrind_control -z "$cg_pid" >/dev/null 2>&1
	callgrind_control -i on "$cg_pid" >/dev/null 2>&1
	curl -s "$@" "${args[@]}"
	callgrind_control -i off "$cg_pid" >/dev/null 2>&1
	callgrind_control -d "$cg_pid" >/dev/null 2>&1
	# The dump is written by the server's process after the command returns.
	for i in $(seq 1 600); do
		grep -qs '^totals:' "$cg_out".* && break
		sleep 0.1
	done
	local total gc f
	total=$(cat "$cg_out".* | awk '/^totals:/ { t += $2 } END { print t + 0 }')
	gc=$(for f in "$cg_out".*; do
		(callgrind_annotate --inclusive=yes "$f" 2>/dev/null || true) |
			awk '/runtime\.gcBgMarkWorker( |$)/ && !n++ { gsub(",", "", $1); g = $1 } END { print g + 0 }'
	done | awk '{ g += $1 } END { print g + 0 }')
	echo "$name $((total / n)) $(((total - gc) / n))" >>"$work/results"
	# Kept per row for callgrind_annotate (LOG_DIR copies them).
	for f in "$cg_out".*; do mv "$f" "$work/cg.$name.dump${f#"$cg_out"}"; done
}

: >"$work/results"
under_callgrind baseline "$work/cg-baseline.log" "$work/baseline" -addr 127.0.0.1:0
wait_for "$work/cg-baseline.log" '^listening on ' 120
baseline_url="$(awk '/^listening on /{print $3}' "$work/cg-baseline.log")/hello"
count baseline "$baseline_url"

under_callgrind iamgate "$work/cg-iamgate.log" "$work/iamgate" serve --addr 127.0.0.1:0 --data-dir "$data"
wait_for "$work/cg-iamgate.log" 'iamgate listening on ' 600
endpoint=$(grep -o 'iamgate listening on http://[^ ]*' "$work/cg-iamgate.log" | awk '{print $4}')
# A child exiting while instrumentation is on (SIGCHLD) trips callgrind as
# preemption signals do: let the start-up's interpreter probes finish.
quiet=0
for i in $(seq 1 600); do
	if pgrep -P "$cg_pid" >/dev/null; then quiet=0; else quiet=$((quiet + 1)); fi
	[ "$quiet" -ge 20 ] && break
	sleep 0.1
done
url=$endpoint/restapis/${hello_url#*/restapis/}
count routing "$url"
sign_args bench-denied "$url"
count denied "$url" "${hdr_args[@]}"
# The allowed rows count iamgate's side of an invocation (the function's
# process runs outside callgrind): Runtime API, event, response, logs.
sign_args bench-user "$url"
count python "$url" "${hdr_args[@]}"
sign_args bench-user "$url-go"
count go "$url-go" "${hdr_args[@]}"

echo "instructions per request (callgrind Ir, $N requests on one connection, $N_INVOKE for python and go, $(date -u +%FT%TZ)):"
awk 'BEGIN { printf "%-10s %12s %9s %14s %9s\n", "row", "Ir/request", "x base", "without GC mark", "x base" }
	NR == 1 { base = $2; nogc = $3 }
	{ printf "%-10s %12d %8.2fx %14d %8.2fx\n", $1, $2, $2 / base, $3, $3 / nogc }' "$work/results"
