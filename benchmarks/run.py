#!/usr/bin/env python3
"""Benchmark newsdb against a floor measured on the same machine in the same run.

Run from the repository root:

    python3 benchmarks/run.py                      # build, run every workload, print a table
    python3 benchmarks/run.py --only import --runs 5
    python3 benchmarks/run.py --no-build --json    # reuse .build/release/newsdb, print JSON
    python3 benchmarks/run.py --floor-only         # measure only the floors that need no newsdb

The corpus (default: <repo>/../shared/corpus/bbc, five category folders of NNN.txt files) is copied
four times into a temporary directory, with each copy's titles changed so that every copy yields
different articles. Workloads:

  import  `newsdb import --json DIR` as a whole process, against Python's sqlite3 inserting the same
          rows into the same schema (migrations/0001_create_articles.sql). Target: <= 1.5 x floor.
  search  `newsdb search "prime minister"` as a whole process (median and p95), with the sqlite3
          CLI running the equivalent FTS5 query as an informational floor. Target: median < 30 ms.

  startup  Whole-process start-up of everyday commands on the search workload's database (the 4 copies) with
          200 annotations on 40 articles: `newsdb --version`, `search "oil prices" --limit 10`, `list`, `show ID`
          (an annotated article) and `annotations`, each interleaved run by run with the sqlite3 shell running the
          same SQL (`sqlite3 --version` for `--version`), medians of --search-runs. Targets: `--version` median
          < 10 ms; each other command's median <= 2.5 x the shell's. --baseline PATH times another newsdb binary
          (say, one built from main) in the same interleaving, for a before/after beside the same floor.

The annotation workloads use one copy of the corpus (its five category folders), imported by newsdb:

  annotations-import  `newsdb annotations import FILE` of 100,000 generated JSON Lines annotations as a whole
          process, against the C floor (below) inserting the rows that import ended with. Target: <= 2 x floor.
  show-500  `newsdb show ID` of the longest article holding 500 annotations, as a whole process (median and
          p95), with `newsdb --version` as an informational floor. Target: median < 50 ms.
  reanchor  `newsdb import --revision-of` of revised texts of 100 annotated articles; the per-annotation
          re-anchoring times come from newsdb's trace log (NEWSDB_LOG=trace). Target: p99 < 5 ms.

The sync workloads use two replicas made by `newsdb init --name`, each importing the same copy of the corpus: alice
holds the 100,000 annotations (each with an id), then edits the notes of 50,000 and deletes 10,000; bob has none.

  sync-import  `newsdb sync import FILE` on bob of alice's full change file (`sync export --out FILE`, timed too,
          no target) as a whole process, with its peak RSS. Floors: the C floor (below) inserting the rows that
          import ended with; pycrdt (Yjs) applying an update holding the same final state to an empty document,
          in-process (best run). Targets: <= 2 x C floor, < Yjs apply, file <= Yjs update, peak RSS < 3 x file size.

  The C floor (benchmarks/floor/sync_floor.c, built with `cc -O2 ... -lsqlite3` against the system's SQLite, which
  newsdb links) reads every row newsdb's import wrote (annotations, tags and tag instances, change rows, origins,
  knowledge, peers, and the note index's entries: FLOOR_SPECS) from the database it ended with, then, timed from open
  to close, inserts them into a fresh copy of the database the import began with, through one prepared statement per
  table in one transaction, with newsdb's settings (WAL, synchronous=FULL, foreign keys on); the first run checks that
  the copy then holds as many rows in every table as newsdb's. It takes turns with newsdb's runs. --floor-breakdown
  also times it with each kind of row added in turn (JSON details: floor_breakdown_cpu_s): what each costs.
  sync-delta  After bob's export for alice is imported by alice, alice edits 10 notes; `newsdb sync export --for
          bob` on alice and `newsdb sync import` of that delta on bob, each as a whole process (median and p95),
          with `newsdb --version` as an informational floor. Targets: each median < 50 ms, delta file < 10 KB.
  http-busy  wrk (2 threads, 32 connections, 3 s) POSTing an up-to-date peer's pull to `newsdb serve` on a copy of bob
          while `newsdb sync URL` on a copy of alice pushes her 100,000-annotation history to it, beside the same
          wrk figure on the idle server in the same run (informational: how much a large push slows others' syncs).
  http-sync  `newsdb sync URL --token T` on a copy of bob, against `newsdb serve` on a copy of alice, as a whole
          process: bob pulls alice's 100,000-annotation history page by page (and pushes his own article versions).
          Floor: alice's `sync export --out FILE` plus bob's `sync import FILE`, in the same run. Target: <= 1.5 x.
          Then, with the server still up, alice edits 10 notes and bob runs `newsdb sync` again (median and p95, a
          new 10 notes each run; `newsdb --version` as informational floor). Target: median < 150 ms. Last, wrk
          (2 threads, 32 connections, 10 s) POSTs an up-to-date peer's pull to the server. Target: >= 2,000 req/s.

  clone   `newsdb clone FILE` of alice's snapshot (`sync export --snapshot`, timed too, no target) into a new
          database, as a whole process, with its peak RSS; then `newsdb clone URL --token T` from `newsdb serve` on a
          copy of alice, over loopback. Peers in the same run, each the same state (every annotation field of the
          Yjs floor above, and every article text with its details): pycrdt (Yjs) applying its update to an empty
          document, and Loro (`pip install loro`) importing its snapshot (a LoroMap of LoroMaps) into an empty
          LoroDoc and reading it whole with get_deep_value(), best in-process run each. Targets: clone FILE <= 1/3 x
          Yjs and < Loro, snapshot <= Yjs update, peak RSS < 2 x snapshot, clone URL <= 1.5 x clone FILE.

The annotation workloads marked by shape (annotations-import, sync-import, sync-delta, http-busy, http-sync, clone)
run on two shapes of annotations (--shape; both by default), their rows marked "(realistic)" for the second:
  simple     quotes of 3-8 words, a third with a note from a short fixed list, a quarter with 1-2 tags;
  realistic  quotes from 3 words to 3 whole sentences (a quarter a few words, then 45% one sentence, 20% two, 10%
             three: median about one sentence), a note on 85% of 5-500 characters of the article's own words
             (log-uniform), 0-3 tags (mean 1.5) from 24, alice's edited notes of the same kind.

The web-page workload uses the saved pages of <repo>/../shared/corpus/readability (--html-corpus), each with the
text and metadata Mozilla's Readability extracts from it (benchmarks/html_pages.py says how each is scored):

  html-import  `newsdb import --json DIR` of every page as a whole process (median of --runs), and what it stored:
          title (exact), byline (contains or is contained), body token F1 against Readability's text (mean and 10th
          percentile). Peers on the same pages in the same run, each one Python process over every page:
          trafilatura and readability-lxml (`pip install trafilatura readability-lxml`). Targets: each of the four
          figures at or above the better peer's; the import at most 0.1 x trafilatura's process.

The reader workload runs the browser page of `newsdb web` in headless Chromium through Selenium (Debian's chromium,
chromium-driver and python3-selenium; benchmarks/reader_bench.py), on a copy of the search workload's database
(8,900 articles) whose longest article holds 500 annotations of the realistic shape:

  reader  From the navigation's start to every highlight of that article drawn (the page's `newsdb:view-ready`
          mark), median of --runs x 3 loads after 2 warm-ups (floor: the article's API answer in the same loads).
          The library's first render (its first 50 articles, newest imported first), the same sorted by publication
          (informational), and 10 searches typed key by key into its box, each from its last key's input event to
          the answer drawn; floor: the sqlite3 shell running the equivalent FTS5 query. 200 annotations POSTed
          through the API while the page shows the article (which redraws at each change), p99, beside GET
          /api/version's p99 timed between them. The page's own JavaScript and CSS as served. Targets: article median
          < 300 ms; library first render median < 200 ms; search median < 50 ms; creation p99 < 20 ms; assets
          < 100 KB.

To add a workload, write a function `(Context) -> Result` (or `-> list[Result]`, one row per target) and decorate
it with @workload("name").
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
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import html_pages  # noqa: E402  (beside this file)
import reader_bench  # noqa: E402  (beside this file)

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / ".build" / "release" / "newsdb"
MIGRATIONS = REPO / "migrations"
SCHEMA = MIGRATIONS / "0001_create_articles.sql"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bbc"
DEFAULT_HTML_CORPUS = REPO.parent / "shared" / "corpus" / "readability"
HTML_MAX_TIME_RATIO = 0.1  # newsdb's import of the pages against trafilatura's process
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
COPIES = 4
IMPORTED_AT = "2026-01-01T00:00:00Z"
SEARCH_QUERY = "prime minister"
IMPORT_MAX_RATIO = 1.5
SEARCH_MAX_MEDIAN_MS = 30.0
SEARCH_WARMUPS = 3
STARTUP_QUERY = "oil prices"
STARTUP_LIMIT = 10
STARTUP_ANNOTATED_ARTICLES = 40
STARTUP_ANNOTATIONS = 200
VERSION_MAX_MEDIAN_MS = 10.0
STARTUP_MAX_RATIO = 2.5

SEED = 20260101  # every generated annotation and revision derives from this seed
ANNOTATION_COUNT = 100_000
ANNOTATIONS_IMPORT_MAX_RATIO = 2.0
SHOW_ANNOTATIONS = 500
SHOW_MAX_MEDIAN_MS = 50.0
REANCHOR_ARTICLES = 100
REANCHOR_MAX_P99_MS = 5.0
SYNC_EDITS = 50_000  # notes alice edits after the bulk import, then...
SYNC_DELETES = 10_000  # ...annotations she deletes
SYNC_MAX_FLOOR_RATIO = 2.0
SYNC_MAX_RSS_RATIO = 3.0  # peak RSS of the import, to the size of the change file
DELTA_EDITS = 10
DELTA_MAX_MEDIAN_MS = 50.0
DELTA_MAX_BYTES = 10_000
REPLICA_A, REPLICA_B = "alice", "bob"
HTTP_MAX_FILE_RATIO = 1.5  # `newsdb sync URL` pulling the sync-import workload, to file export + import
HTTP_DELTA_MAX_MEDIAN_MS = 150.0
HTTP_MIN_RPS = 2000.0
HTTP_WRK_SECONDS = 10
HTTP_WRK_CONNECTIONS = 32
HTTP_BUSY_WRK_SECONDS = 3  # wrk during a push of the whole history, which takes longer than this
ANNOTATED_AT = "2026-01-02T00:00:00Z"
EDITED_AT = "2026-01-03T00:00:00Z"  # the CRDT peers' time of alice's edits
SELECTOR_CONTEXT = 32  # characters of prefix and suffix newsdb stores around a quote
TAGS = ("claim", "check", "quote", "numbers", "source")
COLORS = ("yellow", "green", "blue", "pink", "purple", "orange")
NOTES = ("Check this figure against the annual report.", "Who is the source for this?",
         "Compare with last year's coverage.", "A strong claim, worth following up.",
         "Quote this in the weekly summary.", "The numbers do not add up.")
FILLER_WORDS = ("the", "council", "said", "new", "figures", "showed", "a", "rise", "in", "spending", "on", "roads",
                "while", "officials", "expect", "further", "changes", "next", "year", "after", "talks", "with",
                "local", "groups", "and", "regional", "partners", "over", "budget", "plans")
ANCHOR_STATES = ("exact", "moved", "fuzzy", "orphan")
WORD = re.compile(r"\S+")
SHAPES = ("simple", "realistic")
# The realistic shape (issue 16): quotes from 3 words to 3 sentences (median about one sentence), a note on most, of
# 5 to 500 characters of varied words, and 0-3 tags (mean 1.5).
REALISTIC_QUOTE_KINDS = (("words", 0.25), (1, 0.45), (2, 0.20), (3, 0.10))  # a few words, or 1-3 whole sentences
REALISTIC_NOTE_SHARE = 0.85
REALISTIC_NOTE_CHARS = (5, 500)
REALISTIC_TAGS = ("claim", "check", "quote", "numbers", "source", "context", "follow-up", "contested", "verified",
                  "background", "timeline", "money", "health", "law", "policy", "data", "people", "place", "history",
                  "opinion", "correction", "legal-risk", "interview", "archive")
SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019']?(?=\s|$)")
# The workloads whose annotations follow the shape; the others run once, on the simple shape's data.
SHAPED_WORKLOADS = ("annotations-import", "sync-import", "sync-delta", "http-busy", "http-sync", "clone")
CLONE_MAX_YJS_RATIO = 1 / 3  # `newsdb clone FILE` to Yjs applying the same state
CLONE_MAX_RSS_RATIO = 2.0  # peak RSS of the clone, to the snapshot's size
CLONE_URL_MAX_RATIO = 1.5  # `newsdb clone URL` over loopback, to `newsdb clone FILE`
REPLICA_C = "carol"


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
    source: Path  # the original corpus (one copy), for the annotation workloads
    files: int
    invalid_utf8: int
    rows: list[tuple]  # (id, title, body, word_count, content_hash, imported_at), deduplicated by id
    runs: int
    search_runs: int
    floor_only: bool
    html_corpus: Path = DEFAULT_HTML_CORPUS
    baseline: Path | None = None  # another newsdb binary the startup workload times beside BINARY
    breakdown: bool = False  # also time the C floors without each kind of row (--floor-breakdown)
    shape: str = "simple"  # the annotations' shape: SHAPES
    _db_counter: int = 0
    _imported_db: Path | None = None
    _one_copy_db: Path | None = None
    _annotations: list[Annotation] | None = None
    _annotated_db: Path | None = None
    _sync_plan: SyncPlan | None = None
    _sync_replicas: SyncReplicas | None = None
    _synced_bob: Path | None = None

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

    def one_copy_db(self) -> Path:
        """A database holding one copy of the corpus (imported by newsdb, or by the floor with --floor-only).
        Never written to after this: workloads that change it use copy_db()."""
        if self._one_copy_db is None:
            db = self.fresh_db("one-copy")
            folders = [self.source / category for category in CATEGORIES]
            if self.floor_only:
                floor_insert(db, [row for row in self.rows if row[1].endswith(" (copy 1)")], "rebuild")
            else:
                import_articles(db, folders, (self.files - self.invalid_utf8) // COPIES, self.invalid_utf8 // COPIES)
            self._one_copy_db = db
        return self._one_copy_db

    def copy_db(self, source: Path, prefix: str) -> Path:
        """A fresh copy of `source` (fully checkpointed: newsdb leaves no WAL behind when it exits), on disk before it
        is used: a copy still in the page cache makes the first fsync of the file (newsdb's checkpoint as it exits)
        wait for the kernel to write all of it, which is the harness's I/O, not newsdb's (measured on the 108 MB
        synced replica: a 10-change `sync import` took 60 ms right after an unflushed copy, 23-30 ms after a flushed one)."""
        wal = Path(f"{source}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise BenchError(f"{source.name} has a non-empty WAL; copying the main file alone would lose data")
        db = self.fresh_db(prefix)
        shutil.copyfile(source, db)
        with open(db, "rb") as copy:
            os.fsync(copy.fileno())
        if not self.floor_only:
            # A copied database becomes a replica of its own the first time newsdb opens it (docs/SYNC.md, "Copies
            # and backups"): once per copy, untimed, as on a teammate's machine; no workload times it.
            proc = subprocess.run([str(BINARY), "--db", str(db), "status"], capture_output=True, text=True)
            if proc.returncode != 0:
                raise BenchError(f"`newsdb status` on a copy exited {proc.returncode}: {tail(proc.stderr)}")
        return db

    def annotations(self) -> list[Annotation]:
        """The ANNOTATION_COUNT generated annotations on the articles of one_copy_db()."""
        if self._annotations is None:
            with closing(sqlite3.connect(self.one_copy_db())) as conn:
                articles = conn.execute("SELECT id, body FROM articles ORDER BY id").fetchall()
            generate = generate_annotations if self.shape == "simple" else generate_realistic_annotations
            self._annotations = generate(articles, ANNOTATION_COUNT, random.Random(SEED))
        return self._annotations

    def for_shape(self, shape: str) -> "Context":
        """This context with the annotations of `shape`: the corpus and its databases shared, the annotations and
        the replicas made from them its own."""
        return replace(self, shape=shape, _annotations=None, _annotated_db=None, _sync_plan=None,
                       _sync_replicas=None, _synced_bob=None)

    def annotations_file(self) -> Path:
        path = self.tmp / f"annotations-{self.shape}.jsonl"
        if not path.exists():
            write_jsonl(path, self.annotations())
        return path

    def annotated_db(self) -> Path:
        """one_copy_db() after `newsdb annotations import` of annotations(): the annotations-import workload's
        first run, or made here when that workload did not run."""
        if self._annotated_db is None:
            db = self.copy_db(self.one_copy_db(), "annotated")
            newsdb_annotations_import(db, self.annotations_file(), len(self.annotations()))
            self._annotated_db = db
        return self._annotated_db

    def sync_plan(self) -> SyncPlan:
        """annotations() with ids, and the notes alice edits and the annotations she deletes."""
        if self._sync_plan is None:
            self._sync_plan = plan_sync(self.annotations(), random.Random(SEED), self.shape)
        return self._sync_plan

    def sync_replicas(self) -> SyncReplicas:
        """Alice after sync_plan() and her full export; bob holding the same articles. Never written to after this:
        workloads that change them use copy_db()."""
        if self._sync_replicas is None:
            self._sync_replicas = make_replicas(self, self.sync_plan())
        return self._sync_replicas

    def synced_bob(self) -> Path:
        """Bob after `newsdb sync import` of alice's full export: the sync-import workload's first run, or made here
        when that workload did not run. Never written to after this."""
        if self._synced_bob is None:
            replicas = self.sync_replicas()
            db = self.copy_db(replicas.bob, "synced-bob")
            newsdb_sync_import(db, replicas.full)
            check_synced(replicas.alice, db)
            self._synced_bob = db
        return self._synced_bob


WORKLOADS: dict[str, Callable[[Context], Result | list[Result]]] = {}


def workload(name: str):
    def register(fn: Callable[[Context], Result | list[Result]]) -> Callable[[Context], Result | list[Result]]:
        WORKLOADS[name] = fn
        return fn
    return register


# ---------------------------------------------------------------------------------------------- helpers

def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank q-quantile (0 < q <= 1) of samples."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile(samples, 0.95)


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def run_process(argv: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - start, proc


def child_cpu() -> float:
    """CPU seconds (user and system) of this process's children that have ended: the difference across one
    subprocess.run() is that process's."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(empty)"


def timed_runs(argv: list[str], env: dict | None, runs: int, label: str, expect: str | None = None) -> list[float]:
    """Run argv SEARCH_WARMUPS times untimed, then `runs` times; every run must exit 0 (and print `expect`)."""
    samples = []
    for i in range(SEARCH_WARMUPS + runs):
        elapsed, proc = run_process(argv, env)
        if proc.returncode != 0:
            raise BenchError(f"{label} exited {proc.returncode}; stderr:\n{tail(proc.stderr)}")
        if expect is not None and expect not in proc.stdout:
            raise BenchError(f"{label} printed no {expect!r}; stdout ends:\n{tail(proc.stdout)}")
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
    """Run `newsdb import --json` of the prepared corpus into a fresh `db`; return wall-clock seconds."""
    return import_articles(db, [ctx.corpus], ctx.valid_files, ctx.invalid_utf8)


def import_articles(db: Path, paths: list[Path], valid_files: int, invalid_utf8: int) -> float:
    """Run `newsdb import --json PATH...` into `db`; check its summary; return wall-clock seconds."""
    env = dict(os.environ, NEWSDB_DB=str(db))
    # The text summary, not --json: printing 8,900 article records as JSON is not what this workload measures.
    elapsed, proc = run_process([str(BINARY), "import", *map(str, paths)], env)
    match = re.search(r"imported (\d+), unchanged (\d+)(?:, updated (\d+))?(?:, revised (\d+))?, skipped (\d+)",
                      proc.stdout)
    if not match:
        raise BenchError(f"`newsdb import` exited {proc.returncode} without its summary line; "
                         f"stderr:\n{tail(proc.stderr)}")
    imported, unchanged, updated, revised, skipped = (int(group or 0) for group in match.groups())
    # A duplicate differing only in white space updates its twin, or (same title, other text) revises it.
    unchanged += updated + revised
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and skipped != invalid_utf8):
        raise BenchError(f"`newsdb import` exited {proc.returncode} (skipped {skipped}, expected "
                         f"{invalid_utf8} invalid UTF-8 files); stderr:\n{tail(proc.stderr)}")
    if imported + unchanged != valid_files or skipped != invalid_utf8:
        raise BenchError(f"`newsdb import` reported imported={imported} unchanged={unchanged} skipped={skipped}; "
                         f"expected imported+unchanged={valid_files}, skipped={invalid_utf8}")
    return elapsed


