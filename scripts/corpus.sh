#!/usr/bin/env bash
# corpus.sh deploys real SAM applications to a running `iamgate serve` and
# calls their routes, to measure how many deploy and answer unchanged.
#
#   scripts/corpus.sh CORPUS_DIR [PATTERN ...]
#
# CORPUS_DIR is a checkout of github.com/aws-samples/serverless-patterns (or
# any folder of pattern folders). A pattern counts when its template.yaml is
# SAM with a Python or Node.js function and an API Gateway REST or HTTP API
# (scripts/corpus_template.py select). For each pattern, on a copy:
#   1. `iamgate build` when the pattern's README runs `sam build` (the
#      source template if that fails), then
#      `iamgate deploy --resolve-s3` with every capability, the template's
#      samconfig.toml if any, and a value for each parameter without a Default
#      (as `sam deploy --guided` would ask for);
#   2. each route of the template (function Api/HttpApi events, OpenAPI
#      bodies, AWS::ApiGateway::Method) is called on the deployed API, the API
#      id taken from the stack's resources and the stage from the stack's
#      outputs (else the API's first stage): GET for GET/ANY routes, the
#      route's method with body {} otherwise; signed with the admin key
#      (curl --aws-sigv4) when the route is AWS_IAM;
#   3. the stack is deleted.
# A pattern is "answered" when every route it calls gets a status below 500
# that is not API Gateway's 403 Missing Authentication Token (the route was
# routed, authorized and invoked). Output: one line per pattern, then totals
# and the failure causes ranked by count.
#
# Environment: IAMGATE (the binary; default: built from this repo into a temp
# dir), IAMGATE_ENDPOINT (http://127.0.0.1:4566), IAMGATE_DATA_DIR (the
# server's data dir, for its admin credentials; ./.iamgate), DEPLOY_TIMEOUT
# (seconds, 180), KEEP_STACKS=1 (do not delete), LOG_DIR (keep each pattern's
# deploy and call output there).
# Needs python3 with PyYAML, curl (with --aws-sigv4), the aws CLI.
set -uo pipefail

