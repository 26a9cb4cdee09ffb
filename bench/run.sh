#!/usr/bin/env bash
# run.sh measures iamgate with wrk against a bare net/http server in the same
# run, and prints requests/s, p50/p99 latency and ratios to the baseline:
#
#   baseline          bench/baseline: net/http answering the seed's body
#   iamgate unsigned  routing + the 403 Missing Authentication Token path
#   iamgate signed    SigV4 + IAM + a warm Python Lambda round trip (200)
#
# It builds iamgate, runs `iamgate up` on a copy of examples/hello-iam (temp
# data dir, free port, loopback only), creates a key for api-gateway-user
# with `iamgate curl --as`, signs a GET with bench/sign before every wrk run
# (a signature is good for 5 minutes, so runs stay short), and stops
# everything it started on exit.
#
# Environment: DURATION (10s), WARMUP (3s), THREADS (2), CONNS (16);
# UP_FLAGS (extra `iamgate up` flags, e.g. --debug); LOG_DIR (keep the
# server's and wrk's output there).
# Needs go, curl and wrk (installed with apt-get when missing).
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
UP_FLAGS=${UP_FLAGS:-}
LOG_DIR=${LOG_DIR:-}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()

# stop ends what this script started, by pid, and waits (bounded) for each:
# iamgate drains its Python processes on SIGTERM.
stop() {
	local pid i
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "$LOG_DIR" ]; then
		mkdir -p "$LOG_DIR"
		cp "$work"/*.log "$work"/*.wrk "$LOG_DIR"/ 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

ensure_wrk() {
	command -v wrk >/dev/null && return
	echo "installing wrk (apt-get)" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	$sudo apt-get install -y -qq wrk >&2
}

# wait_for FILE PATTERN: poll (at most 60 s) until FILE has a line matching PATTERN.
wait_for() {
	local i
	for i in $(seq 1 600); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# expect NAME WANT_STATUS WANT_BODY URL [curl args]: one request, checked, before measuring.
expect() {
	local name=$1 want=$2 body=$3 url=$4
	shift 4
	local got
	got=$(curl -sS -o "$work/check.body" -w '%{http_code}' "$@" "$url")
	if [ "$got" != "$want" ] || ! grep -qF "$body" "$work/check.body"; then
		echo "$name: got $got $(cat "$work/check.body"), want $want $body" >&2
		return 1
	fi
}

# signed_args: wrk/curl -H arguments for a fresh signature of $signed_url.
signed_args() {
	hdr_args=()
	local line
	while IFS= read -r line; do hdr_args+=(-H "$line"); done < <(
		"$work/sign" -credentials "$data/credentials" -profile api-gateway-user "$signed_url")
}

# measure NAME URL [wrk -H args]: a warm-up run, then the measured run, parsed
# into "name rps p50 p99 requests non2xx errors" in $work/results.
measure() {
	local name=$1 url=$2
	shift 2
	wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$@" "$url" >/dev/null
	wrk --latency -t"$THREADS" -c"$CONNS" -d"$DURATION" "$@" "$url" >"$work/$name.wrk"
	if ! grep -q '^Requests/sec:' "$work/$name.wrk"; then
		echo "$name: wrk printed no result:" >&2
		cat "$work/$name.wrk" >&2
		return 1
	fi
	awk -v name="$name" '
		function ms(v) {
			if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
			if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
			if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
			if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
			return v + 0
		}
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/requests in/ { total = $1 }
		/Non-2xx or 3xx responses:/ { non2xx = $5 }
		/Socket errors:/ { errs = $4 + $6 + $8 + $10 }
		/^Requests\/sec:/ { rps = $2 }
		END { printf "%s %s %s %s %s %d %d\n", name, rps, p50, p99, total, non2xx, errs }
	' "$work/$name.wrk" >>"$work/results"
}

ensure_wrk
cd "$root"
echo "building iamgate, baseline, sign" >&2
go build -o "$work/iamgate" ./cmd/iamgate
go build -o "$work/baseline" ./bench/baseline
go build -o "$work/sign" ./bench/sign

"$work/baseline" -addr 127.0.0.1:0 >"$work/baseline.log" 2>&1 &
pids+=($!)
cp -r examples/hello-iam "$work/app"
data=$work/data
# shellcheck disable=SC2086 # UP_FLAGS is a list of flags
"$work/iamgate" up $UP_FLAGS --addr 127.0.0.1:0 --data-dir "$data" "$work/app" >"$work/up.log" 2>&1 &
pids+=($!)

wait_for "$work/baseline.log" '^listening on '
wait_for "$work/up.log" 'Ctrl-C stops the server'
baseline_url="$(awk '/^listening on /{print $3}' "$work/baseline.log")/hello"
signed_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/restapis/[^ ]*/hello' "$work/up.log" | head -n1)
endpoint=${signed_url%%/restapis/*}

# The first signed call creates api-gateway-user's key (profile in
# $data/credentials) and starts the Python function, so runs measure it warm.
"$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --as api-gateway-user -f "$signed_url" >/dev/null

expect baseline 200 '"hello world"' "$baseline_url"
expect "iamgate unsigned" 403 'Missing Authentication Token' "$signed_url"
signed_args
expect "iamgate signed" 200 '"hello world"' "$signed_url" "${hdr_args[@]}"

echo "wrk -t$THREADS -c$CONNS -d$DURATION (after a $WARMUP warm-up) on $(nproc) cores, $(date -u +%FT%TZ)" >&2
: >"$work/results"
measure baseline "$baseline_url"
measure unsigned "$signed_url"
signed_args
measure signed "$signed_url" "${hdr_args[@]}"

echo
awk '
	NR == 1 { base_rps = $2; base_p50 = $3; base_p99 = $4 }
	{
		label = $1 == "baseline" ? "baseline (net/http)" : $1 == "unsigned" ? "iamgate unsigned 403" : "iamgate signed 200"
		rows[NR] = sprintf("%-22s %10.0f %9.3f %9.3f %10d %8d %7d %9.3f %9.1f %9.1f", label, $2, $3, $4, $5, $6, $7,
			$2 / base_rps, $3 / base_p50, $4 / base_p99)
	}
	END {
		printf "%-22s %10s %9s %9s %10s %8s %7s %9s %9s %9s\n", "target", "req/s", "p50 ms", "p99 ms", "requests",
			"non-2xx", "errors", "rps/base", "p50/base", "p99/base"
		for (i = 1; i <= NR; i++) print rows[i]
	}
' "$work/results"

# Each run must have answered as checked above: unsigned all 403, signed all 200.
awk '
	$1 == "unsigned" && $6 != $5 { print "warning: " $5 - $6 " unsigned requests were not 403" }
	$1 != "unsigned" && $6 != 0 { print "warning: " $6 " " $1 " requests were not 2xx" }
	$7 != 0 { print "warning: " $7 " socket errors in the " $1 " run" }
' "$work/results" >&2

# The server counted the same traffic; its metrics need an admin signature.
if "$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --service iamgate -f \
	"$endpoint/_iamgate/metrics" >"$work/metrics" 2>/dev/null; then
	echo
	echo "iamgate's own count (GET $endpoint/_iamgate/metrics):"
	grep '^iamgate_http_requests_total{.*plane="data"' "$work/metrics" || true
fi
