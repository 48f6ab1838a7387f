#!/usr/bin/env python3
"""Benchmark newsdb against a floor measured on the same machine in the same run.

Run from the repository root:

    python3 benchmarks/run.py                      # build, run every workload, print a table
    python3 benchmarks/run.py --only import --runs 5
    python3 benchmarks/run.py --no-build --json    # reuse .build/release/newsdb, print JSON
    python3 benchmarks/run.py --floor-only         # measure only the floors (no newsdb needed)

The corpus (default: <repo>/../shared/corpus/bbc, five category folders of NNN.txt files) is copied
four times into a temporary directory, with each copy's titles changed so that every copy yields
different articles. Workloads:

  import  `newsdb import --json DIR` as a whole process, against Python's sqlite3 inserting the same
          rows into the same schema (migrations/0001_create_articles.sql). Target: <= 1.5 x floor.
  search  `newsdb search "prime minister"` as a whole process (median and p95), with the sqlite3
          CLI running the equivalent FTS5 query as an informational floor. Target: median < 30 ms.

To add a workload, write a function `(Context) -> Result` and decorate it with @workload("name").
Exit status: 0 when every target passes, 1 when one fails, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / ".build" / "release" / "newsdb"
SCHEMA = REPO / "migrations" / "0001_create_articles.sql"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bbc"
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
COPIES = 4
IMPORTED_AT = "2026-01-01T00:00:00Z"
SEARCH_QUERY = "prime minister"
IMPORT_MAX_RATIO = 1.5
SEARCH_MAX_MEDIAN_MS = 30.0
SEARCH_WARMUPS = 3


class BenchError(Exception):
    """A condition that makes the benchmark meaningless; aborts the run with a message."""


@dataclass
class Result:
    workload: str
    newsdb: str  # formatted measurement, "-" when not measured
    floor: str
    ratio: str
    target: str
    passed: bool | None  # None: not judged (e.g. --floor-only)
    details: dict = field(default_factory=dict)


@dataclass
class Context:
    tmp: Path
    corpus: Path  # the prepared 4x copy
    files: int
    invalid_utf8: int
    rows: list[tuple]  # (id, title, body, word_count, content_hash, imported_at), deduplicated by id
    runs: int
    search_runs: int
    floor_only: bool
    _db_counter: int = 0
    _imported_db: Path | None = None

    @property
    def valid_files(self) -> int:
        return self.files - self.invalid_utf8

    def fresh_db(self, prefix: str = "bench") -> Path:
        self._db_counter += 1
        return self.tmp / f"{prefix}-{self._db_counter}.sqlite"

    def imported_db(self) -> Path:
        """A database holding the prepared corpus: imported by newsdb, or by the floor with --floor-only."""
        if self._imported_db is None:
            db = self.fresh_db("search")
            if self.floor_only:
                floor_insert(db, self.rows, "rebuild")
            else:
                newsdb_import(self, db)
            self._imported_db = db
        return self._imported_db


WORKLOADS: dict[str, Callable[[Context], Result]] = {}


def workload(name: str):
    def register(fn: Callable[[Context], Result]) -> Callable[[Context], Result]:
        WORKLOADS[name] = fn
        return fn
    return register


# ---------------------------------------------------------------------------------------------- helpers

def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[math.ceil(0.95 * len(ordered)) - 1]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_process(argv: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - start, proc


def tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(empty)"


def timed_runs(argv: list[str], env: dict | None, runs: int, label: str) -> list[float]:
    """Run argv SEARCH_WARMUPS times untimed, then `runs` times; every run must exit 0."""
    samples = []
    for i in range(SEARCH_WARMUPS + runs):
        elapsed, proc = run_process(argv, env)
        if proc.returncode != 0:
            raise BenchError(f"{label} exited {proc.returncode}; stderr:\n{tail(proc.stderr)}")
        if i >= SEARCH_WARMUPS:
            samples.append(elapsed)
    return samples


def prepare_corpus(source: Path, dest: Path) -> tuple[int, int, list[tuple]]:
    """Write COPIES copies of the corpus with retitled articles; return (files, invalid UTF-8, floor rows)."""
    files, invalid, rows, seen = 0, 0, [], set()
    for k in range(1, COPIES + 1):
        for category in CATEGORIES:
            out_dir = dest / f"copy{k}" / category
            out_dir.mkdir(parents=True)
            for path in sorted((source / category).glob("*.txt")):
                lines = path.read_bytes().split(b"\n")
                first = next((i for i, line in enumerate(lines) if line.strip()), 0)
                lines[first] = lines[first].rstrip() + f" (copy {k})".encode()
                data = b"\n".join(lines)
                (out_dir / path.name).write_bytes(data)
                files += 1
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    invalid += 1
                    continue
                paragraphs = [line.strip() for line in text.splitlines() if line.strip()] or [""]
                title, body = paragraphs[0], "\n\n".join(paragraphs[1:])
                digest = hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
                if title and body and digest not in seen:
                    seen.add(digest)
                    rows.append((digest, title, body, len(body.split()), digest, IMPORTED_AT))
    return files, invalid, rows


def floor_insert(db: Path, rows: list[tuple], variant: str) -> float:
    """Create the schema and insert `rows` and their FTS5 entries in one transaction; return seconds from
    connect to close. Variants: "per-row" writes each row's FTS entry right after the row (what newsdb does);
    "rebuild" inserts every row, then rebuilds the index in one pass."""
    schema = SCHEMA.read_text(encoding="utf-8")
    start = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(schema)
    conn.execute("BEGIN")
    insert = ("INSERT OR IGNORE INTO articles (id, title, body, word_count, content_hash, imported_at)"
              " VALUES (?, ?, ?, ?, ?, ?)")
    if variant == "per-row":
        for row in rows:
            cursor = conn.execute(insert, row)
            conn.execute("INSERT INTO articles_fts (rowid, title, dek, byline, body) VALUES (?, ?, NULL, NULL, ?)",
                         (cursor.lastrowid, row[1], row[2]))
    else:
        conn.executemany(insert, rows)
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    conn.execute("COMMIT")
    conn.close()
    elapsed = time.perf_counter() - start
    with closing(sqlite3.connect(db)) as check:  # sanity check, untimed
        count = check.execute("SELECT count(*) FROM articles").fetchone()[0]
        hits = check.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'the'").fetchone()[0]
    if count != len(rows) or hits == 0:
        raise BenchError(f"floor database {db.name} holds {count} articles ({hits} FTS hits), expected {len(rows)}")
    return elapsed


def newsdb_import(ctx: Context, db: Path) -> float:
    """Run `newsdb import --json` into a fresh `db`; check its summary; return wall-clock seconds."""
    env = dict(os.environ, NEWSDB_DB=str(db))
    elapsed, proc = run_process([str(BINARY), "import", "--json", str(ctx.corpus)], env)
    try:
        summary = json.loads(proc.stdout)
        imported, unchanged, skipped = (int(summary[key]) for key in ("imported", "unchanged", "skipped"))
        unchanged += int(summary.get("updated", 0))  # a duplicate differing only in white space updates its twin
    except (ValueError, KeyError, TypeError):
        raise BenchError(f"`newsdb import --json` exited {proc.returncode} without a JSON summary "
                         f"with imported/unchanged/skipped; stderr:\n{tail(proc.stderr)}") from None
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and skipped != ctx.invalid_utf8):
        raise BenchError(f"`newsdb import` exited {proc.returncode} (skipped {skipped}, expected "
                         f"{ctx.invalid_utf8} invalid UTF-8 files); stderr:\n{tail(proc.stderr)}")
    if imported + unchanged != ctx.valid_files or skipped != ctx.invalid_utf8:
        raise BenchError(f"`newsdb import` reported imported={imported} unchanged={unchanged} skipped={skipped}; "
                         f"expected imported+unchanged={ctx.valid_files}, skipped={ctx.invalid_utf8}")
    return elapsed


# -------------------------------------------------------------------------------------------- workloads

@workload("import")
def import_workload(ctx: Context) -> Result:
    variants = {}
    for name in ("per-row", "rebuild"):
        times = []
        for _ in range(ctx.runs):
            db = ctx.fresh_db("floor")
            times.append(floor_insert(db, ctx.rows, name))
            remove_db(db)
        variants[name] = statistics.median(times)
    floor_variant = min(variants, key=variants.get)
    floor = variants[floor_variant]
    details = {"files": ctx.files, "invalid_utf8": ctx.invalid_utf8, "floor_rows": len(ctx.rows),
               "floor_variant": floor_variant, **{f"floor_{k}_s": v for k, v in variants.items()}}
    target = f"<= {IMPORT_MAX_RATIO} x floor"
    if ctx.floor_only:
        return Result("import", "-", f"{floor:.2f} s", "-", target, None, details)
    times = []
    for _ in range(ctx.runs):
        db = ctx.fresh_db()
        times.append(newsdb_import(ctx, db))
        if ctx._imported_db is None:
            ctx._imported_db = db  # reused by the search workload
        else:
            remove_db(db)
    newsdb = statistics.median(times)
    ratio = newsdb / floor
    details.update(newsdb_s=newsdb, newsdb_runs_s=times, ratio=ratio)
    return Result("import", f"{newsdb:.2f} s", f"{floor:.2f} s", f"{ratio:.2f}x", target,
                  ratio <= IMPORT_MAX_RATIO, details)


@workload("search")
def search_workload(ctx: Context) -> Result:
    db = ctx.imported_db()
    details: dict = {"query": SEARCH_QUERY, "runs": ctx.search_runs}
    floor_ms = None
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli:
        sql = ("SELECT rowid, title FROM articles_fts WHERE articles_fts MATCH "
               f"'{SEARCH_QUERY}' ORDER BY bm25(articles_fts) LIMIT 10")
        samples = timed_runs([sqlite_cli, str(db), sql], None, ctx.search_runs, "sqlite3 search")
        floor_ms = statistics.median(samples) * 1000
        details["floor_median_ms"] = floor_ms
    floor = f"{floor_ms:.1f} ms" if floor_ms is not None else "-"
    target = f"median < {SEARCH_MAX_MEDIAN_MS:.0f} ms"
    if ctx.floor_only:
        return Result("search", "-", floor, "-", target, None, details)
    env = dict(os.environ, NEWSDB_DB=str(db))
    samples = timed_runs([str(BINARY), "search", SEARCH_QUERY], env, ctx.search_runs, "newsdb search")
    median, p95 = (s * 1000 for s in median_p95(samples))
    details.update(median_ms=median, p95_ms=p95)
    ratio = f"{median / floor_ms:.2f}x" if floor_ms else "-"
    return Result("search", f"{median:.1f} ms (p95 {p95:.1f})", floor, ratio, target,
                  median < SEARCH_MAX_MEDIAN_MS, details)


# ------------------------------------------------------------------------------------------------ main

def machine_info() -> dict:
    cli = shutil.which("sqlite3")
    cli_version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout.split()[0] if cli else None
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.system()} {platform.machine()}", "nproc": os.cpu_count(),
            "python": platform.python_version(), "sqlite_python": sqlite3.sqlite_version,
            "sqlite_cli": cli_version}


def print_table(info: dict, results: list[Result]) -> None:
    print(f"newsdb benchmarks  {info['date']}")
    print(f"{info['machine']}, nproc {info['nproc']}, Python {info['python']}, "
          f"SQLite {info['sqlite_python']} (python), {info['sqlite_cli'] or 'no'} (cli)")
    print(f"corpus: {info['corpus']} x{COPIES} = {info['files']} files, {info['megabytes']:.1f} MB, "
          f"{info['invalid_utf8']} not valid UTF-8\n")
    header = ("workload", "newsdb", "floor", "ratio", "target", "result")
    rows = [(r.workload, r.newsdb, r.floor, r.ratio, r.target,
             "n/a" if r.passed is None else "PASS" if r.passed else "FAIL") for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    for r in results:
        if r.workload == "import":
            d = r.details
            print(f"\nimport floor: {d['floor_variant']} variant (per-row FTS insert {d['floor_per-row_s']:.2f} s, "
                  f"insert then rebuild {d['floor_rebuild_s']:.2f} s), {d['floor_rows']} distinct rows")
        elif r.workload == "search":
            print(f"search query: \"{r.details['query']}\", {r.details['runs']} runs after {SEARCH_WARMUPS} warm-ups")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    parser.add_argument("--only", action="append", choices=sorted(WORKLOADS), metavar="NAME",
                        help=f"run only this workload (repeatable): {', '.join(WORKLOADS)}")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per import-like workload (median)")
    parser.add_argument("--search-runs", type=int, default=30, help="timed runs of each search command")
    parser.add_argument("--no-build", action="store_true", help="skip `swift build`, use the existing binary")
    parser.add_argument("--floor-only", action="store_true", help="measure only the floors (implies --no-build)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args()
    if args.runs < 1 or args.search_runs < 1:
        parser.error("--runs and --search-runs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    if not all((args.corpus / c).is_dir() for c in CATEGORIES):
        print(f"corpus not found: {args.corpus} must hold the folders {', '.join(CATEGORIES)} (use --corpus PATH)",
              file=sys.stderr)
        return 2
    if not args.floor_only:
        if not args.no_build:
            print("building: swift build -c release --product newsdb", file=sys.stderr)
            build = subprocess.run(["swift", "build", "-c", "release", "--product", "newsdb"], cwd=REPO,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if build.returncode != 0:
                print(f"swift build failed (exit {build.returncode}):\n{tail(build.stdout, 20)}", file=sys.stderr)
                return 2
        if not os.access(BINARY, os.X_OK):
            print(f"newsdb binary not found at {BINARY}: run `swift build -c release --product newsdb` "
                  "(or drop --no-build), or use --floor-only", file=sys.stderr)
            return 2

    tmp = Path(tempfile.mkdtemp(prefix="newsdb-bench-"))
    try:
        corpus = tmp / "corpus"
        files, invalid, rows = prepare_corpus(args.corpus, corpus)
        ctx = Context(tmp, corpus, files, invalid, rows, args.runs, args.search_runs, args.floor_only)
        info = machine_info() | {"corpus": str(args.corpus), "files": files, "invalid_utf8": invalid,
                                 "megabytes": sum(p.stat().st_size for p in corpus.rglob("*.txt")) / 1e6}
        results = [WORKLOADS[name](ctx) for name in WORKLOADS if not args.only or name in args.only]
    except BenchError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps({"info": info, "results": [asdict(r) for r in results]}, indent=2))
    else:
        print_table(info, results)
    return 1 if any(r.passed is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
