#!/usr/bin/env bash
# Kills newsdb with SIGKILL at many moments during each long operation (an article import, a bulk annotation import,
# a sync file import, a migration) and checks the database after each kill (`newsdb check`, all or nothing, and a
# rerun that completes the job). The test suite does 3 kills per operation; this does more: N (default 50).
# A server and a client killed mid-sync over HTTP are covered by ServeCommandTests/killedMidSync, run here too.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEWSDB_CRASH_RUNS="${1:-50}"
swift test --filter 'CrashSafetyTests|ServeCommandTests'
