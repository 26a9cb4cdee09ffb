#!/usr/bin/env bash
# rss.sh reports iamgate's resident memory (VmRSS, KiB): `iamgate serve`
# idle after start, then with APIS (100) REST APIs deployed with the AWS SDK
# for Go v2 (bench/apis) and each routed once, so that their snapshots are
# held. (bench/run.sh reports the RSS under load and after the burst.)
set -euo pipefail
APIS=${APIS:-100}

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
build_all
(cd "$root" && go build -o "$work/apis" ./bench/apis)

data=$work/data
"$work/iamgate" serve --addr 127.0.0.1:0 --data-dir "$data" >"$work/serve.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for "$work/serve.log" 'iamgate listening on ' 120
endpoint=$(grep -o 'iamgate listening on http://[^ ]*' "$work/serve.log" | awk '{print $4}')
sleep 2
idle=$(rss_kb "$pid")
eval "$("$work/iamgate" env --data-dir "$data" --endpoint-url "$endpoint")"
"$work/apis" -endpoint "$endpoint" -n "$APIS" >&2
sleep 2
loaded=$(rss_kb "$pid")
echo "iamgate serve RSS (KiB, $(date -u +%FT%TZ)): idle $idle; with $APIS deployed APIs, each routed once, $loaded ($(( (loaded - idle) / APIS )) per API)"
