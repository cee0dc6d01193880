#!/usr/bin/env bash
# Fuzzes every operation of the JSON API against its own OpenAPI document with
# schemathesis (PyPI), signed in as a member and then as an administrator of the demo
# trust: no response may be a server error, and every response must match the document.
#
#   scripts/fuzz-api.sh [SECONDS_PER_ROLE]      (default 90)
#
# Uses the debug build of `signpost` in $CARGO_TARGET_DIR (cargo build first).
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-90}"
target="${CARGO_TARGET_DIR:-target}"
binary="$target/debug/signpost"
[ -x "$binary" ] || { echo "no $binary: run cargo build first" >&2; exit 1; }
command -v st >/dev/null || python3 -m pip install --quiet schemathesis

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$binary" --data "$data" serve --demo --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/readyz" >/dev/null || { echo "the server did not start:" >&2; cat "$data/server.log" >&2; exit 1; }

# An API token for a demo account: sign in for a session, then make a token under it.
token_for() {
  local jar="$data/$1.cookies" csrf
  csrf="$(curl -fs -c "$jar" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"signpost-demo-2026\"}" "$base/api/v1/session" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')"
  curl -fs -b "$jar" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
    -d '{"name":"schemathesis"}' "$base/api/v1/tokens" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])'
}

checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
status=0
# Both tokens first: the fuzzing counts failed password changes against this client's
# sign-in limit, which would then refuse the second sign-in.
declare -A tokens
for who in kwame.mensah@northfield.nhs.uk gareth.owen@northfield.nhs.uk; do
  tokens[$who]="$(token_for "$who")"
done
for who in kwame.mensah@northfield.nhs.uk gareth.owen@northfield.nhs.uk; do
  token="${tokens[$who]}"
  echo "== fuzzing the API as $who for ${budget}s"
  # One worker: hypothesis shares a cache between threads that is not safe across them.
  # Signing out and revoking access would end the run's own credentials; a workbook upload
  # cannot be generated from a schema (security.rs sends hostile workbooks instead).
  st run "$base/api/openapi.json" --url "$base" -H "Authorization: Bearer $token" \
    --checks "$checks" --max-time "$budget" --workers 1 --phases examples,coverage,fuzzing \
    --exclude-operation-id accounts_sign_out --exclude-operation-id accounts_revoke_access \
    --exclude-operation-id accounts_revoke_token --exclude-operation-id accounts_set_role \
    --exclude-operation-id maturity_import \
    --suppress-health-check all --request-timeout 30 --no-color || status=1
done
exit "$status"