corpus=${1:?usage: scripts/corpus.sh CORPUS_DIR [PATTERN ...]}
shift
corpus=$(cd "$corpus" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
helper=$root/scripts/corpus_template.py
endpoint=${IAMGATE_ENDPOINT:-http://127.0.0.1:4566}
datadir=${IAMGATE_DATA_DIR:-./.iamgate}
timeout_s=${DEPLOY_TIMEOUT:-180}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
logs=${LOG_DIR:-$work/logs}
mkdir -p "$logs"

bin=${IAMGATE:-}
if [ -z "$bin" ]; then
	bin=$work/iamgate
	(cd "$root" && go build -o "$bin" ./cmd/iamgate) || exit 1
fi
eval "$("$bin" env --endpoint-url "$endpoint" --data-dir "$datadir")" || {
	echo "corpus: cannot read the admin credentials of $endpoint from $datadir" >&2
	exit 1
}
region=$AWS_REGION

patterns=("$@")
if [ ${#patterns[@]} -eq 0 ]; then
	mapfile -t patterns < <(python3 "$helper" select-all "$corpus")
fi

# cause reduces an error text to a short class, so that equal causes count
# together: ids, names and numbers are blanked.
cause() {
	tr '\n' ' ' | sed -E 's/^ *(Error: )?//; s/^iamgate: //; s/Invalid Serverless Application Specification document\. Number of errors found: [0-9]+\. //; s/ \(at [^)]*(\)|$)//g; s/id \[[^]]*\]/id [X]/g; s/ \(Service: iamgate;.*//; s/[0-9a-f]{8}-[0-9a-f-]{27}/ID/g; s/arn:aws:[^ "]*/ARN/g; s/corpus-[A-Za-z0-9-]+/STACK/g; s/[0-9]{3,}/N/g' |
		sed -E "s/(Unable to import module|imported from) '?[^ ':]*'?/\1 M/g" | cut -c1-200
}

# function_error prints the last error line that the stack's functions
# logged (Python's [ERROR] lines, Node.js's errorType/errorMessage), without
# the timestamp and stream name.
function_error() {
	jq -r '.StackResources[]? | select(.ResourceType=="AWS::Lambda::Function") | .PhysicalResourceId' "$work/res.json" |
		while IFS= read -r fn; do
			"$bin" logs "/aws/lambda/$fn" --endpoint-url "$endpoint" --data-dir "$datadir" 2>/dev/null |
				grep -E '\[ERROR\]|"errorType"|Task timed out|Runtime exited' | tail -1
		done | tail -1 | sed -E 's/^[^ ]+ [^ ]+ //; s/.*\[ERROR\] //; s/.*"errorType":"([^"]*)","errorMessage":"([^"]*)".*/\1: \2/; s/\/tmp\/[^ ]*\/task\//TASK\//g'
}

total=0 deployed=0 answered=0
: >"$work/causes"
for p in "${patterns[@]}"; do
	total=$((total + 1))
	src=$corpus/$p
	dir=$work/p/$p
	mkdir -p "$dir" && cp -a "$src/." "$dir/"
	stack=corpus-$(echo "$p" | tr -c 'A-Za-z0-9-\n' '-' | cut -c1-100)
	mapfile -t params < <(python3 "$helper" params "$dir/template.yaml" 2>/dev/null)
	tmpl=$dir/template.yaml
	# Patterns whose README says `sam build` get `iamgate build` first; when
	# it fails (PyPI is unreachable on some machines) the source deploys.
	if grep -qs 'sam build' "$dir/README.md" &&
		(cd "$dir" && PIP_RETRIES=0 PIP_TIMEOUT=5 timeout "$timeout_s" "$bin" build) >"$logs/$p.build" 2>&1; then
		tmpl=$dir/.aws-sam/build/template.yaml
	fi
	args=(deploy --template-file "$tmpl" --stack-name "$stack" --resolve-s3
		--endpoint-url "$endpoint" --data-dir "$datadir" --no-fail-on-empty-changeset
		--capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND)
	[ ${#params[@]} -gt 0 ] && args+=(--parameter-overrides "${params[@]}")
	if ! (cd "$dir" && timeout "$timeout_s" "$bin" "${args[@]}") >"$logs/$p.deploy" 2>&1; then
		why=$(grep -E 'Error|error|FAILED|failed' "$logs/$p.deploy" | grep -v 'ROLLBACK_IN_PROGRESS\|DELETE_' | tail -1 | cause)
		[ -n "$why" ] || why="deploy: $(tail -1 "$logs/$p.deploy" | cause)"
		echo "$p deployed=no answered=no cause=$why"
		echo "deploy: $why" >>"$work/causes"
		[ -n "${KEEP_STACKS:-}" ] || aws cloudformation delete-stack --stack-name "$stack" >/dev/null 2>&1
		continue
	fi
	deployed=$((deployed + 1))
	aws cloudformation describe-stack-resources --stack-name "$stack" --output json >"$work/res.json" 2>/dev/null
	aws cloudformation describe-stacks --stack-name "$stack" --output json >"$work/out.json" 2>/dev/null
	ok=1 calls=0 fail=""
	while IFS= read -r r; do
		api=$(jq -r .api <<<"$r")
		method=$(jq -r .method <<<"$r")
		path=$(jq -r .path <<<"$r" | sed -E 's/\{[^}+]+\+\}/x/g; s/\{[^}]+\}/1/g')
		auth=$(jq -r .auth <<<"$r")
		kind=$(jq -r .kind <<<"$r")
		id=$(jq -r --arg l "$api" '.StackResources[]? | select(.LogicalResourceId==$l) | .PhysicalResourceId' "$work/res.json")
		if [ -z "$id" ]; then
			ok=0 fail="route: API $api ($kind) not created"
			break
		fi
		stage=$(jq -r '.Stacks[0].Outputs[]?.OutputValue' "$work/out.json" | grep -oE "https://$id\.execute-api\.[^/]+/[^/]+" | head -1 | sed 's|.*/||')
		[ -n "$stage" ] || stage=$(aws apigateway get-stages --rest-api-id "$id" --query 'item[0].stageName' --output text 2>/dev/null)
		[ -n "$stage" ] && [ "$stage" != None ] || stage='$default'
		url="$endpoint/restapis/$id/$stage/_user_request_$path"
		[ "$kind" = http ] && url="$endpoint/restapis/$id/$stage/_user_request_$path"
		curl_args=(-s -o "$work/body" -w '%{http_code}' --max-time 35)
		case $method in
		GET | ANY) ;;
		*) curl_args+=(-X "$method" -H 'Content-Type: application/json' --data '{}') ;;
		esac
		if [ "$auth" = AWS_IAM ]; then
			curl_args+=(--aws-sigv4 "aws:amz:$region:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY")
		fi
		code=$(curl "${curl_args[@]}" "$url")
		body=$(head -c 300 "$work/body")
		calls=$((calls + 1))
		echo "$method $path $auth -> $code $body" >>"$logs/$p.calls"
		if [ "$code" -ge 500 ] || [ "$code" = 000 ] || { [ "$code" = 403 ] && grep -q 'Missing Authentication Token' <<<"$body"; }; then
			ok=0 fail="route: $code $(cause <<<"$body")"
			# A 5xx from a function error: its log says why.
			if [ "$code" -ge 500 ]; then
				why=$(function_error)
				[ -n "$why" ] && fail="$fail: $(cause <<<"$why")"
			fi
		fi
	done < <(python3 "$helper" routes "$dir/template.yaml" 2>/dev/null)
	if [ "$calls" -eq 0 ] && [ -z "$fail" ]; then
		ok=0 fail="route: no routes found in the template"
	fi
	if [ $ok = 1 ]; then
		answered=$((answered + 1))
		echo "$p deployed=yes answered=yes routes=$calls"
	else
		echo "$p deployed=yes answered=no routes=$calls cause=$fail"
		echo "$fail" >>"$work/causes"
	fi
	[ -n "${KEEP_STACKS:-}" ] || aws cloudformation delete-stack --stack-name "$stack" >/dev/null 2>&1
done

echo "total=$total deployed=$deployed answered=$answered"
echo "causes:"
sort "$work/causes" | uniq -c | sort -rn
# Each type a change set named as unrecognized, by the number of patterns
# it stopped (a pattern counts once per type).
echo "unrecognized types:"
grep -o 'Unrecognized resource types: \[[^]]*' "$work/causes" | sed 's/.*\[//' | tr ',' '\n' |
	sed 's/^ *//; s/ *$//' | grep -E '^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|Custom::[A-Za-z0-9_@.-]+)$' | sort | uniq -c | sort -rn
