#!/usr/bin/env bash
# startup.sh times, ROUNDS (3) times each, median printed:
#
#   serve (fresh)     `iamgate serve` on an empty data dir until it listens
#                     (CA, master key and root credentials made on the way)
#   serve (restart)   the same on the data dir it left
#   up to first 200   `iamgate up bench/app` on an empty data dir until the
#                     first signed GET /hello answers 200 (deploy, key, cold
#                     Python start)
#
# Needs go and python3 (the app's function).
set -euo pipefail
ROUNDS=${ROUNDS:-3}

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
build_all

# serve_ms DIR: ms from launch until `iamgate serve` prints its address.
serve_ms() {
	local t0 t1 pid
	t0=$(now_ms)
	"$work/iamgate" serve --addr 127.0.0.1:0 --data-dir "$1" >"$work/serve.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_for "$work/serve.log" 'iamgate listening on ' 120
	t1=$(now_ms)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	echo $((t1 - t0))
}

# up_ms: ms from launching `iamgate up` until the first signed 200.
up_ms() {
	local t0 t1 pid i
	data=$work/data
	rm -rf "$data"
	t0=$(now_ms)
	"$work/iamgate" up --addr 127.0.0.1:0 --data-dir "$data" "$work/app" >"$work/up.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	for i in $(seq 1 2400); do
		hello_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/restapis/[^ ]*/hello' "$work/up.log" 2>/dev/null | head -n1 || true)
		[ -n "$hello_url" ] && break
		sleep 0.01
	done
	endpoint=${hello_url%%/restapis/*}
	until "$work/iamgate" curl --data-dir "$data" --endpoint-url "$endpoint" --as bench-user -f "$hello_url" >/dev/null 2>&1; do
		sleep 0.01
	done
	t1=$(now_ms)
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	echo $((t1 - t0))
}

fresh=() restart=() up=()
for r in $(seq 1 "$ROUNDS"); do
	dir=$work/serve-$r
	fresh+=("$(serve_ms "$dir")")
	restart+=("$(serve_ms "$dir")")
	up+=("$(up_ms)")
done
echo "start-up in ms, median of $ROUNDS ($(date -u +%FT%TZ), $(nproc) cores):"
printf '%-18s %8s   (%s)\n' "serve (fresh)" "$(median "${fresh[@]}")" "${fresh[*]}"
printf '%-18s %8s   (%s)\n' "serve (restart)" "$(median "${restart[@]}")" "${restart[*]}"
printf '%-18s %8s   (%s)\n' "up to first 200" "$(median "${up[@]}")" "${up[*]}"
