#!/usr/bin/env bash
# Runs schemathesis (PyPI, in a venv of its own) against Sources/Reader/openapi.json and a live `newsdb web` on a
# fresh database holding the sample articles: no 5xx for any generated request, every response matching the schema
# (its status, content type and body). Usage: scripts/schemathesis.sh [NEWSDB-BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-$(swift build --show-bin-path)/newsdb}
venv=${SCHEMATHESIS_VENV:-.build-schemathesis}
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet schemathesis
fi
work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
export NEWSDB_DB="$work/reader.sqlite"
"$bin" import samples/articles >/dev/null 2>&1
strike=$("$bin" search --json dockworkers | sed -n 's/.*"id" : "\([0-9a-f]\{64\}\)".*/\1/p' | head -n 1)
"$bin" annotate "$strike" --quote "3.2% pay offer" --note "Check the **offer**" --tag claim >/dev/null 2>&1
"$bin" web --port 0 >"$work/address" 2>"$work/log" &
server=$!
for _ in $(seq 100); do [ -s "$work/address" ] && break; sleep 0.1; done
address=$(head -n 1 "$work/address")
[ -n "$address" ] || { echo "schemathesis: newsdb web did not start:"; cat "$work/log"; exit 1; }
# The session cookie and CSRF token, as the page gets them.
read -r cookie csrf < <("$venv/bin/python" - "$address" <<'PY'
import http.client, json, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port)
connection.request("GET", "/?" + url.query)
response = connection.getresponse()
cookie = response.getheader("Set-Cookie").split(";")[0]
response.read()
connection.request("GET", "/api/session", headers={"Cookie": cookie})
print(cookie, json.loads(connection.getresponse().read())["csrf"])
PY
)
base=${address%%/\?key=*}
"$venv/bin/schemathesis" run Sources/Reader/openapi.json --url "$base" -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --generation-allow-x00 false --max-examples "${SCHEMATHESIS_EXAMPLES:-30}" --seed 1
