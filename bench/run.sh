#!/usr/bin/env bash
# run.sh measures iamgate with wrk against a bare net/http server in the same
# run and prints, per target, requests/s, p50/p99 latency and the ratio to
# the baseline, each the median of ROUNDS rounds (the targets are measured
# in turn, round after round, so that a noisy neighbour hits them alike):
#
#   baseline       bench/baseline: net/http answering the seed's body
#   routing        unsigned GET: routing + 403 Missing Authentication Token
#   denied         signed by bench-denied: SigV4 + IAM decision, 403, no invoke
#   python         signed by bench-user: SigV4 + IAM + the warm Python function (200)
#   go             the same through a provided.al2023 Go function (aws-lambda-go)
#   burst64        python again with BURST (64) connections at once, on warm
#                  environments: its warm-up starts them, and the run waits
#                  until the warm-up's last invocations (whose callers wrk
#                  hung up on) have finished before measuring
#
# Once, before the first burst64 row, BURST callers at once on the Python
# function, which has the CONNS environments the python row left warm
# ("cold burst"): the others each need a cold start, and every caller must
# be answered (200, or Lambda's throttling answer past the concurrency
# limit), however long BURST runtimes take to start here.
#
# It also reports iamgate's resident memory (its own and with its function
# processes) idle and under load, and how much the data dir grew per
# signed request (decisions and function logs; both capped).
#
# It builds iamgate, runs `iamgate up` on a copy of bench/app (temp data dir,
# free port, loopback only), makes keys with `iamgate curl --as`, signs a GET
# with bench/sign before every wrk run (a signature is good for 5 minutes, so
# runs stay short), and stops everything it started on exit.
#
# Environment: DURATION (5s), WARMUP (2s), THREADS (2), CONNS (8), BURST (64),
# ROUNDS (3); UP_FLAGS (extra `iamgate up` flags, e.g. --debug); LOG_DIR
# (keep the server's and wrk's output there).
# Needs go, curl and wrk (installed with apt-get when missing).
set -euo pipefail

DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-2s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-8}
BURST=${BURST:-64}
ROUNDS=${ROUNDS:-3}
UP_FLAGS=${UP_FLAGS:-}

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# measure NAME CONNS URL [wrk -H args]: a warm-up run, then the measured
# run, parsed into "name rps p50 p99 requests non2xx errors" in $work/results.
measure() {
	local name=$1 conns=$2 url=$3
	shift 3
	wrk -t"$THREADS" -c"$conns" -d"$WARMUP" "$@" "$url" >/dev/null
	# An environment is busy until its invocation ends, also when wrk hung
	# up on it: the measured run starts on idle ones.
	wait_idle || true # (it says why)
	wrk --latency -t"$THREADS" -c"$conns" -d"$DURATION" "$@" "$url" >"$work/$name.wrk"
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

need_apt wrk wrk
build_all
start_baseline
start_up $UP_FLAGS
make_keys
denied_url=$hello_url
go_url=$hello_url-go

expect baseline 200 '"hello world"' "$baseline_url"
expect routing 403 'Missing Authentication Token' "$hello_url"
sign_args bench-denied "$denied_url"
expect denied 403 'is not authorized to perform: execute-api:Invoke' "$denied_url" "${hdr_args[@]}"
sign_args bench-user "$hello_url"
expect python 200 '"hello world"' "$hello_url" "${hdr_args[@]}"
sign_args bench-user "$go_url"
expect go 200 '"hello world"' "$go_url" "${hdr_args[@]}"

idle_rss=$(rss_kb "$iamgate_pid")
idle_tree=$(tree_rss_kb "$iamgate_pid")
du_before=$(du -sk "$data" | awk '{print $1}')
echo "wrk -t$THREADS -c$CONNS (burst -c$BURST) -d$DURATION after a $WARMUP warm-up, $ROUNDS rounds, on $(nproc) cores, $(date -u +%FT%TZ)" >&2
: >"$work/results"
load_rss=0
load_tree=0
for round in $(seq 1 "$ROUNDS"); do
	echo "round $round" >&2
	measure baseline "$CONNS" "$baseline_url"
	measure routing "$CONNS" "$hello_url"
	sign_args bench-denied "$denied_url"
	measure denied "$CONNS" "$denied_url" "${hdr_args[@]}"
	sign_args bench-user "$hello_url"
	( sleep 2; rss_kb "$iamgate_pid" >"$work/rss.load"; tree_rss_kb "$iamgate_pid" >"$work/rss.tree" ) &
	sampler=$!
	measure python "$CONNS" "$hello_url" "${hdr_args[@]}"
	wait "$sampler"
	load_rss=$(( $(cat "$work/rss.load") > load_rss ? $(cat "$work/rss.load") : load_rss ))
	load_tree=$(( $(cat "$work/rss.tree") > load_tree ? $(cat "$work/rss.tree") : load_tree ))
	sign_args bench-user "$go_url"
	measure go "$CONNS" "$go_url" "${hdr_args[@]}"
	sign_args bench-user "$hello_url"
	if [ "$round" = 1 ]; then
		cold=$(cold_burst "$BURST" "$hello_url" "${hdr_args[@]}")
	fi
	measure burst64 "$BURST" "$hello_url" "${hdr_args[@]}"
done
burst_tree=$(tree_rss_kb "$iamgate_pid")

# Logs are written asynchronously: let them land before measuring the dir.
sleep 2
du_after=$(du -sk "$data" | awk '{print $1}')
invocations=$(awk '$1 == "python" || $1 == "go" || $1 == "burst64" { n += $5 } END { print n + 0 }' "$work/results")
# Denied requests write a decision too: the store grows per signed request.
signed=$(awk '$1 != "baseline" && $1 != "routing" { n += $5 } END { print n + 0 }' "$work/results")

echo
awk -v rounds="$ROUNDS" '
	{ n[$1]++; rps[$1, n[$1]] = $2; p50[$1, n[$1]] = $3; p99[$1, n[$1]] = $4; req[$1] += $5; non2xx[$1] += $6; errs[$1] += $7
	  if (!($1 in seen)) { seen[$1] = 1; order[++count] = $1 } }
	function med(a, name,    i, j, k, v, t) {
		k = n[name]
		for (i = 1; i <= k; i++) v[i] = a[name, i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
	}
	END {
		base = med(rps, "baseline")
		printf "%-10s %10s %9s %9s %10s %8s %7s %9s %s\n", "target", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx", "errors", "rps/base", "(req/s of each round)"
		for (i = 1; i <= count; i++) {
			name = order[i]; runs = ""
			for (r = 1; r <= n[name]; r++) runs = runs sprintf(" %.0f", rps[name, r])
			printf "%-10s %10.0f %9.3f %9.3f %10d %8d %7d %9.3f %s\n", name, med(rps, name), med(p50, name), med(p99, name),
				req[name], non2xx[name], errs[name], med(rps, name) / base, runs
		}
	}
' "$work/results"

echo
echo "cold burst, $BURST callers at once on the Python function ($CONNS environments warm): $cold"
echo "iamgate RSS (KiB): idle $idle_rss (with function processes $idle_tree); under the python load $load_rss ($load_tree); after the $BURST-connection burst, with function processes $burst_tree"
echo "data dir: $du_before KiB before, $du_after KiB after $signed signed requests ($invocations invocations): $(( (du_after - du_before) * 1024 / (signed > 0 ? signed : 1) )) bytes per signed request (decisions, function logs, SQLite's WAL)"

# Each run must have answered as checked above.
awk '
	($1 == "routing" || $1 == "denied") && $6 != $5 { print "warning: " $5 - $6 " " $1 " requests were not 403" }
	$1 != "routing" && $1 != "denied" && $6 != 0 { print "warning: " $6 " " $1 " requests were not 2xx" }
	$7 != 0 { print "warning: " $7 " socket errors in a " $1 " run" }
' "$work/results" >&2
