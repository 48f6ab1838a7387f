#!/usr/bin/env bash
# Writes Tests/StoreTests/Fixtures/schema-N.sqlite: the sample articles imported by this checkout's newsdb, at its
# newest schema N. Run it once when a migration lands, and commit the file: the upgrade tests open every fixture
# with the newest newsdb and check its data survived. A fixture, once committed, is never rewritten.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product newsdb >/dev/null
bin=.build/debug/newsdb
version=$(ls migrations/*.sql | wc -l | tr -d ' ')
out=Tests/StoreTests/Fixtures/schema-$version.sqlite
if [ -e "$out" ]; then echo "$out exists; fixtures are never rewritten" >&2; exit 1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
NEWSDB_DB="$tmp/fixture.sqlite" "$bin" init --name fixture >/dev/null
NEWSDB_DB="$tmp/fixture.sqlite" "$bin" import samples/articles >/dev/null
sqlite3 "$tmp/fixture.sqlite" "VACUUM INTO '$PWD/$out'"
echo "wrote $out (schema $version)"
