#!/usr/bin/env bash
# Writes Tests/StoreTests/Fixtures/schema-N.sqlite: the sample articles imported by this checkout's newsdb, at its
# newest schema N, with a few annotations (a note, tags, a color, a deleted one) once newsdb has them. Run it once
# when a migration lands, and commit the file: the upgrade tests open every fixture with the newest newsdb and check
# its data survived. A fixture, once committed, is never rewritten.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product newsdb >/dev/null
bin=$(swift build --show-bin-path)/newsdb
version=$(ls migrations/*.sql | wc -l | tr -d ' ')
out=Tests/StoreTests/Fixtures/schema-$version.sqlite
if [ -e "$out" ]; then echo "$out exists; fixtures are never rewritten" >&2; exit 1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NEWSDB_DB="$tmp/fixture.sqlite"
"$bin" init --name fixture >/dev/null
"$bin" import samples/articles >/dev/null
if "$bin" annotate --help >/dev/null 2>&1; then
    strike=$("$bin" search --json dockworkers | sed -n 's/.*"id" : "\([0-9a-f]\{64\}\)".*/\1/p' | head -n 1)
    "$bin" annotate "$strike" --quote "3.2% pay offer" --note "Check the **offer** against the union's figure" \
        --tag claim --tag pay >/dev/null
    "$bin" annotate "$strike" --quote "main gate" --occurrence 2 --color green >/dev/null
    gone=$("$bin" annotate "$strike" --quote "Three days we can just about absorb" --tag quote --json \
        | sed -n 's/^  "id" : "\([0-9a-f-]\{36\}\)".*/\1/p')
    "$bin" annotations delete "$gone" >/dev/null
    if "$bin" annotate --help | grep -q -- '--in <part>'; then
        title=$("$bin" show --json "$strike" | sed -n 's/^  "title" : "\(.*\)",$/\1/p' | head -n 1)
        "$bin" annotate "$strike" --in title --quote "${title%% *}" --note "Misleading headline" --color pink >/dev/null
    fi
fi
if "$bin" tokens --help >/dev/null 2>&1; then
    "$bin" tokens create teammate >/dev/null 2>&1
    "$bin" peers add office http://127.0.0.1:8787 --token ndb_fixture-token-not-a-real-one >/dev/null
fi
sqlite3 "$NEWSDB_DB" "VACUUM INTO '$PWD/$out'"
# A fixture stands for a database where it always was: its file is not known yet (as for a database from before
# schema 5), so opening it takes the file as its own rather than seeing a copy.
if sqlite3 "$out" "SELECT 1 FROM pragma_table_info('replica') WHERE name = 'file_id'" | grep -q 1; then
    sqlite3 "$out" "UPDATE replica SET file_id = NULL"
fi
echo "wrote $out (schema $version)"
