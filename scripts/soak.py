#!/usr/bin/env python3
"""Soak test: a `newsdb serve` and four clients making random changes and syncing for a fixed time, then a full
exchange, then a check that every replica holds the same annotations, tags, notes, deletions and conflicts, that
every annotation made is there (counted), and that `newsdb check` passes everywhere.

    python3 scripts/soak.py [--seconds 60] [--clients 4] [--binary .build/debug/newsdb] [--seed N]

Exit status 0 when all converge, 1 when not, 2 when the soak could not run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(binary: Path, db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(binary), "--db", str(db), *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(f"newsdb {' '.join(args[:3])} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


def state(binary: Path, db: Path) -> dict:
    annotations = json.loads(run(binary, db, "annotations", "--deleted", "--json").stdout)
    conflicts = json.loads(run(binary, db, "conflicts", "--json").stdout)
    return {
        "annotations": sorted((a["id"], a.get("note"), tuple(a["tags"]), a["color"], a.get("deleted_at") is not None)
                              for a in annotations),
        "conflicts": sorted((c["id"], json.dumps(c["winner"], sort_keys=True)) for c in conflicts),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--binary", type=Path, default=REPO / ".build" / "debug" / "newsdb")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    binary = args.binary.resolve()
    if not binary.is_file():
        print(f"soak: no newsdb at {binary}; run `swift build` first", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="newsdb-soak-"))
    server_db = work / "server.sqlite"
    run(binary, server_db, "init", "--name", "server")
    run(binary, server_db, "import", str(REPO / "samples" / "articles"))
    hits = json.loads(run(binary, server_db, "search", "--json", "dockworkers").stdout)
    article = hits[0]["id"][:12]
    body = json.loads(run(binary, server_db, "show", article, "--json").stdout)["body"]
    words = body.split()
    quotes = sorted({" ".join(words[i:i + 2]) for i in range(0, len(words) - 1, 7)})
    names = [f"client{n}" for n in range(1, args.clients + 1)]
    tokens = {name: run(binary, server_db, "tokens", "create", name).stdout.strip() for name in names}
    log = open(work / "serve.log", "w")
    server = subprocess.Popen([str(binary), "--db", str(server_db), "serve", "--port", "0"], stderr=log)
    url = None
    for _ in range(500):
        found = re.search(r"on (http://127\.0\.0\.1:\d+)", (work / "serve.log").read_text())
        if found:
            url = found.group(1)
            break
        time.sleep(0.02)
    if url is None:
        print("soak: the server did not start", file=sys.stderr)
        server.kill()
        return 2

    made: dict[str, list[str]] = {name: [] for name in names}
    failures: list[str] = []
    counts = {"annotate": 0, "edit": 0, "tag": 0, "delete": 0, "sync": 0}
    lock = threading.Lock()

    def client(name: str, seed: int) -> None:
        rng = random.Random(seed)
        db = work / f"{name}.sqlite"
        run(binary, db, "init", "--name", name)
        run(binary, db, "peers", "add", "server", url, "--token", tokens[name])
        run(binary, db, "sync", "server")
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            try:
                known = [a["id"] for a in json.loads(run(binary, db, "annotations", "--json").stdout)]
                action = rng.choice(["annotate", "annotate", "edit", "tag", "delete", "sync", "sync"])
                if action == "annotate" or not known:
                    proc = run(binary, db, "annotate", article, "--quote", rng.choice(quotes), "--occurrence", "1",
                               "--note", f"{name} {rng.random():.6f}", "--json")
                    with lock:
                        made[name].append(json.loads(proc.stdout)["id"])
                        counts["annotate"] += 1
                elif action == "edit":
                    run(binary, db, "annotations", "edit", rng.choice(known), "--note", f"{name} edit {rng.random():.6f}")
                elif action == "tag":
                    run(binary, db, "annotations", "edit", rng.choice(known), "--add-tag", rng.choice(["a", "b", "c"]))
                elif action == "delete":
                    run(binary, db, "annotations", "delete", rng.choice(known))
                else:
                    run(binary, db, "sync", "server")
                if action in counts and action != "annotate":
                    with lock:
                        counts[action] += 1
            except RuntimeError as error:
                with lock:
                    failures.append(f"{name}: {error}")

    threads = [threading.Thread(target=client, args=(name, args.seed * 100 + n)) for n, name in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A full exchange: two rounds, so that every client gets what the others pushed.
    for _ in range(2):
        for name in names:
            run(binary, work / f"{name}.sqlite", "sync", "server")
    server.terminate()
    server.wait(timeout=60)

    replicas = [server_db] + [work / f"{name}.sqlite" for name in names]
    states = [state(binary, db) for db in replicas]
    expected_ids = sorted(i for ids in made.values() for i in ids)
    problems = list(failures)
    for db, got in zip(replicas, states):
        if got != states[0]:
            problems.append(f"{db.name} differs from {replicas[0].name}")
        ids = sorted(a[0] for a in got["annotations"])
        if ids != expected_ids:
            problems.append(f"{db.name} holds {len(ids)} annotations; {len(expected_ids)} were made")
        checked = run(binary, db, "check", check=False)
        if checked.returncode != 0:
            problems.append(f"{db.name}: newsdb check: {checked.stdout.strip()}")
    print(f"soak: {args.clients} clients for {args.seconds:g}s: {counts}; {len(expected_ids)} annotations, "
          f"{len(states[0]['conflicts'])} conflicts, on {len(replicas)} replicas")
    for problem in problems:
        print(f"soak: {problem}", file=sys.stderr)
    print("soak: converged, nothing lost" if not problems else f"soak: {len(problems)} problems (files in {work})")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
