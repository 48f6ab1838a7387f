#!/usr/bin/env bash
# Builds newsdb and runs it on the sample articles shipped in samples/articles, in a throwaway database:
# import, list, search, annotate, show with highlights, export and status. Nothing outside a temporary folder is
# written.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product newsdb
bin=$(swift build --show-bin-path)/newsdb
export NEWSDB_DB
NEWSDB_DB=$(mktemp -d)/demo.sqlite
trap 'rm -rf "$(dirname "$NEWSDB_DB")"' EXIT

step() { printf '\n\033[1m$ newsdb %s\033[0m\n' "$*"; "$bin" "$@"; }
step init --name demo
step import --verbose samples/articles
step list
step search harbour strike
id=$("$bin" search --json dockworkers | sed -n 's/.*"id" : "\([0-9a-f]\{8\}\).*/\1/p' | head -n 1)
step annotate "$id" --quote "3.2% pay offer" --note "Check the offer against the union's figure" --tag claim
step annotate "$id" --quote "main gate" --occurrence 2 --color green
step annotations "$id"
step show "$id"
step search tag:claim
step annotations export --format markdown
step status
