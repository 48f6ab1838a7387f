#!/usr/bin/env bash
# Fuzzes the change-file reader and the article parser with libFuzzer (the Swift toolchain's -sanitize=fuzzer), for a
# bounded time each: scripts/fuzz.sh [SECONDS per target, default 60].
#
# Change files are sealed with their SHA-256 by the harness (Tools/fuzz), so the reader is fuzzed past its checksum.
# Articles are read as .txt, .json, .jsonl, .html or .rss (a feed) by their first byte. Seeds: the sample articles, a change file made from
# them, and every input kept under Tests/SyncTests/FuzzRegressions. A crash, a trap or a timeout leaves its input in
# Tests/SyncTests/FuzzRegressions/<target>/, where FuzzRegressionTests replays it: fix the cause, keep the input.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
regressions=Tests/SyncTests/FuzzRegressions

swift build --product newsdb >/dev/null
NEWSDB_FUZZ=1 swift build --product newsdb-fuzz --scratch-path .build-fuzz
fuzzer=.build-fuzz/debug/newsdb-fuzz
newsdb=$(swift build --show-bin-path)/newsdb

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/changes" "$work/articles" "$regressions/changes" "$regressions/articles"

# Change-file seeds: exports of the samples, without their last line (the harness adds the SHA-256).
export NEWSDB_DB="$work/seed.sqlite"
"$newsdb" init --name seed >/dev/null
"$newsdb" import samples/articles >/dev/null
strike=$("$newsdb" search --json dockworkers | sed -n 's/.*"id" : "\([0-9a-f]\{64\}\)".*/\1/p' | head -n 1)
"$newsdb" annotate "$strike" --quote "3.2% pay offer" --note "seed" --tag claim >/dev/null
"$newsdb" sync export --out "$work/full.json" >/dev/null
sed '$d' "$work/full.json" > "$work/changes/full"
# Article seeds: a byte choosing the reader (0 .txt, 1 .json, 2 .jsonl, 3 .html, 4 .rss), then the file.
n=0
for file in samples/articles/*; do
    case "$file" in
        *.txt) kind='\x00' ;;
        *.jsonl) kind='\x02' ;;
        *.json) kind='\x01' ;;
        *) continue ;;
    esac
    { printf "$kind"; cat "$file"; } > "$work/articles/seed-$n"
    n=$((n + 1))
done
cp "$regressions/articles/seed-html" "$work/articles/seed-html"
cp "$regressions/articles/seed-feed" "$work/articles/seed-feed"

status=0
for target in changes articles; do
    # Kept inputs seed the corpus (copied: libFuzzer adds what it finds to the corpus folder).
    cp "$regressions/$target"/* "$work/$target"/ 2>/dev/null || true
    echo "fuzz: $target for ${seconds}s"
    NEWSDB_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$regressions/$target/" "$work/$target" || status=1
done
if [ "$status" -ne 0 ]; then
    echo "fuzz: found inputs that crash or hang; they are in $regressions (replayed by FuzzRegressionTests)" >&2
fi
exit "$status"