# ------------------------------------------------------------------------------------------ annotation data

@dataclass
class Annotation:
    article: str  # the full article id
    body: str = field(repr=False)  # the article's stored body, which the offsets index
    start: int  # character offsets of the quote in body (Python str indices: Unicode scalars, as newsdb counts)
    end: int
    note: str | None = None
    tags: tuple[str, ...] = ()
    color: str | None = None
    occurrence: int | None = None  # set when the quote is not unique in the body
    id: str | None = None  # a lowercase UUID, given in the JSON line when set (else newsdb makes one)

    @property
    def quote(self) -> str:
        return self.body[self.start:self.end]

    @property
    def prefix(self) -> str:
        return self.body[max(0, self.start - SELECTOR_CONTEXT):self.start]

    @property
    def suffix(self) -> str:
        return self.body[self.end:self.end + SELECTOR_CONTEXT]

    @property
    def motivation(self) -> str:
        return "commenting" if self.note else "tagging" if self.tags else "highlighting"

    def json_line(self) -> str:
        record = {"id": self.id} if self.id else {}
        record.update(article=self.article, quote=self.quote)
        if self.occurrence is not None:
            record["occurrence"] = self.occurrence
        if self.note:
            record["note"] = self.note
        if self.tags:
            record["tags"] = list(self.tags)
        if self.color:
            record["color"] = self.color
        return json.dumps(record, ensure_ascii=False)


