# lib.sh is sourced by the bench scripts: building, starting what they
# measure (bare net/http, `iamgate up` on bench/app), keys, signatures, and
# stopping everything a script started, by pid, on exit.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
pids=()

# stop ends what the script started, by pid, and waits (bounded) for each:
# iamgate drains its function processes on SIGTERM.
stop() {
	local pid i
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		for i in $(seq 1 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${LOG_DIR:-}" ]; then
		mkdir -p "$LOG_DIR"
		cp "$work"/*.log "$work"/*.wrk "$work"/results* "$work"/cg.* "$LOG_DIR"/ 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

# need_apt CMD PACKAGE: installs a Debian package when CMD is missing.
need_apt() {
	command -v "$1" >/dev/null && return
	echo "installing $2 (apt-get)" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq >&2
	$sudo apt-get install -y -qq "$2" >&2
}

# now_ms prints a monotonic-enough wall clock in milliseconds.
now_ms() { date +%s%3N; }

# wait_for FILE PATTERN [SECONDS]: poll until FILE has a line matching PATTERN.
wait_for() {
	local i limit=$((${3:-60} * 20))
	for i in $(seq 1 "$limit"); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# build_all builds iamgate, the baseline, the signer and the Go function
# into $work, and a copy of bench/app with the function's bootstrap.
build_all() {
	echo "building iamgate, baseline, sign, bench/gofunc" >&2
	(cd "$root" && go build -o "$work/iamgate" ./cmd/iamgate &&
		go build -o "$work/baseline" ./bench/baseline &&
		go build -o "$work/sign" ./bench/sign &&
		CGO_ENABLED=0 go build -o "$work/bootstrap" ./bench/gofunc)
	rm -rf "$work/app"
	cp -r "$root/bench/app" "$work/app"
	# hello_go holds only the built bootstrap, so git does not keep it.
	mkdir -p "$work/app/hello_go"
	cp "$work/bootstrap" "$work/app/hello_go/bootstrap"
}

# start_baseline starts bench/baseline; sets baseline_url.
start_baseline() {
	"$work/baseline" -addr 127.0.0.1:0 >"$work/baseline.log" 2>&1 &
	pids+=($!)
	wait_for "$work/baseline.log" '^listening on '
	baseline_url="$(awk '/^listening on /{print $3}' "$work/baseline.log")/hello"
}

# start_up runs `iamgate up` on the app copy with a fresh data dir ($data)
# and waits until it serves; sets iamgate_pid, hello_url (path style),
# endpoint. Extra arguments go to `iamgate up`.
start_up() {
	data=$work/data
	rm -rf "$data"
	"$work/iamgate" up "$@" --addr 127.0.0.1:0 --data-dir "$data" "$work/app" >"$work/up.log" 2>&1 &
	iamgate_pid=$!
	pids+=("$iamgate_pid")
	wait_for "$work/up.log" 'Ctrl-C stops the server' 120
	hello_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/restapis/[^ ]*/hello' "$work/up.log" | head -n1)
	endpoint=${hello_url%%/restapis/*}
}

# make_keys creates the bench users' keys (profiles in $data/credentials)
# with one signed call each, which also starts both functions warm.
make_keys() {
	"$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --as bench-user -f "$hello_url" >/dev/null
	"$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --as bench-user -f "$hello_url-go" >/dev/null
	"$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --as bench-denied "$hello_url" >/dev/null || true
}

# sign_args PROFILE URL: sets hdr_args to wrk/curl -H arguments of a fresh
# signature (good for 5 minutes).
sign_args() {
	hdr_args=()
	local line
	while IFS= read -r line; do hdr_args+=(-H "$line"); done < <(
		"$work/sign" -credentials "$data/credentials" -profile "$1" "$2")
}

# expect NAME WANT_STATUS WANT_BODY URL [curl args]: one request, checked,
# before measuring.
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

# rss_kb PID: resident set of one process, in KiB.
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# tree_rss_kb PID: resident sets of PID and all its descendants, in KiB
# (iamgate plus its function processes).
tree_rss_kb() {
	local total=0 p
	for p in $1 $(pgrep -P "$1" 2>/dev/null) $(for c in $(pgrep -P "$1" 2>/dev/null); do pgrep -P "$c"; done); do
		total=$((total + $(rss_kb "$p")))
	done
	echo "$total"
}

# median prints the median of its arguments (numbers).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# busy_invocations: the Lambda invocations in progress on the server
# (iamgate_lambda_concurrent_executions, AWS/Lambda ConcurrentExecutions,
# summed over functions), read from its signed metrics endpoint.
# Prints "unknown" when the metrics cannot be read.
busy_invocations() {
	local m
	if ! m=$("$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --service iamgate -f "$endpoint/_iamgate/metrics" 2>&1); then
		echo unknown
		return
	fi
	awk '/^iamgate_lambda_concurrent_executions[{ ]/ { n += $NF } END { print n + 0 }' <<<"$m"
}

# wait_idle [SECONDS]: waits (bounded, 120 s) until no invocation is in
# progress: invocations whose caller hung up (wrk ending a run) run on to
# their end, as on Lambda, and keep their environments busy until then.
wait_idle() {
	local i limit=$((${1:-120} * 5))
	for i in $(seq 1 "$limit"); do
		[ "$(busy_invocations)" = 0 ] && return 0
		sleep 0.2
	done
	echo "invocations still in progress after ${1:-120} s" >&2
	return 1
}

# cold_burst N URL [curl args]: N callers at once, each one signed GET,
# with no more warm environments than earlier rows left; prints
# "answered/N, status counts, slowest seconds". A cold start per caller:
# the answers come as fast as N runtimes start on this machine.
cold_burst() {
	local n=$1 url=$2 i callers=()
	shift 2
	: >"$work/cold.codes"
	for i in $(seq 1 "$n"); do
		curl -s -o /dev/null --max-time 120 -w '%{http_code} %{time_total}\n' "$@" "$url" >>"$work/cold.codes" &
		callers+=($!)
	done
	wait "${callers[@]}" || true # (not plain wait: the servers are children too)
	awk -v n="$n" '{ c[$1]++; if ($2 > slow) slow = $2; if ($1 != "000") ok++ }
		END { s = ""; for (k in c) s = s " " c[k] "x" k; printf "%d/%d answered (%s), slowest %.2f s\n", ok, n, substr(s, 2), slow }' "$work/cold.codes"
}
