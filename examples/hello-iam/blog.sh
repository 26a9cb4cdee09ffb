#!/bin/sh
# blog.sh runs the blog post's own command sequence, with the real aws CLI,
# against a running iamgate (start one with `iamgate serve` first):
#
#   aws s3 cp api.yaml to the bucket the template's AWS::Include names,
#   aws cloudformation package / deploy, describe-stacks for the URL,
#   aws iam create-access-key, then the API called unsigned (403 Missing
#   Authentication Token) and signed with that key (200 hello world).
#
# Environment:
#   IAMGATE        the iamgate binary (default: iamgate on PATH)
#   IAMGATE_FLAGS  flags for `iamgate env`, e.g. "--data-dir /path/.iamgate"
#                  (default: the .iamgate folder of the current directory)
# Exits non-zero at the first step that does not behave as on AWS. The
# access key it creates is deleted again, so the script can run repeatedly.
set -eu

IAMGATE=${IAMGATE:-iamgate}
IAMGATE_FLAGS=${IAMGATE_FLAGS:---data-dir $(pwd)/.iamgate}
BUCKET=cm-fujii.genki-deploy
STACK=Api-IAM-Sample-Stack
USER_NAME=api-gateway-user

cd "$(dirname "$0")"
# shellcheck disable=SC2086 # IAMGATE_FLAGS is a list of flags
eval "$("$IAMGATE" env $IAMGATE_FLAGS)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n$ %s\n' "$*"; }

step aws s3 mb "s3://$BUCKET"
aws s3 mb "s3://$BUCKET" 2>"$work/mb.err" || {
	# A second run finds the bucket there already.
	grep -q BucketAlreadyOwnedByYou "$work/mb.err" || { cat "$work/mb.err" >&2; exit 1; }
	echo "bucket $BUCKET already exists"
}

step aws s3 cp api.yaml "s3://$BUCKET/$STACK/api.yaml"
aws s3 cp api.yaml "s3://$BUCKET/$STACK/api.yaml"

step aws cloudformation package --template-file template.yaml --s3-bucket "$BUCKET" --output-template-file packaged.yaml
aws cloudformation package --template-file template.yaml --s3-bucket "$BUCKET" \
	--output-template-file "$work/packaged.yaml"

step aws cloudformation deploy --template-file packaged.yaml --stack-name "$STACK" --capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset
aws cloudformation deploy --template-file "$work/packaged.yaml" --stack-name "$STACK" \
	--capabilities CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset

step aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[].Outputs'
aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[].Outputs'
url=$(aws cloudformation describe-stacks --stack-name "$STACK" \
	--query 'Stacks[0].Outputs[?OutputKey==`HelloWorldApi`].OutputValue' --output text)

step aws iam create-access-key --user-name "$USER_NAME"
aws iam create-access-key --user-name "$USER_NAME" >"$work/key.json"
key_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["AccessKeyId"])' <"$work/key.json")
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["SecretAccessKey"])' <"$work/key.json")
echo "created access key $key_id (secret not shown)"
trap 'aws iam delete-access-key --user-name "$USER_NAME" --access-key-id "$key_id" || true; rm -rf "$work"' EXIT

# The output is the AWS URL; iamgate serves it path style on its endpoint.
api_id=$(echo "$url" | sed -E 's#^https://([a-z0-9]+)\.execute-api\..*#\1#')
path=$(echo "$url" | sed -E 's#^https://[^/]+/([^/]+)(/.*)?$#\1/_user_request_\2#')
local_url="$AWS_ENDPOINT_URL/restapis/$api_id/$path"

step curl "$url"
unsigned=$(curl -s "$local_url")
echo "$unsigned"
[ "$unsigned" = '{"message":"Missing Authentication Token"}' ] || { echo "unexpected unsigned answer" >&2; exit 1; }

step iamgate curl "$url" "  # signed with the new key, as sample.py does"
signed=$(AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret "$IAMGATE" curl --fail "$url")
echo "$signed"
[ "$signed" = '{"message": "hello world"}' ] || { echo "unexpected signed answer" >&2; exit 1; }

printf '\nThe blog sequence works against %s\n' "$AWS_ENDPOINT_URL"