FOLDED_PUNCTUATION = str.maketrans({**dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
                                    **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
                                    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")})


def fold(text: str) -> str:
    """Text as newsdb matches quotes: runs of white space are one space, curly quotes straight, dashes hyphens."""
    return re.sub(r"\s+", " ", text.translate(FOLDED_PUNCTUATION))


def occurrences_before(folded_body: str, folded_quote: str, limit: int) -> int:
    """How many (possibly overlapping) occurrences of folded_quote start before `limit`, as newsdb counts them."""
    count, index = 0, folded_body.find(folded_quote)
    while 0 <= index < limit:
        count, index = count + 1, folded_body.find(folded_quote, index + 1)
    return count


def quote_spans(body: str, rng: random.Random, min_words: int,
                max_words: int) -> Iterator[tuple[int, int, int | None]]:
    """Yield (start, end, occurrence) for spans of min_words..max_words consecutive words of `body`, each within one
    line (so within one paragraph), one per starting word, in random order. occurrence is None for a span whose text
    occurs exactly once in the body (checked on the body and on its folded form, as newsdb matches quotes), else
    the span's place, from 1, among the occurrences of its text."""
    starts = []
    offset = 0
    for line in body.split("\n"):
        words = [(offset + m.start(), offset + m.end()) for m in WORD.finditer(line)]
        starts += [(words, i) for i in range(len(words) - min_words + 1)]
        offset += len(line) + 1
    rng.shuffle(starts)
    folded_body = fold(body)
    for words, i in starts:
        count = rng.randint(min_words, min(max_words, len(words) - i))
        start, end = words[i][0], words[i + count - 1][1]
        quote = body[start:end]
        folded_quote = fold(quote)
        unique = body.count(quote) == 1 and occurrences_before(folded_body, folded_quote, len(folded_body)) == 1
        yield start, end, None if unique else occurrences_before(folded_body, folded_quote, len(fold(body[:start]))) + 1


def decorate(annotation: Annotation, n: int, rng: random.Random) -> Annotation:
    """Give the n-th annotation a note (1 in 3), tags (1 in 4) and a color (1 in 5)."""
    if n % 3 == 0:
        annotation.note = rng.choice(NOTES)
    if n % 4 == 0:
        annotation.tags = tuple(rng.sample(TAGS, rng.randint(1, 2)))
    if n % 5 == 0:
        annotation.color = rng.choice(COLORS)
    return annotation


def generate_annotations(articles: list[tuple[str, str]], total: int, rng: random.Random) -> list[Annotation]:
    """`total` annotations spread evenly over `articles` ((id, body) pairs), round robin, each quoting 3-8
    consecutive words that occur exactly once in the body."""
    sources = [(article_id, body, quote_spans(body, rng, 3, 8)) for article_id, body in articles]
    spans: list[tuple[str, str, int, int]] = []
    while len(spans) < total and sources:
        for source in list(sources):
            article_id, body, candidates = source
            span = next(((start, end) for start, end, occurrence in candidates if occurrence is None), None)
            if span is None:
                sources.remove(source)  # no unique span left in this article
            elif len(spans) < total:
                spans.append((article_id, body, *span))
    if len(spans) < total:
        raise BenchError(f"the corpus yields only {len(spans)} unique quotes, {total} wanted")
    return [decorate(Annotation(article_id, body, start, end), n, rng)
            for n, (article_id, body, start, end) in enumerate(spans)]


def sentence_spans(line: str, offset: int) -> list[tuple[int, int]]:
    """The sentences of one line of a body, as (start, end) offsets in the body (`offset` is the line's)."""
    spans, start = [], 0
    for end in SENTENCE_END.finditer(line):
        text = line[start:end.end()]
        lead = len(text) - len(text.lstrip())
        if end.end() - (start + lead) > 0:
            spans.append((offset + start + lead, offset + end.end()))
        start = end.end()
    return spans


def realistic_candidates(body: str, rng: random.Random) -> dict[object, list[tuple[int, int]]]:
    """Every span of 1, 2 or 3 consecutive sentences of a line of `body`, and one span of 3-12 words inside each
    sentence of 4 words or more, by kind (REALISTIC_QUOTE_KINDS), each list in random order."""
    kinds: dict[object, list[tuple[int, int]]] = {kind: [] for kind, _ in REALISTIC_QUOTE_KINDS}
    offset = 0
    for line in body.split("\n"):
        sentences = sentence_spans(line, offset)
        for i in range(len(sentences)):
            for count in (1, 2, 3):
                if i + count <= len(sentences):
                    span = (sentences[i][0], sentences[i + count - 1][1])
                    if len(WORD.findall(body[span[0]:span[1]])) >= 3:  # "Mr." or "2005." alone is no quote
                        kinds[count].append(span)
            start, end = sentences[i]
            words = [(start + m.start(), start + m.end()) for m in WORD.finditer(body[start:end])]
            if len(words) >= 4:
                count = rng.randint(3, min(12, len(words) - 1))
                first = rng.randrange(len(words) - count + 1)
                kinds["words"].append((words[first][0], words[first + count - 1][1]))
        offset += len(line) + 1
    for spans in kinds.values():
        rng.shuffle(spans)
    return kinds


def realistic_note(pool: list[str], rng: random.Random) -> str:
    """A note of about 5-500 characters (log-uniform: most are a sentence or two) of whole words drawn from `pool`."""
    low, high = REALISTIC_NOTE_CHARS
    length = round(math.exp(rng.uniform(math.log(low), math.log(high))))
    words: list[str] = []
    size = -1
    while size < length:
        word = rng.choice(pool)
        words.append(word)
        size += len(word) + 1
    text = " ".join(words)
    cut = text[:length]
    if " " in cut and len(text) > length:
        cut = cut[:cut.rfind(" ")]  # whole words only
    text = cut if len(cut) >= low else text
    return text[0].upper() + text[1:]


def note_pool(body: str) -> list[str]:
    """The words notes on an article are made of: its own words (punctuation trimmed) and the filler words."""
    words = [w.strip(".,;:!?\"'()\u201c\u201d\u2018\u2019") for w in WORD.findall(body)]
    return [w for w in words if w] + list(FILLER_WORDS)


def generate_realistic_annotations(articles: list[tuple[str, str]], total: int,
                                   rng: random.Random) -> list[Annotation]:
    """`total` annotations of the realistic shape spread evenly over `articles`, round robin: each quotes a span of
    a kind drawn by REALISTIC_QUOTE_KINDS' weights (another kind when the article has no unique span of that kind
    left) whose text occurs exactly once in the body; most carry a note, and 0-3 tags."""
    kinds = [kind for kind, _ in REALISTIC_QUOTE_KINDS]
    weights = [weight for _, weight in REALISTIC_QUOTE_KINDS]
    sources = [(article_id, body, realistic_candidates(body, rng), fold(body), note_pool(body), set())
               for article_id, body in articles]
    annotations: list[Annotation] = []
    while len(annotations) < total and sources:
        for source in list(sources):
            if len(annotations) >= total:
                break
            article_id, body, candidates, folded_body, pool, used = source
            wanted = rng.choices(kinds, weights)[0]
            span = None
            for kind in [wanted, *[k for k in kinds if k != wanted]]:
                while candidates[kind] and span is None:
                    start, end = candidates[kind].pop()
                    quote = body[start:end]
                    if quote in used or body.count(quote) != 1:
                        continue
                    if occurrences_before(folded_body, fold(quote), len(folded_body)) == 1:
                        span = (start, end)
                        used.add(quote)
                if span:
                    break
            if span is None:
                sources.remove(source)  # no unique span left in this article
                continue
            n = len(annotations)
            annotation = Annotation(article_id, body, *span)
            if rng.random() < REALISTIC_NOTE_SHARE:
                annotation.note = realistic_note(pool, rng)
            annotation.tags = tuple(rng.sample(REALISTIC_TAGS, rng.randint(0, 3)))
            if n % 5 == 0:
                annotation.color = rng.choice(COLORS)
            annotations.append(annotation)
    if len(annotations) < total:
        raise BenchError(f"the corpus yields only {len(annotations)} unique realistic quotes, {total} wanted")
    return annotations


def write_jsonl(path: Path, annotations: list[Annotation]) -> None:
    path.write_text("".join(a.json_line() + "\n" for a in annotations), encoding="utf-8")


# The rows the annotation and sync floors copy (benchmarks/floor/sync_floor.c), in an order that satisfies the foreign
# keys: every table an `annotations import` or `sync import` writes rows into, then the note index's entries.
FLOOR_SPECS = ("origins", "annotations", "annotation_tags", "tag_adds", "changes", "pending_changes", "knowledge",
               "peers", "annotation_notes_fts=SELECT seq AS rowid, note FROM annotation_notes")
FLOOR_SOURCE = REPO / "benchmarks" / "floor" / "sync_floor.c"
_floor_binary: Path | None = None


def floor_binary(tmp: Path) -> Path:
    """sync_floor.c compiled (once per run) against the system's SQLite, the library newsdb links."""
    global _floor_binary
    if _floor_binary is None:
        out = tmp / "sync_floor"
        proc = subprocess.run(["cc", "-O2", "-o", str(out), str(FLOOR_SOURCE), "-lsqlite3"], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            raise BenchError(f"cannot build the C floor (it needs cc and libsqlite3-dev): {tail(proc.stderr)}")
        _floor_binary = out
    return _floor_binary


def table_counts(db: Path) -> dict[str, int]:
    """The number of rows of every table of `db` but SQLite's own and the full-text indexes' shadow tables (whose
    layout depends on the order entries were written in), and of every full-text index's documents."""
    with closing(sqlite3.connect(db)) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        fts = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")]
        shadows = {f"{index}_{part}" for index in fts for part in ("data", "idx", "docsize", "config", "content")}
        counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                  for name in names if name not in shadows}
        counts |= {f"{index} documents": conn.execute(f'SELECT count(*) FROM "{index}_docsize"').fetchone()[0]
                   for index in fts}
        return counts


def c_floor(ctx: "Context", source: Path, start: Path, specs: tuple[str, ...] = FLOOR_SPECS,
            check: bool = False) -> tuple[float, float]:
    """Wall-clock and CPU seconds of the C floor inserting the rows `specs` name, read from `source` (a database newsdb wrote), into a
    fresh copy of `start` made as newsdb's was (copy_db(): a replica of its own, as the copy newsdb's import began
    with); with `check`, that the copy then holds as many rows in every table as `source` (the same rows: nothing
    left out, nothing added)."""
    db = ctx.copy_db(start, "floor")
    proc = subprocess.run([str(floor_binary(ctx.tmp)), str(source), str(db), *specs], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"the C floor exited {proc.returncode}: {tail(proc.stderr)}")
    report = json.loads(proc.stdout)
    if check:
        want, got = table_counts(source), table_counts(db)
        if want != got:
            differ = {name: (got.get(name), count) for name, count in want.items() if got.get(name) != count}
            raise BenchError(f"the C floor's database differs from newsdb's (table: floor, newsdb): {differ}")
    remove_db(db)
    return report["seconds"], report["cpu_seconds"]


def floor_breakdown(ctx: "Context", source: Path, start: Path) -> dict[str, float]:
    """What each kind of row costs the C floor: its CPU seconds (median of ctx.runs) with the first 1, 2, ... of
    FLOOR_SPECS, in their order (each kind after those its foreign keys need), by the last kind added. CPU, not
    wall-clock: the differences are small, and other work on the machine stretches the wall clock."""
    parts = {}
    for count in range(1, len(FLOOR_SPECS) + 1):
        specs = FLOOR_SPECS[:count]
        parts[specs[-1].split("=")[0]] = statistics.median(c_floor(ctx, source, start, specs)[1]
                                                           for _ in range(ctx.runs))
    return parts


def newsdb_annotations_import(db: Path, path: Path, expected: int, outcome: str = "created") -> tuple[float, float]:
    """Run `newsdb annotations import FILE` into `db`; check that it reported `expected` annotations as `outcome`
    ("created" or "updated"); return wall-clock seconds and CPU seconds (user and system)."""
    before = child_cpu()
    elapsed, proc = run_process([str(BINARY), "annotations", "import", str(path)], dict(os.environ, NEWSDB_DB=str(db)))
    summary = re.search(r"created (?P<created>\d+), updated (?P<updated>\d+), unchanged (\d+), skipped (\d+)",
                        proc.stdout)
    if proc.returncode != 0 or not summary or int(summary[outcome]) != expected:
        raise BenchError(f"`newsdb annotations import` exited {proc.returncode}, expected 0 and {outcome} {expected}; "
                         f"stdout:\n{tail(proc.stdout)}\nstderr:\n{tail(proc.stderr)}")
    return elapsed, child_cpu() - before


def revise_text(title: str, body: str, rng: random.Random) -> str:
    """A revised plain-text article: a new ~30-word opening paragraph, about 5% of the words changed (a number to
    another number, a word to another word), and one paragraph deleted when there are more than 3."""
    paragraphs = body.split("\n\n")
    if len(paragraphs) > 3:
        del paragraphs[rng.randrange(len(paragraphs))]
    text = "\n\n".join(paragraphs)
    words = [m for m in WORD.finditer(text) if re.search(r"[A-Za-z0-9]", m.group())]
    changed = sorted(rng.sample(words, max(1, round(0.05 * len(words)))), key=lambda m: m.start())
    pieces, last = [], 0
    for m in changed:
        word = m.group()
        if re.search(r"\d", word):
            word = re.sub(r"\d+", lambda d: str(int(d.group()) + rng.randint(1, 99)), word)
        else:
            word = re.sub(r"[A-Za-z]+", lambda _: rng.choice(FILLER_WORDS), word, count=1)
        pieces += [text[last:m.start()], word]
        last = m.end()
    pieces.append(text[last:])
    opening = " ".join(rng.choice(FILLER_WORDS) for _ in range(30)).capitalize() + "."
    return f"{title}\n\n{opening}\n\n{''.join(pieces)}\n"


# ------------------------------------------------------------------------------------------------ sync data

@dataclass
class SyncPlan:
    annotations: list[Annotation]  # annotations() with ids, as alice first imports them
    edits: dict[str, str]  # annotation id -> the note alice then gives it (SYNC_EDITS of them)
    deleted: list[str]  # the ids alice then deletes (SYNC_DELETES of them, edited or not)


@dataclass
class SyncReplicas:
    alice: Path  # after the plan's import, edits and deletions
    bob: Path  # the same articles, no annotations
    full: Path  # alice's full change file (`sync export --out FILE`)
    export_s: float  # wall-clock seconds of that export


def random_uuid(rng: random.Random) -> str:
    """A version 4 UUID from rng, lowercase (as newsdb stores ids)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def plan_sync(annotations: list[Annotation], rng: random.Random, shape: str = "simple") -> SyncPlan:
    """Give each annotation an id; pick SYNC_EDITS to get a new note (for the realistic shape, one of its varied
    notes) and SYNC_DELETES to delete, in file order."""
    with_ids = [replace(a, id=random_uuid(rng)) for a in annotations]
    edited = sorted(rng.sample(range(len(with_ids)), SYNC_EDITS))
    deleted = sorted(rng.sample(range(len(with_ids)), SYNC_DELETES))
    if shape == "simple":
        edits = {with_ids[i].id: f"Followed up: {rng.choice(NOTES)}" for i in edited}
    else:
        pools: dict[str, list[str]] = {}
        edits = {}
        for i in edited:
            a = with_ids[i]
            if a.article not in pools:
                pools[a.article] = note_pool(a.body)
            note = realistic_note(pools[a.article], rng)
            while note == a.note:  # an edit that changes nothing would not be one
                note = realistic_note(pools[a.article], rng)
            edits[a.id] = note
    return SyncPlan(with_ids, edits, [with_ids[i].id for i in deleted])


ARTICLE_FIELDS = ("title", "dek", "byline", "source", "url", "published_at", "body")


def article_state(db: Path) -> list[dict]:
    """Every article version alice holds, as newsdb syncs it: its id, the SHA-256 of its body, the fields in
    ARTICLE_FIELDS that are set, and the revision it is (the current text last)."""
    columns = ", ".join(ARTICLE_FIELDS)
    with closing(sqlite3.connect(db)) as conn:
        if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'article_revisions'").fetchone()[0]:
            rows = conn.execute(f"SELECT article_id, revision, content_hash, {columns} FROM article_revisions "
                                f"UNION ALL SELECT id, revision, content_hash, {columns} FROM articles "
                                "ORDER BY 1, 2").fetchall()
        else:  # the floor's database (--floor-only): one text per article
            rows = conn.execute(f"SELECT id, 1, content_hash, {columns} FROM articles ORDER BY 1").fetchall()
    return [{"id": row[0], "revision": row[1], "sha256": row[2],
             **{name: value for name, value in zip(ARTICLE_FIELDS, row[3:]) if value is not None}} for row in rows]


def annotation_fields(a: Annotation) -> dict:
    """The fields of an annotation a CRDT peer holds, with the same values as the floor rows (absent values are
    left out, not stored as null); tags are added by the peer as a list of its own."""
    fields = {"article": a.article, "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix, "start": a.start,
              "end": a.end, "color": a.color or "yellow", "motivation": a.motivation, "author": REPLICA_A,
              "created": ANNOTATED_AT, "modified": ANNOTATED_AT}
    if a.note:
        fields["note"] = a.note
    return fields


def yjs_floor(plan: SyncPlan, runs: int, articles: list[dict] | None = None) -> tuple[bytes, list[float], float]:
    """Alice's final state as a Yjs document (pycrdt): a Map of annotation Maps keyed by id, with the same fields and
    values as the floor rows, then the edits and deletions applied as changes; with `articles`, also a Map of article
    Maps keyed by id, each with its texts (an Array of Maps, one per version). Return its update (get_update()), the
    seconds of each run applying it to an empty document, and the seconds encoding it."""
    try:
        from pycrdt import Array, Doc, Map
    except ImportError:
        raise BenchError("the sync-import floor needs pycrdt (Yjs for Python): pip install pycrdt") from None
    doc = Doc()
    root = doc.get("annotations", type=Map)
    if articles is not None:
        by_id: dict[str, list[dict]] = {}
        for version in articles:
            by_id.setdefault(version["id"], []).append(version)
        texts = doc.get("articles", type=Map)
        with doc.transaction():
            for article_id, versions in by_id.items():
                texts[article_id] = Map({"versions": Array([Map({k: v for k, v in version.items() if k != "id"})
                                                            for version in versions])})
    with doc.transaction():
        for a in plan.annotations:
            fields = annotation_fields(a)
            if a.tags:
                fields["tags"] = Array(list(a.tags))
            root[a.id] = Map(fields)
    with doc.transaction():
        for annotation_id, note in plan.edits.items():
            entry = root[annotation_id]
            entry["note"] = note
            entry["modified"] = EDITED_AT
    with doc.transaction():
        for annotation_id in plan.deleted:
            del root[annotation_id]
    start = time.perf_counter()
    update = doc.get_update()
    encode = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        replica = Doc()
        replica.apply_update(update)
        times.append(time.perf_counter() - start)
        live = len(replica.get("annotations", type=Map))  # sanity check, untimed
        if live != len(plan.annotations) - len(plan.deleted):
            raise BenchError(f"the Yjs floor document holds {live} annotations after apply_update, expected "
                             f"{len(plan.annotations) - len(plan.deleted)}")
    return update, times, encode


def loro_floor(plan: SyncPlan, articles: list[dict], runs: int) -> tuple[bytes, list[float]]:
    """Alice's final state as a Loro document: a LoroMap of annotation LoroMaps keyed by id (the fields of the Yjs
    floor, tags a LoroList), then the edits and deletions applied as changes, and a LoroMap of articles, each with a
    LoroList of its versions. Return its snapshot (export(ExportMode.Snapshot())) and the seconds of each run
    importing it into an empty LoroDoc and reading it whole with get_deep_value() (Loro decodes lazily)."""
    try:
        from loro import ExportMode, LoroDoc, LoroList, LoroMap
    except ImportError:
        raise BenchError("the clone workload's Loro peer needs loro: pip install loro") from None
    doc = LoroDoc()
    texts = doc.get_map("articles")
    by_id: dict[str, list[dict]] = {}
    for version in articles:
        by_id.setdefault(version["id"], []).append(version)
    for article_id, versions in by_id.items():
        entry = texts.insert_container(article_id, LoroMap())
        listed = entry.insert_container("versions", LoroList())
        for index, version in enumerate(versions):
            item = listed.insert_container(index, LoroMap())
            for key, value in version.items():
                if key != "id":
                    item.insert(key, value)
    root = doc.get_map("annotations")
    handles = {}
    for a in plan.annotations:
        entry = root.insert_container(a.id, LoroMap())
        for key, value in annotation_fields(a).items():
            entry.insert(key, value)
        if a.tags:
            tags = entry.insert_container("tags", LoroList())
            for tag in a.tags:
                tags.push(tag)
        handles[a.id] = entry
    doc.commit()
    for annotation_id, note in plan.edits.items():
        handles[annotation_id].insert("note", note)
        handles[annotation_id].insert("modified", EDITED_AT)
    doc.commit()
    for annotation_id in plan.deleted:
        root.delete(annotation_id)
    doc.commit()
    snapshot = doc.export(ExportMode.Snapshot())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        replica = LoroDoc()
        replica.import_(snapshot)
        value = replica.get_deep_value()
        times.append(time.perf_counter() - start)
        live = len(value["annotations"])  # sanity check, untimed
        if live != len(plan.annotations) - len(plan.deleted) or len(value["articles"]) != len(by_id):
            raise BenchError(f"the Loro floor document holds {live} annotations and {len(value['articles'])} "
                             f"articles after import, expected {len(plan.annotations) - len(plan.deleted)} and "
                             f"{len(by_id)}")
    return snapshot, times


def newsdb_run(db: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    """Run `newsdb --db DB ARGS...`, which must exit 0; return wall-clock seconds and the process."""
    elapsed, proc = run_process([str(BINARY), "--db", str(db), *args])
    if proc.returncode != 0:
        raise BenchError(f"`newsdb {' '.join(args[:3])}` exited {proc.returncode}; stderr:\n{tail(proc.stderr)}")
    return elapsed, proc


# Run by run_alone(): spawns argv[1:] (stdout to /dev/null), reaps it with os.wait4, prints "seconds maxrss status
# cpu-seconds".
RUSAGE_HELPER = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                     file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""


def run_alone(argv: list[str]) -> tuple[float, int, int, str, float]:
    """Run argv (an absolute path first) from a small helper process that reaps it with os.wait4, so that the resource
    usage is its own; return (wall-clock seconds, peak RSS in bytes, exit status, standard error, CPU seconds: user
    and system, which a machine busy with other work stretches less than the wall clock). Not spawned from
    here: on Linux a child's peak RSS starts at its parent's at the fork (exec records the old address space's
    high-water mark), and this process holds hundreds of MB by now. The helper's own (~8 MB) is the least it reports."""
    _, proc = run_process([sys.executable, "-I", "-S", "-c", RUSAGE_HELPER, *argv])
    try:
        seconds, maxrss, status, cpu = proc.stdout.split()
    except ValueError:
        raise BenchError(f"the wait4 helper exited {proc.returncode}; stderr:\n{tail(proc.stderr)}") from None
    rss = int(maxrss) * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
    return float(seconds), rss, int(status), proc.stderr, float(cpu)


def newsdb_sync_import(db: Path, path: Path) -> tuple[float, int, float]:
    """Run `newsdb --db DB sync import FILE`; return wall-clock seconds, peak RSS in bytes and CPU seconds."""
    elapsed, rss, status, stderr, cpu = run_alone([str(BINARY), "--db", str(db), "sync", "import", str(path)])
    if status != 0:
        raise BenchError(f"`newsdb sync import {path.name}` exited {status}; stderr:\n{tail(stderr)}")
    return elapsed, rss, cpu


def checkpoint(db: Path) -> None:
    """Fold db's WAL, if any, into the main file, so that copy_db() can copy the file alone."""
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def make_replicas(ctx: Context, plan: SyncPlan) -> SyncReplicas:
    """Alice (`init --name alice`, the corpus copy, the plan's annotations, edits and deletions) and her full export;
    bob (`init --name bob`, the same corpus copy)."""
    folders = [ctx.source / category for category in CATEGORIES]
    alice, bob = ctx.fresh_db(REPLICA_A), ctx.fresh_db(REPLICA_B)
    for db, name in ((alice, REPLICA_A), (bob, REPLICA_B)):
        newsdb_run(db, "init", "--name", name)
        import_articles(db, folders, ctx.valid_files // COPIES, ctx.invalid_utf8 // COPIES)
    created = ctx.tmp / "sync-annotations.jsonl"
    write_jsonl(created, plan.annotations)
    newsdb_annotations_import(alice, created, len(plan.annotations))
    by_id = {a.id: a for a in plan.annotations}
    edits = ctx.tmp / "sync-edits.jsonl"
    edits.write_text("".join(json.dumps({"id": annotation_id, "article": by_id[annotation_id].article,
                                         "quote": by_id[annotation_id].quote, "note": note}, ensure_ascii=False) + "\n"
                             for annotation_id, note in plan.edits.items()), encoding="utf-8")
    newsdb_annotations_import(alice, edits, len(plan.edits), "updated")
    deletions = ctx.tmp / "sync-deletions.txt"
    deletions.write_text("".join(f"{annotation_id}\n" for annotation_id in plan.deleted), encoding="utf-8")
    _, proc = newsdb_run(alice, "annotations", "delete", "--from", str(deletions))
    if f"deleted {len(plan.deleted)} annotations" not in proc.stdout:
        raise BenchError(f"`newsdb annotations delete --from` printed no 'deleted {len(plan.deleted)} annotations'; "
                         f"stdout:\n{tail(proc.stdout)}")
    full = ctx.tmp / "full.json"
    export_s, _ = newsdb_run(alice, "sync", "export", "--out", str(full))
    if not full.is_file():
        raise BenchError(f"`newsdb sync export --out {full.name}` exited 0 but wrote no file")
    checkpoint(alice)
    checkpoint(bob)
    return SyncReplicas(alice, bob, full, export_s)


def annotation_state(db: Path) -> tuple[list[tuple], list[tuple]]:
    """Every annotation (id, note, color, whether deleted) and every tag row, in order."""
    with closing(sqlite3.connect(db)) as conn:
        annotations = conn.execute("SELECT id, note, color, deleted_at IS NOT NULL FROM annotations ORDER BY id")
        tags = conn.execute("SELECT annotation_id, tag FROM annotation_tags ORDER BY annotation_id, tag")
        return annotations.fetchall(), tags.fetchall()


def check_synced(source: Path, replica: Path) -> None:
    """Check that `replica` holds the annotations of `source` (notes, colors, tags, deletions), after a sync."""
    (want, want_tags), (got, got_tags) = annotation_state(source), annotation_state(replica)
    if got != want or got_tags != want_tags:
        differ = len(set(want) ^ set(got))
        raise BenchError(f"{replica.name} does not hold the annotations of {source.name} after `sync import`: "
                         f"{len(got)} annotations ({differ} rows differ), {len(got_tags)} tags; expected "
                         f"{len(want)} annotations, {len(want_tags)} tags")

# -------------------------------------------------------------------------------------------- workloads

def ratio_result(name: str, times: list[float], floor: float, target: str, max_ratio: float, details: dict) -> Result:
    """The result of a workload whose target is a ratio to its floor: the median of `times` against `floor`."""
    newsdb = statistics.median(times)
    ratio = newsdb / floor
    details.update(newsdb_s=newsdb, newsdb_runs_s=times, ratio=ratio)
    return Result(name, f"{newsdb:.2f} s", f"{floor:.2f} s", f"{ratio:.2f}x", target, ratio <= max_ratio, details)


def cpu_result(name: str, cpus: list[float], floor_cpus: list[float]) -> Result:
    """An informational row beside a ratio to the C floor: the same in CPU seconds (user and system, medians), which
    other work on the machine stretches less than the wall clock."""
    newsdb, floor = statistics.median(cpus), statistics.median(floor_cpus)
    return Result(name, f"{newsdb:.2f} s CPU", f"{floor:.2f} s CPU (C floor)", f"{newsdb / floor:.2f}x",
                  "informational", None, {"newsdb_cpu_runs_s": cpus, "floor_cpu_runs_s": floor_cpus})


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
    return ratio_result("import", times, floor, target, IMPORT_MAX_RATIO, details)


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


def interleaved_runs(commands: dict[str, tuple[list[str], dict | None]], runs: int,
                     expect: dict[str, str] | None = None) -> dict[str, list[float]]:
    """Run each command in turn (A B C A B C ...), SEARCH_WARMUPS rounds untimed, then `runs` rounds; every run must
    exit 0 (and print its `expect` text). Taking turns keeps a drift in the machine's speed out of the ratios."""
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for i in range(SEARCH_WARMUPS + runs):
        for label, (argv, env) in commands.items():
            elapsed, proc = run_process(argv, env)
            if proc.returncode != 0:
                raise BenchError(f"{label} exited {proc.returncode}; stderr:\n{tail(proc.stderr)}")
            wanted = (expect or {}).get(label)
            if wanted is not None and wanted not in proc.stdout:
                raise BenchError(f"{label} printed no {wanted!r}; stdout ends:\n{tail(proc.stdout)}")
            if i >= SEARCH_WARMUPS:
                samples[label].append(elapsed)
    return samples


ANNOTATION_COLUMNS = """a.id, a.article_id, a.revision, a.exact, a.prefix, a.suffix, a.start, a."end", a.anchor_revision,
    a.anchor_start, a.anchor_end, a.anchor_state, a.note, a.color, a.motivation, a.author, a.created_at, a.modified_at,
    a.deleted_at, (SELECT group_concat(t.tag, char(31)) FROM annotation_tags t WHERE t.annotation_id = a.id) AS tags"""
ANNOTATION_ORDER = "ORDER BY a.article_id, a.anchor_start IS NULL, a.anchor_start, a.created_at, a.id"


def startup_commands(db: Path, article: str, title: str) -> list[tuple[str, list[str], str, str | None]]:
    """(name, newsdb arguments, the SQL the sqlite3 shell runs for it, text newsdb must print): the same queries
    newsdb's Store makes for each command (Sources/Store/NewsDatabase+Search.swift, +Articles, +Annotations)."""
    search = ("SELECT a.id, a.title, a.source, a.published_at, snippet(articles_fts, -1, '[', ']', '…', 16), "
              "bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS rank FROM articles_fts JOIN articles a "
              f"ON a.seq = articles_fts.rowid WHERE articles_fts MATCH '{STARTUP_QUERY}' ORDER BY rank "
              f"LIMIT {STARTUP_LIMIT}")
    listing = ("SELECT id, title, byline, source, published_at, word_count, imported_at FROM articles "
               "ORDER BY imported_at DESC, seq DESC")
    show = ("SELECT id, title, dek, byline, source, url, published_at, body, word_count, imported_at, revision "
            f"FROM articles WHERE id = '{article}'; SELECT {ANNOTATION_COLUMNS} FROM annotations a "
            f"WHERE a.article_id = '{article}' AND a.deleted_at IS NULL {ANNOTATION_ORDER}")
    annotations = f"SELECT {ANNOTATION_COLUMNS} FROM annotations a WHERE a.deleted_at IS NULL {ANNOTATION_ORDER}"
    return [("search", ["search", STARTUP_QUERY, "--limit", str(STARTUP_LIMIT)], search, "Oil prices"),
            ("list", ["list"], listing, title),
            ("show", ["show", article[:12]], show, title),
            ("annotations", ["annotations"], annotations, article[:8])]


@workload("startup")
def startup_workload(ctx: Context) -> list[Result]:
    version_target = f"median < {VERSION_MAX_MEDIAN_MS:.0f} ms"
    ratio_target = f"<= {STARTUP_MAX_RATIO:g} x sqlite3"
    names = ["--version", "search", "list", "show", "annotations"]
    if ctx.floor_only:  # the database's annotations are imported by newsdb
        return [Result(f"startup {name}", "-", "-", "-", version_target if name == "--version" else ratio_target,
                       None) for name in names]
    sqlite_cli = shutil.which("sqlite3")
    if not sqlite_cli:
        raise BenchError("the startup workload needs the sqlite3 shell as its floor: apt-get install sqlite3")
    db = ctx.copy_db(ctx.imported_db(), "startup")
    with closing(sqlite3.connect(db)) as conn:
        articles = conn.execute(f"SELECT id, body FROM articles ORDER BY id LIMIT {STARTUP_ANNOTATED_ARTICLES}").fetchall()
    annotations = generate_annotations(articles, STARTUP_ANNOTATIONS, random.Random(SEED))
    path = ctx.tmp / "startup.jsonl"
    write_jsonl(path, annotations)
    newsdb_annotations_import(db, path, len(annotations))
    article = articles[0][0]
    with closing(sqlite3.connect(db)) as conn:
        title = conn.execute("SELECT title FROM articles WHERE id = ?", (article,)).fetchone()[0]
    env = dict(os.environ, NEWSDB_DB=str(db))
    binaries = {"newsdb": BINARY} | ({"baseline": ctx.baseline} if ctx.baseline else {})
    rows = [("--version", ["--version"], None, None)] + startup_commands(db, article, title)
    results = []
    for name, arguments, sql, expect in rows:
        commands = {label: ([str(binary), *arguments], env) for label, binary in binaries.items()}
        commands["sqlite3"] = ([sqlite_cli, "--version"] if sql is None else [sqlite_cli, str(db), sql], None)
        samples = interleaved_runs(commands, ctx.search_runs, {label: expect for label in binaries} if expect else None)
        medians = {label: statistics.median(times) * 1000 for label, times in samples.items()}
        median, p95 = (s * 1000 for s in median_p95(samples["newsdb"]))
        floor = medians["sqlite3"]
        ratio = median / floor
        details = {"command": f"newsdb {' '.join(arguments)}", "runs": ctx.search_runs, "median_ms": median,
                   "p95_ms": p95, "floor_median_ms": floor, "ratio": ratio}
        if "baseline" in medians:
            details.update(baseline_median_ms=medians["baseline"], baseline_ratio=medians["baseline"] / floor)
        if name == "--version":
            target, passed = version_target, median < VERSION_MAX_MEDIAN_MS
        else:
            target, passed = ratio_target, ratio <= STARTUP_MAX_RATIO
        results.append(Result(f"startup {name}", f"{median:.1f} ms (p95 {p95:.1f})", f"{floor:.1f} ms (sqlite3)",
                              f"{ratio:.2f}x", target, passed, details))
    results[0].details.update(articles=len(ctx.rows), annotations=len(annotations),
                              annotated_articles=len(articles), baseline=str(ctx.baseline) if ctx.baseline else None)
    return results


@workload("annotations-import")
def annotations_import_workload(ctx: Context) -> list[Result]:
    annotations = ctx.annotations()
    path = ctx.annotations_file()
    details = {"annotations": len(annotations), "articles": len({a.article for a in annotations}),
               "notes": sum(1 for a in annotations if a.note), "tag_rows": sum(len(a.tags) for a in annotations)}
    target = f"<= {ANNOTATIONS_IMPORT_MAX_RATIO:g} x C floor"
    if ctx.floor_only:  # the C floor inserts the rows newsdb wrote
        return [Result("annotations-import", "-", "-", "-", target, None, details)]
    times, cpus, floor_times, floor_cpus = [], [], [], []
    for run in range(ctx.runs):  # newsdb and the floor take turns, so that both see the machine as it is
        db = ctx.copy_db(ctx.one_copy_db(), "annotations")
        elapsed, cpu = newsdb_annotations_import(db, path, len(annotations))
        times.append(elapsed)
        cpus.append(cpu)
        if ctx._annotated_db is None:
            ctx._annotated_db = db  # reused by the reanchor workload
        else:
            remove_db(db)
        floor_s, floor_cpu = c_floor(ctx, ctx._annotated_db, ctx.one_copy_db(), check=run == 0)
        floor_times.append(floor_s)
        floor_cpus.append(floor_cpu)
    floor = statistics.median(floor_times)
    details.update(floor_s=floor, floor_runs_s=floor_times)
    if ctx.breakdown:
        details.update(floor_breakdown_cpu_s=floor_breakdown(ctx, ctx._annotated_db, ctx.one_copy_db()))
    return [ratio_result("annotations-import", times, floor, target, ANNOTATIONS_IMPORT_MAX_RATIO, details),
            cpu_result("annotations-import", cpus, floor_cpus)]


def show_annotations(article_id: str, body: str, count: int, rng: random.Random) -> list[Annotation]:
    """`count` annotations on one article quoting 2-6 words, each from a different starting word: unique quotes,
    then (only if there are too few of those) repeated ones picked with `occurrence`."""
    unique, repeated = [], []
    for start, end, occurrence in quote_spans(body, rng, 2, 6):
        (unique if occurrence is None else repeated).append(Annotation(article_id, body, start, end,
                                                                       occurrence=occurrence))
        if len(unique) == count:
            break
    chosen = (unique + repeated)[:count]
    if len(chosen) < count:
        raise BenchError(f"article {article_id[:12]} has only {len(chosen)} word positions, {count} wanted")
    return [decorate(annotation, n, rng) for n, annotation in enumerate(chosen)]


@workload("show-500")
def show_workload(ctx: Context) -> Result:
    target = f"median < {SHOW_MAX_MEDIAN_MS:.0f} ms"
    if ctx.floor_only:  # both the measurement and its floor need newsdb
        return Result("show-500", "-", "-", "-", target, None)
    db = ctx.copy_db(ctx.one_copy_db(), "show")
    with closing(sqlite3.connect(db)) as conn:
        article_id, body, words = conn.execute(
            "SELECT id, body, word_count FROM articles ORDER BY word_count DESC, id LIMIT 1").fetchone()
    annotations = show_annotations(article_id, body, SHOW_ANNOTATIONS, random.Random(SEED))
    path = ctx.tmp / "show.jsonl"
    write_jsonl(path, annotations)
    newsdb_annotations_import(db, path, len(annotations))
    floor_samples = timed_runs([str(BINARY), "--version"], None, ctx.search_runs, "newsdb --version")
    samples = timed_runs([str(BINARY), "show", article_id[:12]], dict(os.environ, NEWSDB_DB=str(db)),
                         ctx.search_runs, "newsdb show", expect="[1]")
    floor_ms = statistics.median(floor_samples) * 1000
    median, p95 = (s * 1000 for s in median_p95(samples))
    details = {"article": article_id, "words": words, "annotations": len(annotations),
               "by_occurrence": sum(1 for a in annotations if a.occurrence is not None),
               "notes": sum(1 for a in annotations if a.note), "runs": ctx.search_runs,
               "median_ms": median, "p95_ms": p95, "floor_median_ms": floor_ms}
    return Result("show-500", f"{median:.1f} ms (p95 {p95:.1f})", f"{floor_ms:.1f} ms", f"{median / floor_ms:.2f}x",
                  target, median < SHOW_MAX_MEDIAN_MS, details)


def reanchor_trace(stderr: str) -> list[tuple[int, str]]:
    """(microseconds, state) of every "re-anchored annotation" line of newsdb's trace log."""
    found = []
    for line in stderr.splitlines():
        if "re-anchored annotation" in line:
            micro, state = re.search(r"\bmicroseconds=(\d+)", line), re.search(r"\bstate=(\w+)", line)
            if not micro or not state:
                raise BenchError(f"unexpected trace line (no microseconds= or state=):\n{line}")
            found.append((int(micro[1]), state[1]))
    return found


@workload("reanchor")
def reanchor_workload(ctx: Context) -> Result:
    target = f"p99 < {REANCHOR_MAX_P99_MS:g} ms"
    if ctx.floor_only:  # no floor: the measurement is newsdb's own
        return Result("reanchor", "-", "-", "-", target, None)
    db = ctx.annotated_db()
    rng = random.Random(SEED)
    with closing(sqlite3.connect(db)) as conn:
        live = dict(conn.execute("SELECT article_id, count(*) FROM annotations WHERE deleted_at IS NULL "
                                 "GROUP BY article_id ORDER BY article_id"))
        chosen = rng.sample(sorted(live), REANCHOR_ARTICLES)
        articles = [conn.execute("SELECT id, title, body FROM articles WHERE id = ?", (article_id,)).fetchone()
                    for article_id in chosen]
    folder = ctx.tmp / "revisions"
    folder.mkdir(exist_ok=True)
    env = dict(os.environ, NEWSDB_DB=str(db), NEWSDB_LOG="trace")
    micros, states, process_times, mismatches = [], {}, [], []
    for article_id, title, body in articles:
        path = folder / f"{article_id[:12]}.txt"
        path.write_text(revise_text(title, body, rng), encoding="utf-8")
        elapsed, proc = run_process([str(BINARY), "import", "--revision-of", article_id, str(path)], env)
        if proc.returncode != 0 or "revised 1" not in proc.stdout:
            raise BenchError(f"`newsdb import --revision-of {article_id[:12]}` exited {proc.returncode}, expected 0 "
                             f"and 'revised 1'; stdout:\n{tail(proc.stdout)}\nstderr:\n{tail(proc.stderr)}")
        trace = reanchor_trace(proc.stderr)
        if len(trace) != live[article_id]:
            mismatches.append(f"{article_id[:12]}: {len(trace)} trace lines for {live[article_id]} annotations")
        process_times.append(elapsed)
        for micro, state in trace:
            micros.append(micro)
            states[state] = states.get(state, 0) + 1
    if not micros:
        raise BenchError("newsdb printed no 're-anchored annotation' trace lines with NEWSDB_LOG=trace")
    p50, p99, worst = (percentile(micros, q) / 1000 for q in (0.5, 0.99, 1.0))
    details = {"articles": len(articles), "annotations": len(micros), "p50_ms": p50, "p99_ms": p99, "max_ms": worst,
               "states": {s: states.get(s, 0) for s in (*ANCHOR_STATES, *sorted(set(states) - set(ANCHOR_STATES)))},
               "import_median_ms": statistics.median(process_times) * 1000, "count_mismatches": mismatches}
    return Result("reanchor", f"p99 {p99:.2f} ms (p50 {p50:.2f}, max {worst:.2f})", "-", "-", target,
                  p99 < REANCHOR_MAX_P99_MS, details)


@workload("sync-import")
def sync_import_workload(ctx: Context) -> list[Result]:
    plan = ctx.sync_plan()
    update, yjs_times, yjs_encode = yjs_floor(plan, ctx.runs)
    yjs = min(yjs_times)
    details = {"annotations": len(plan.annotations), "edits": len(plan.edits), "deletes": len(plan.deleted),
               "yjs_apply_s": yjs, "yjs_apply_runs_s": yjs_times, "yjs_encode_s": yjs_encode,
               "yjs_update_bytes": len(update)}
    targets = (f"<= {SYNC_MAX_FLOOR_RATIO:g} x C floor", "< Yjs apply", "file <= Yjs update",
               f"peak RSS < {SYNC_MAX_RSS_RATIO:g} x file")
    yjs_text, update_text = f"{yjs:.2f} s (Yjs)", f"{len(update) / 1e6:.1f} MB (Yjs)"
    if ctx.floor_only:  # the C floor inserts the rows newsdb wrote
        return [Result("sync-import", "-", "-", "-", targets[0], None, details),
                Result("sync-import", "-", yjs_text, "-", targets[1], None),
                Result("sync-import", "-", update_text, "-", targets[2], None),
                Result("sync-import", "-", "-", "-", targets[3], None)]
    replicas = ctx.sync_replicas()
    times, cpus, peaks, floor_times, floor_cpus = [], [], [], [], []
    for run in range(ctx.runs):  # newsdb and the floor take turns, so that both see the machine as it is
        db = ctx.copy_db(replicas.bob, "sync-bob")
        elapsed, rss, cpu = newsdb_sync_import(db, replicas.full)
        times.append(elapsed)
        cpus.append(cpu)
        peaks.append(rss)
        if ctx._synced_bob is None:
            check_synced(replicas.alice, db)  # untimed
            ctx._synced_bob = db  # reused by the sync-delta workload
        else:
            remove_db(db)
        floor_s, floor_cpu = c_floor(ctx, ctx._synced_bob, replicas.bob, check=run == 0)
        floor_times.append(floor_s)
        floor_cpus.append(floor_cpu)
    floor = statistics.median(floor_times)
    size, peak = replicas.full.stat().st_size, max(peaks)
    details.update(export_s=replicas.export_s, file_bytes=size, peak_rss_bytes=peak, peak_rss_runs_bytes=peaks,
                   floor_s=floor, floor_runs_s=floor_times)
    if ctx.breakdown:
        details.update(floor_breakdown_cpu_s=floor_breakdown(ctx, ctx._synced_bob, replicas.bob))
    newsdb = statistics.median(times)
    return [ratio_result("sync-import", times, floor, targets[0], SYNC_MAX_FLOOR_RATIO, details),
            cpu_result("sync-import", cpus, floor_cpus),
            Result("sync-import", f"{newsdb:.2f} s", yjs_text, f"{newsdb / yjs:.2f}x", targets[1], newsdb < yjs),
            Result("sync-import", f"{size / 1e6:.1f} MB file", update_text, f"{size / len(update):.2f}x", targets[2],
                   size <= len(update)),
            Result("sync-import", f"{peak / 1e6:.1f} MB RSS", f"{size / 1e6:.1f} MB (file)", f"{peak / size:.2f}x",
                   targets[3], peak < SYNC_MAX_RSS_RATIO * size)]


@workload("sync-delta")
def sync_delta_workload(ctx: Context) -> list[Result]:
    targets = (f"median < {DELTA_MAX_MEDIAN_MS:.0f} ms", f"< {DELTA_MAX_BYTES / 1000:g} KB")
    if ctx.floor_only:  # the measurements and their floor all need newsdb
        return [Result("sync-delta", "-", "-", "-", target, None) for target in (targets[0], targets[0], targets[1])]
    replicas, plan = ctx.sync_replicas(), ctx.sync_plan()
    synced = ctx.synced_bob()
    checkpoint(synced)
    alice, bob = ctx.copy_db(replicas.alice, "delta-alice"), ctx.copy_db(synced, "delta-bob")
    back = ctx.tmp / "b.json"  # untimed setup: alice learns what bob has
    newsdb_run(bob, "sync", "export", "--for", REPLICA_A, "--out", str(back))
    newsdb_run(alice, "sync", "import", str(back))
    rng = random.Random(SEED)
    deleted = set(plan.deleted)
    live = [a.id for a in plan.annotations if a.id not in deleted]
    notes = {annotation_id: f"Delta edit {n}: {rng.choice(NOTES)}"
             for n, annotation_id in enumerate(rng.sample(live, DELTA_EDITS), 1)}
    for annotation_id, note in notes.items():
        newsdb_run(alice, "annotations", "edit", annotation_id, "--note", note)
    checkpoint(bob)
    delta = ctx.tmp / "delta.json"
    export_samples = timed_runs([str(BINARY), "--db", str(alice), "sync", "export", "--for", REPLICA_B, "--out",
                                 str(delta)], None, ctx.search_runs, "newsdb sync export --for")
    size = delta.stat().st_size
    import_samples = []
    for i in range(SEARCH_WARMUPS + ctx.search_runs):  # each run on a fresh copy of bob
        db = ctx.copy_db(bob, "delta-bob")
        elapsed, _, _ = newsdb_sync_import(db, delta)
        if i == 0:  # untimed check
            with closing(sqlite3.connect(db)) as conn:
                got = dict(conn.execute(f"SELECT id, note FROM annotations WHERE id IN ({', '.join('?' * len(notes))})",
                                        list(notes)))
            if got != notes:
                raise BenchError(f"bob holds {sum(got.get(k) == v for k, v in notes.items())} of alice's "
                                 f"{len(notes)} edited notes after `sync import {delta.name}`")
        remove_db(db)
        if i >= SEARCH_WARMUPS:
            import_samples.append(elapsed)
    floor_samples = timed_runs([str(BINARY), "--version"], None, ctx.search_runs, "newsdb --version")
    floor_ms = statistics.median(floor_samples) * 1000
    details = {"edits": DELTA_EDITS, "runs": ctx.search_runs, "delta_bytes": size, "back_bytes": back.stat().st_size,
               "floor_median_ms": floor_ms}
    results = []
    for label, samples in (("export", export_samples), ("import", import_samples)):
        median, p95 = (s * 1000 for s in median_p95(samples))
        details.update({f"{label}_median_ms": median, f"{label}_p95_ms": p95})
        results.append(Result("sync-delta", f"{label} {median:.1f} ms (p95 {p95:.1f})", f"{floor_ms:.1f} ms",
                              f"{median / floor_ms:.2f}x", targets[0], median < DELTA_MAX_MEDIAN_MS))
    results[0].details = details
    return [*results, Result("sync-delta", f"{size / 1000:.1f} KB delta", "-", "-", targets[1],
                             size < DELTA_MAX_BYTES)]

class Server:
    """`newsdb serve --port 0` on a database, its request log in a file; stopped with SIGTERM."""

    def __init__(self, db: Path, log: Path):
        self.log = log
        self.handle = open(log, "w")
        self.proc = subprocess.Popen([str(BINARY), "--db", str(db), "serve", "--port", "0"],
                                     stdout=subprocess.DEVNULL, stderr=self.handle)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(r"on http://127\.0\.0\.1:(\d+)", log.read_text(encoding="utf-8", errors="replace"))
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise BenchError(f"`newsdb serve` did not start; its log:\n{tail(log.read_text(errors='replace'))}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.handle.close()


def wrk_rps(url: str, token: str, body: str, script: Path, seconds: int = HTTP_WRK_SECONDS) -> tuple[float, str]:
    """Requests per second of wrk POSTing `body` to `url` (2 threads); and wrk's report."""
    script.write_text("wrk.method = 'POST'\n"
                      f"wrk.body = {json.dumps(body)}\n"
                      "wrk.headers['Content-Type'] = 'application/json'\n"
                      f"wrk.headers['Authorization'] = 'Bearer {token}'\n", encoding="utf-8")
    proc = subprocess.run(["wrk", "-t2", f"-c{HTTP_WRK_CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url],
                          capture_output=True, text=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", proc.stdout)
    if proc.returncode != 0 or not found:
        raise BenchError(f"wrk exited {proc.returncode}; output:\n{tail(proc.stdout + proc.stderr)}")
    if "Non-2xx" in proc.stdout or "Socket errors" in proc.stdout:
        raise BenchError(f"wrk saw failed requests:\n{tail(proc.stdout, 12)}")
    return float(found.group(1)), proc.stdout


@workload("http-sync")
def http_sync_workload(ctx: Context) -> list[Result]:
    targets = (f"<= {HTTP_MAX_FILE_RATIO:g} x file export + import", f"median < {HTTP_DELTA_MAX_MEDIAN_MS:.0f} ms",
               f">= {HTTP_MIN_RPS:.0f} req/s")
    if ctx.floor_only:  # the measurements and their floors all need newsdb
        return [Result("http-sync", "-", "-", "-", target, None) for target in targets]
    if not shutil.which("wrk"):
        raise BenchError("the http-sync workload needs wrk (apt-get install wrk)")
    replicas = ctx.sync_replicas()
    file_times, times = [], []
    alice = bob = server = token = None
    for run in range(ctx.runs):
        # The floor, in the same run: alice's full export to a file, and bob's import of it.
        source, target = ctx.copy_db(replicas.alice, "file-alice"), ctx.copy_db(replicas.bob, "file-bob")
        full = ctx.tmp / "http-floor.json"
        export_s, _ = newsdb_run(source, "sync", "export", "--out", str(full))
        import_s, _, _ = newsdb_sync_import(target, full)
        file_times.append(export_s + import_s)
        for db in (source, target):
            remove_db(db)
        full.unlink()
        # newsdb over loopback: bob pulls everything from alice's server (and pushes his own article versions).
        alice, bob = ctx.copy_db(replicas.alice, "http-alice"), ctx.copy_db(replicas.bob, "http-bob")
        _, proc = newsdb_run(alice, "tokens", "create", REPLICA_B)
        token = proc.stdout.strip()
        server = Server(alice, ctx.tmp / f"serve-{run}.log")
        elapsed, rss, status, stderr, _ = run_alone([str(BINARY), "--db", str(bob), "sync", server.url, "--token",
                                                     token])
        if status != 0:
            server.stop()
            raise BenchError(f"`newsdb sync URL` exited {status}; stderr:\n{tail(stderr)}")
        times.append(elapsed)
        if run == 0:
            check_synced(alice, bob)  # untimed
        if run < ctx.runs - 1:
            server.stop()
            remove_db(alice)
            remove_db(bob)
    file_floor = statistics.median(file_times)
    details = {"file_runs_s": file_times, "pull_runs_s": times}
    results = [ratio_result("http-sync", times, file_floor, targets[0], HTTP_MAX_FILE_RATIO, details)]
    try:
        # Ten notes edited on alice (untimed, with the server running), then bob's whole `newsdb sync`.
        plan, rng = ctx.sync_plan(), random.Random(SEED)
        deleted = set(plan.deleted)
        live = [a.id for a in plan.annotations if a.id not in deleted]
        samples = []
        for i in range(SEARCH_WARMUPS + ctx.search_runs):
            for n, annotation_id in enumerate(rng.sample(live, DELTA_EDITS)):
                newsdb_run(alice, "annotations", "edit", annotation_id, "--note", f"HTTP delta {i}.{n}")
            elapsed, proc = newsdb_run(bob, "sync", server.url, "--token", token)
            if f"pulled {DELTA_EDITS} changes" not in proc.stdout:
                raise BenchError(f"`newsdb sync` after {DELTA_EDITS} edits printed:\n{tail(proc.stdout)}")
            if i >= SEARCH_WARMUPS:
                samples.append(elapsed)
        floor_samples = timed_runs([str(BINARY), "--version"], None, ctx.search_runs, "newsdb --version")
        floor_ms = statistics.median(floor_samples) * 1000
        median, p95 = (s * 1000 for s in median_p95(samples))
        details.update(delta_median_ms=median, delta_p95_ms=p95, version_floor_ms=floor_ms)
        results.append(Result("http-sync", f"10 notes {median:.1f} ms (p95 {p95:.1f})", f"{floor_ms:.1f} ms",
                              f"{median / floor_ms:.2f}x", targets[1], median < HTTP_DELTA_MAX_MEDIAN_MS))
        # An up-to-date peer's pull, as fast as wrk sends it: the server answers with an empty page.
        with urllib_request(server.url + "/v1/sync", token) as info:
            knowledge = json.load(info)["knowledge"]
        rps, report = wrk_rps(server.url + "/v1/sync/pull", token, json.dumps({"knowledge": knowledge}),
                              ctx.tmp / "pull.lua")
        details.update(wrk_report=report)
        results.append(Result("http-sync", f"{rps:.0f} req/s", "-", "-", targets[2], rps >= HTTP_MIN_RPS))
    finally:
        server.stop()
    return results


@workload("http-busy")
def http_busy_workload(ctx: Context) -> Result:
    target = "informational"
    if ctx.floor_only:
        return Result("http-busy", "-", "-", "-", target, None)
    if not shutil.which("wrk"):
        raise BenchError("the http-busy workload needs wrk (apt-get install wrk)")
    replicas = ctx.sync_replicas()

    def push_setup(tag: str) -> tuple[Path, Path, "Server", str]:
        server_db, pusher = ctx.copy_db(replicas.bob, f"busy-bob-{tag}"), ctx.copy_db(replicas.alice, f"busy-alice-{tag}")
        _, proc = newsdb_run(server_db, "tokens", "create", REPLICA_A)
        return server_db, pusher, Server(server_db, ctx.tmp / f"busy-{tag}.log"), proc.stdout.strip()

    # Untimed: a first push, to learn what the server holds once it has everything (an up-to-date peer's knowledge).
    server_db, pusher, server, token = push_setup("probe")
    try:
        _, proc = newsdb_run(pusher, "sync", server.url, "--token", token)
        if proc.returncode != 0:
            raise BenchError(f"`newsdb sync URL` (push) exited {proc.returncode}: {tail(proc.stderr)}")
        with urllib_request(server.url + "/v1/sync", token) as info:
            body = json.dumps({"knowledge": json.load(info)["knowledge"]})
        idle_rps, idle_report = wrk_rps(server.url + "/v1/sync/pull", token, body, ctx.tmp / "busy-idle.lua",
                                        seconds=HTTP_BUSY_WRK_SECONDS)
    finally:
        server.stop()
    for db in (server_db, pusher):
        remove_db(db)
    # Timed: the same wrk while the whole history is pushed to a fresh copy of bob.
    server_db, pusher, server, token = push_setup("timed")
    try:
        push = subprocess.Popen([str(BINARY), "--db", str(pusher), "sync", server.url, "--token", token],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)  # the pull of bob's article versions comes first; the push pages follow
        busy_rps, busy_report = wrk_rps(server.url + "/v1/sync/pull", token, body, ctx.tmp / "busy.lua",
                                        seconds=HTTP_BUSY_WRK_SECONDS)
        pushing = push.poll() is None
        _, stderr = push.communicate(timeout=600)
        if push.returncode != 0:
            raise BenchError(f"`newsdb sync URL` (push) exited {push.returncode}: {tail(stderr)}")
        if not pushing:
            raise BenchError("the push ended before wrk did: the busy figure would be partly idle")
    finally:
        server.stop()
    details = {"idle_rps": idle_rps, "busy_rps": busy_rps, "idle_wrk": idle_report, "busy_wrk": busy_report}
    return Result("http-busy", f"{busy_rps:.0f} req/s during a push", f"{idle_rps:.0f} req/s idle",
                  f"{busy_rps / idle_rps:.2f}x", target, None, details)


def newsdb_clone(source: str, target: Path, *extra: str) -> tuple[float, int]:
    """Run `newsdb --db TARGET clone SOURCE --name carol EXTRA...`; return wall-clock seconds and peak RSS in bytes."""
    argv = [str(BINARY), "--db", str(target), "clone", source, "--name", REPLICA_C, *extra]
    elapsed, rss, status, stderr, _ = run_alone(argv)
    if status != 0:
        raise BenchError(f"`newsdb clone {source}` exited {status}; stderr:\n{tail(stderr)}")
    return elapsed, rss


@workload("clone")
def clone_workload(ctx: Context) -> list[Result]:
    """`newsdb clone FILE` of alice's snapshot, whole process, against Yjs applying the same state (annotations and
    article texts) and Loro importing and reading it, in the same run; then `newsdb clone URL` from `newsdb serve`."""
    plan = ctx.sync_plan()
    targets = (f"<= {CLONE_MAX_YJS_RATIO:.2g} x Yjs apply", "< Loro import", "snapshot <= Yjs update",
               f"peak RSS < {CLONE_MAX_RSS_RATIO:g} x snapshot", f"URL <= {CLONE_URL_MAX_RATIO:g} x FILE")
    source = ctx.one_copy_db() if ctx.floor_only else ctx.sync_replicas().alice
    articles = article_state(source)
    update, yjs_times, _ = yjs_floor(plan, ctx.runs, articles)
    loro_snapshot, loro_times = loro_floor(plan, articles, ctx.runs)
    yjs, loro = min(yjs_times), min(loro_times)
    details = {"annotations": len(plan.annotations), "article_versions": len(articles), "yjs_apply_s": yjs,
               "yjs_apply_runs_s": yjs_times, "yjs_update_bytes": len(update), "loro_import_s": loro,
               "loro_import_runs_s": loro_times, "loro_snapshot_bytes": len(loro_snapshot)}
    yjs_text, loro_text = f"{yjs:.2f} s (Yjs)", f"{loro:.2f} s (Loro)"
    if ctx.floor_only:
        return [Result("clone", "-", yjs_text, "-", targets[0], None, details),
                Result("clone", "-", loro_text, "-", targets[1], None),
                Result("clone", "-", f"{len(update) / 1e6:.1f} MB (Yjs)", "-", targets[2], None),
                *[Result("clone", "-", "-", "-", target, None) for target in targets[3:]]]
    replicas = ctx.sync_replicas()
    snapshot = ctx.tmp / f"alice-{ctx.shape}.snapshot"
    export_s, _ = newsdb_run(replicas.alice, "sync", "export", "--snapshot", "--out", str(snapshot))
    size = snapshot.stat().st_size
    times, peaks = [], []
    for run in range(ctx.runs):
        target = ctx.fresh_db("clone")
        elapsed, rss = newsdb_clone(str(snapshot), target)
        times.append(elapsed)
        peaks.append(rss)
        if run == 0:
            check_synced(replicas.alice, target)  # untimed
        remove_db(target)
    # Over loopback, from `newsdb serve` on a copy of alice: the first clone has the server seal a snapshot, the
    # others get it again (alice is unchanged); the median is of all runs, the first one is in the details.
    served = ctx.copy_db(replicas.alice, "clone-alice")
    _, proc = newsdb_run(served, "tokens", "create", REPLICA_C)
    server = Server(served, ctx.tmp / f"clone-serve-{ctx.shape}.log")
    url_times = []
    try:
        for run in range(ctx.runs):
            target = ctx.fresh_db("clone-url")
            elapsed, _ = newsdb_clone(server.url, target, "--token", proc.stdout.strip())
            url_times.append(elapsed)
            if run == 0:
                check_synced(replicas.alice, target)  # untimed
            remove_db(target)
    finally:
        server.stop()
    newsdb, by_url, peak = statistics.median(times), statistics.median(url_times), max(peaks)
    details.update(export_s=export_s, snapshot_bytes=size, clone_runs_s=times, peak_rss_bytes=peak,
                   peak_rss_runs_bytes=peaks, url_runs_s=url_times)
    newsdb_text = f"{newsdb:.2f} s"
    return [Result("clone", newsdb_text, yjs_text, f"{newsdb / yjs:.2f}x", targets[0],
                   newsdb <= CLONE_MAX_YJS_RATIO * yjs, details),
            Result("clone", newsdb_text, loro_text, f"{newsdb / loro:.2f}x", targets[1], newsdb < loro),
            Result("clone", f"{size / 1e6:.1f} MB snapshot", f"{len(update) / 1e6:.1f} MB (Yjs)",
                   f"{size / len(update):.2f}x", targets[2], size <= len(update)),
            Result("clone", f"{peak / 1e6:.1f} MB RSS", f"{size / 1e6:.1f} MB (snapshot)", f"{peak / size:.2f}x",
                   targets[3], peak < CLONE_MAX_RSS_RATIO * size),
            Result("clone", f"{by_url:.2f} s URL", f"{newsdb:.2f} s (FILE)", f"{by_url / newsdb:.2f}x", targets[4],
                   by_url <= CLONE_URL_MAX_RATIO * newsdb)]


def urllib_request(url: str, token: str):
    import urllib.request
    return urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"}), timeout=30)

@workload("html-import")
def html_import_workload(ctx: Context) -> list[Result]:
    if not ctx.html_corpus.is_dir():
        raise BenchError(f"the html-import workload needs the saved pages at {ctx.html_corpus} (--html-corpus)")
    pages = html_pages.load_pages(ctx.html_corpus)
    folder = ctx.tmp / "html-pages"
    folder.mkdir(exist_ok=True)
    listing = ctx.tmp / "html-pages.txt"
    with listing.open("w", encoding="utf-8") as out:
        for page in pages:
            copy = folder / f"{page.name}.html"
            shutil.copyfile(page.source, copy)
            out.write(f"{page.name}\t{copy}\n")

    peers: dict[str, tuple[html_pages.Scores, float]] = {}
    for peer in ("trafilatura", "readability-lxml"):
        output = ctx.tmp / f"html-{peer}.json"
        elapsed, proc = run_process([sys.executable, "-c", html_pages.PEER_SCRIPT, peer, str(listing), str(output)])
        if proc.returncode != 0:
            raise BenchError(f"{peer} failed (pip install trafilatura readability-lxml):\n{tail(proc.stderr)}")
        peers[peer] = (html_pages.score(pages, html_pages.read_peer_output(output)), elapsed)
    details = {"pages": len(pages), **{f"{name}_s": round(t, 3) for name, (_, t) in peers.items()},
               **{f"{name}_skipped": sc.skipped for name, (sc, _) in peers.items()}}
    figures = [("title", "title exact"), ("byline", "byline"), ("f1_mean", "body F1 mean"),
               ("f1_p10", "body F1 p10")]
    if ctx.floor_only:
        return [Result("html-import", "-", f"{max(getattr(sc, key) for sc, _ in peers.values()):.3f}", "-",
                       f"{label} >= better peer", None, details) for key, label in figures]

    times, extracted = [], {}
    for _ in range(ctx.runs):
        db = ctx.fresh_db("html")
        elapsed, proc = run_process([str(BINARY), "--db", str(db), "import", "--json", str(folder)])
        if proc.returncode not in (0, 1):  # 1: some pages had no article, each reported
            raise BenchError(f"`newsdb import` of the pages exited {proc.returncode}:\n{tail(proc.stderr)}")
        times.append(elapsed)
        report = json.loads(proc.stdout)
        with closing(sqlite3.connect(db)) as conn:
            rows = {row[0]: row[1:] for row in conn.execute("SELECT id, title, byline, body FROM articles")}
        extracted = {}
        for article in report["articles"]:
            title, byline, body = rows[article["id"]]
            extracted[Path(article["file"]).stem] = html_pages.Extracted(title, byline or "", body)
        remove_db(db)
    mine = html_pages.score(pages, extracted)
    details.update(newsdb_skipped=mine.skipped, runs=ctx.runs)
    results = []
    for key, label in figures:
        best_name, (best, _) = max(peers.items(), key=lambda item: getattr(item[1][0], key))
        value, floor = getattr(mine, key), getattr(best, key)
        results.append(Result("html-import", f"{label} {value:.3f}", f"{floor:.3f} ({best_name})",
                              f"{value - floor:+.3f}", f"{label} >= better peer", value >= floor, details))
    newsdb_s, peer_s = statistics.median(times), peers["trafilatura"][1]
    results.append(Result("html-import", f"{newsdb_s:.2f} s import", f"{peer_s:.2f} s (trafilatura)",
                          f"{newsdb_s / peer_s:.3f}x", f"<= {HTML_MAX_TIME_RATIO} x trafilatura",
                          newsdb_s <= HTML_MAX_TIME_RATIO * peer_s, details))
    return results


# ------------------------------------------------------------------------------------------------ main

READER_ANNOTATIONS = 500
READER_CREATIONS = 200
READER_QUERIES = ("prime minister", "oil prices", "election", "mobile phone", "film festival")
READER_ARTICLE_MAX_MS = 300.0
READER_LIBRARY_MAX_MS = 200.0
READER_SEARCH_MAX_MS = 50.0
READER_CREATE_MAX_P99_MS = 20.0
READER_ASSETS_MAX_BYTES = 100_000


@workload("reader")
def reader_workload(ctx: Context) -> list[Result]:
    targets = {"article": f"median < {READER_ARTICLE_MAX_MS:.0f} ms", "library": f"median < {READER_LIBRARY_MAX_MS:.0f} ms",
               "search": f"median < {READER_SEARCH_MAX_MS:.0f} ms", "create": f"p99 < {READER_CREATE_MAX_P99_MS:.0f} ms",
               "assets": f"< {READER_ASSETS_MAX_BYTES // 1000} KB"}
    if ctx.floor_only:  # the page needs newsdb
        return [Result(f"reader {name}", "-", "-", "-", target, None) for name, target in targets.items()]
    db = ctx.copy_db(ctx.imported_db(), "reader")
    with closing(sqlite3.connect(db)) as conn:
        article_id, body, words = conn.execute(
            "SELECT id, body, word_count FROM articles ORDER BY word_count DESC, id LIMIT 1").fetchone()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    annotations = generate_realistic_annotations([(article_id, body)], READER_ANNOTATIONS, random.Random(SEED))
    path = ctx.tmp / "reader.jsonl"
    write_jsonl(path, annotations)
    newsdb_annotations_import(db, path, len(annotations))
    # The creations highlight passages already annotated again, in another color: selectors the page would send.
    drafts = [{"quote": a.quote, "prefix": a.prefix, "suffix": a.suffix, "start": a.start, "end": a.end,
               "color": COLORS[n % len(COLORS)]}
              for n, a in enumerate((annotations * 2)[:READER_CREATIONS])]
    try:
        figures = reader_bench.measure_in_child(BINARY, db, ctx.tmp, article_id, drafts, list(READER_QUERIES),
                                                ctx.runs * 3, len(annotations))
    except reader_bench.ReaderError as error:
        raise BenchError(f"reader: {error}") from error
    # The search's floor: the sqlite3 shell running the library's FTS5 query for each typed search.
    floor_search = []
    cli = shutil.which("sqlite3")
    for query in READER_QUERIES if cli else ():
        sql = ("SELECT a.seq FROM articles a JOIN (SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS rank "
               f"FROM articles_fts WHERE articles_fts MATCH '{query}') m ON m.rowid = a.seq ORDER BY m.rank LIMIT 50;")
        start = time.perf_counter()
        subprocess.run([cli, str(db), sql], capture_output=True, check=True)
        floor_search.append((time.perf_counter() - start) * 1000)
    article_med = statistics.median(figures["article_ms"])
    api_med = statistics.median(figures["article_api_ms"])
    library_med = statistics.median(figures["library_ms"])
    published_med = statistics.median(figures["library_published_ms"])
    search_med, search_p95, _ = reader_bench.summary(figures["search_ms"])
    create_med, _, create_p99 = reader_bench.summary(figures["create_ms"])
    version_p99 = reader_bench.percentile(figures["version_ms"], 0.99)
    asset_bytes = sum(figures["assets"].values())
    floor_search_med = statistics.median(floor_search) if floor_search else None
    details = {"article": article_id, "words": words, "articles": articles, "annotations": len(annotations),
               "notes": sum(1 for a in annotations if a.note)} | figures
    return [
        Result("reader article", f"{article_med:.0f} ms", f"{api_med:.0f} ms API", f"{article_med / api_med:.1f}x",
               targets["article"], article_med < READER_ARTICLE_MAX_MS, details),
        Result("reader library", f"{library_med:.0f} ms (by published {published_med:.0f})", "-", "-",
               targets["library"], library_med < READER_LIBRARY_MAX_MS, {}),
        Result("reader search", f"{search_med:.1f} ms (p95 {search_p95:.1f})",
               f"{floor_search_med:.1f} ms sqlite3" if floor_search_med else "-",
               f"{search_med / floor_search_med:.1f}x" if floor_search_med else "-",
               targets["search"], search_med < READER_SEARCH_MAX_MS, {}),
        Result("reader create", f"p99 {create_p99:.1f} ms (median {create_med:.1f})", f"p99 {version_p99:.1f} ms GET",
               f"{create_p99 / version_p99:.1f}x", targets["create"], create_p99 < READER_CREATE_MAX_P99_MS, {}),
        Result("reader assets", f"{asset_bytes / 1000:.1f} KB ({len(figures['assets'])} files)", "-", "-",
               targets["assets"], asset_bytes < READER_ASSETS_MAX_BYTES, {}),
    ]


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
        base, shape = (r.workload.split(" (", 1) + [""])[:2]
        r = replace(r, workload=base)
        if shape and r.details and base in ("annotations-import", "sync-import", "sync-delta", "clone"):
            print(f"\n({shape.rstrip(')')} shape)", end=" ")
        if r.workload == "import":
            d = r.details
            print(f"\nimport floor: {d['floor_variant']} variant (per-row FTS insert {d['floor_per-row_s']:.2f} s, "
                  f"insert then rebuild {d['floor_rebuild_s']:.2f} s), {d['floor_rows']} distinct rows")
        elif r.workload == "search":
            print(f"search query: \"{r.details['query']}\", {r.details['runs']} runs after {SEARCH_WARMUPS} warm-ups")
        elif r.workload == "startup --version" and r.details:
            d = r.details
            print(f"startup: {d['runs']} interleaved runs after {SEARCH_WARMUPS} warm-ups, on the search database "
                  f"with {d['annotations']} annotations on {d['annotated_articles']} articles; floor = the sqlite3 shell "
                  "running the same SQL (sqlite3 --version for --version)")
        if r.workload.startswith("startup ") and r.details.get("baseline_median_ms") is not None:
            d = r.details
            print(f"  {r.workload}: baseline {d['baseline_median_ms']:.1f} ms ({d['baseline_ratio']:.2f}x sqlite3), "
                  f"newsdb {d['median_ms']:.1f} ms ({d['ratio']:.2f}x)")
        if r.workload == "annotations-import" and "annotations" in r.details:
            d = r.details
            print(f"annotations-import: {d['annotations']} annotations on {d['articles']} articles ({d['notes']} notes, "
                  f"{d['tag_rows']} tags); newsdb on a fresh copy of the imported corpus per run; C floor = the rows "
                  "newsdb's import ended with, inserted into a fresh copy by prepared statements in one "
                  "transaction, timed from open to close")
            print_breakdown(d)
        elif r.workload == "show-500" and r.details:
            d = r.details
            print(f"show-500: article {d['article'][:12]} ({d['words']} words), {d['annotations']} annotations "
                  f"({d['notes']} with notes, {d['by_occurrence']} by occurrence), {d['runs']} runs after "
                  f"{SEARCH_WARMUPS} warm-ups; floor = `newsdb --version` (median, no target)")
        elif r.workload == "reanchor" and r.details:
            d = r.details
            shares = ", ".join(f"{state} {100 * n / d['annotations']:.1f}%" for state, n in d["states"].items())
            print(f"reanchor: {d['annotations']} annotations on {d['articles']} revised articles ({shares}); "
                  f"import --revision-of median {d['import_median_ms']:.1f} ms per article")
            for mismatch in d["count_mismatches"]:
                print(f"  reanchor count mismatch: {mismatch}")
        elif r.workload == "sync-import" and "annotations" in r.details:
            d = r.details
            export = f"; alice's full export took {d['export_s']:.2f} s" if "export_s" in d else ""
            print(f"sync-import: {d['annotations']} annotations, {d['edits']} notes edited, {d['deletes']} deleted; "
                  "newsdb on a fresh copy of bob per run; C floor = the rows newsdb's import ended with (annotations, "
                  "tags, tag instances, change rows, origins, knowledge, peers, note index) in one "
                  f"transaction; Yjs floor = pycrdt, best of {len(d['yjs_apply_runs_s'])} in-process runs (encoding "
                  f"took {d['yjs_encode_s']:.2f} s){export}")
            print_breakdown(d)
        elif r.workload == "html-import" and r.newsdb.endswith(" s import"):
            d = r.details
            print(f"html-import: {d['pages']} saved pages; newsdb's import median of {d['runs']} runs, pages it skipped "
                  f"(no article) {d['newsdb_skipped']}; peers one Python process each over every page: trafilatura "
                  f"{d['trafilatura_s']:.2f} s ({d['trafilatura_skipped']} pages without a result), readability-lxml "
                  f"{d['readability-lxml_s']:.2f} s ({d['readability-lxml_skipped']})")
        elif r.workload == "clone" and r.details:
            d = r.details
            print(f"clone: alice's snapshot ({d['annotations']} annotations, {d['article_versions']} article texts; "
                  f"`sync export --snapshot` took {d['export_s']:.2f} s) cloned into a new database per run, whole "
                  f"process; Yjs = pycrdt apply_update of the same state (annotations and articles), best of "
                  f"{len(d['yjs_apply_runs_s'])} in-process runs; Loro = import of its snapshot "
                  f"({d['loro_snapshot_bytes'] / 1e6:.1f} MB) into an empty LoroDoc and get_deep_value(), best of "
                  f"{len(d['loro_import_runs_s'])}; URL = `newsdb clone URL` from `newsdb serve` over loopback")
        elif r.workload == "reader article" and r.details:
            d = r.details
            print(f"reader: article {d['article'][:12]} ({d['words']} words) with {d['annotations']} realistic "
                  f"annotations ({d['notes']} with notes) among {d['articles']} articles; headless Chromium, "
                  f"{len(d['article_ms'])} loads of each page after 2 warm-ups, {len(d['search_ms'])} typed searches, "
                  f"{len(d['create_ms'])} creations; floors: the article's API answer within the same loads, the "
                  "sqlite3 shell's FTS5 query, GET /api/version between the creations")
        elif r.workload == "sync-delta" and r.details:
            d = r.details
            print(f"sync-delta: {d['edits']} notes edited on alice, delta {d['delta_bytes']} bytes; {d['runs']} runs "
                  f"after {SEARCH_WARMUPS} warm-ups, each import on a fresh copy of bob; floor = `newsdb --version` "
                  "(median, no target)")


def print_breakdown(details: dict) -> None:
    """What each kind of row costs the C floor (--floor-breakdown): its CPU seconds with each kind added."""
    parts = details.get("floor_breakdown_cpu_s")
    if parts:
        costs, before = [], 0.0
        for name, seconds in parts.items():
            costs.append(f"{name} {seconds - before:+.3f} s")
            before = seconds
        print(f"  C floor CPU with each kind of row added in turn: {', '.join(costs)} (total {before:.3f} s)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    parser.add_argument("--only", action="append", choices=sorted(WORKLOADS), metavar="NAME",
                        help=f"run only this workload (repeatable): {', '.join(WORKLOADS)}")
    parser.add_argument("--html-corpus", type=Path, default=DEFAULT_HTML_CORPUS,
                        help="saved web pages for html-import (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per import-like workload (median)")
    parser.add_argument("--search-runs", type=int, default=30, help="timed runs of each search command")
    parser.add_argument("--no-build", action="store_true", help="skip `swift build`, use the existing binary")
    parser.add_argument("--floor-only", action="store_true", help="measure only the floors (implies --no-build)")
    parser.add_argument("--baseline", type=Path, metavar="BINARY",
                        help="another newsdb binary the startup workload times in the same runs (before/after)")
    parser.add_argument("--binary", type=Path,
                        help="the newsdb binary to measure (implies --no-build; default: .build/release/newsdb)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--shape", choices=(*SHAPES, "both"), default="both",
                        help="the annotations of the annotation and sync workloads: the simple shape (3-8 word quotes, "
                             "a third with a short note), the realistic one (3 words to 3 sentences, most with a "
                             "varied note, 0-3 tags), or both (default)")
    parser.add_argument("--floor-breakdown", action="store_true",
                        help="also time the annotation and sync C floors with each kind of row added in turn (what "
                             "each costs; JSON details: floor_breakdown_cpu_s)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (corpus copies, databases, annotation files) for profiling")
    args = parser.parse_args()
    if args.runs < 1 or args.search_runs < 1:
        parser.error("--runs and --search-runs must be at least 1")
    if args.baseline and not os.access(args.baseline, os.X_OK):
        parser.error(f"--baseline {args.baseline} is not an executable file")
    return args


def main() -> int:
    args = parse_args()
    if args.binary:
        global BINARY
        BINARY, args.no_build = args.binary.resolve(), True
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
        ctx = Context(tmp, corpus, args.corpus, files, invalid, rows, args.runs, args.search_runs, args.floor_only,
                      args.html_corpus, args.baseline, breakdown=args.floor_breakdown)
        shaped: dict[str, Context] = {}
        info = machine_info() | {"corpus": str(args.corpus), "files": files, "invalid_utf8": invalid,
                                 "megabytes": sum(p.stat().st_size for p in corpus.rglob("*.txt")) / 1e6}
        results = []
        shapes = SHAPES if args.shape == "both" else (args.shape,)
        for name in WORKLOADS:
            if args.only and name not in args.only:
                continue
            for shape in shapes if name in SHAPED_WORKLOADS else ("simple",):
                outcome = WORKLOADS[name](ctx if shape == "simple" else shaped.setdefault(shape, ctx.for_shape(shape)))
                for result in outcome if isinstance(outcome, list) else [outcome]:
                    if shape != "simple":
                        result.workload += f" ({shape})"
                    results.append(result)
    except BenchError as error:
        print(f"benchmark aborted: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept the benchmark's files in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps({"info": info, "results": [asdict(r) for r in results]}, indent=2))
    else:
        print_table(info, results)
    return 1 if any(r.passed is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
