#!/usr/bin/env python3
"""Load a team hub with simulated replicas, with faults, then check that nothing was lost or doubled.

Run from the repository root (docs/HUB.md, "Load, faults and the figures"):

    python3 benchmarks/hub_load.py                          # release build, 200 replicas, 60 s, both hubs
    python3 benchmarks/hub_load.py --replicas 50 --seconds 10 --binary .build/debug/newsdb   # what CI runs
    python3 benchmarks/hub_load.py --stores postgresql --json

For each store (`postgresql`, `sqlite`, both by default, in the same run) the script starts hubs on loopback only:
two `newsdb serve --store postgresql://…` processes on one PostgreSQL database (a throwaway cluster of its own, or
the one named by --pg-data and --pg-url), or one `newsdb serve` on a SQLite database (the floor the team has today).
A desk replica pushes one article; then N simulated replicas, each with its own replica id and its own token, loop
for --seconds: make a few annotation changes (creations and tag additions, in the change file format of docs/SYNC.md,
exactly as `newsdb sync` sends them), push them as one page to a hub picked at random, then pull pages until the
last. Some pushed pages also relay changes the replica pulled from others; some are pushed twice, to the same hub
or to both at once. Meanwhile one hub process is killed (SIGKILL) and started again, and PostgreSQL is restarted
(`pg_ctl restart -m fast`); the replicas retry (another hub, after a pause) until they are answered. Then every
replica pushes what it has not had acknowledged and pulls until the hub has nothing more for it, and the script
checks that every replica received every change made by the others exactly once (none lost, none sent twice), that
it never received its own, that every hub holds every change once with the content it was made with, and that the
hubs agree on what they hold.

Figures: changes accepted per second (new changes applied by the hubs during the run), p99 of one sync round trip
(a push, or a pull of one page) and of a whole sync (the push and every pull page), and p99 of the time from a
change's acknowledgement to its arrival at the last replica. Targets on a 2-core machine: >= 5,000 changes/s, p99
round trip < 250 ms, p99 propagation < 1 s. The exit status is 1 when a change was lost or doubled or a hub
disagreed, never for a missed target (--strict-targets makes those fail too).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from array import array
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The desk's article, which every annotation is made on (ASCII, so that offsets are the same in any unit).
ARTICLE_TITLE = "Harbour ferry timetable cut for the winter"
ARTICLE_BODY = (
    "The harbour ferry will run every 40 minutes from November, down from every 20. The operator blames a "
    "shortage of crew and says it offered talks to the union in September. Dockworkers at the main gate said "
    "the cut would add an hour to their day. The council, which pays a third of the running costs, asked for "
    "figures on staffing, fares and the number of crossings since the spring. A spokesperson for the union "
    "said 12 crew posts are vacant; the operator puts the number at four. The winter timetable is to be "
    "reviewed in March, after the council's transport committee meets with both sides at the town hall."
)
ARTICLE_ID = hashlib.sha256(b"hub-load-article").hexdigest()
TEXT_HASH = hashlib.sha256(ARTICLE_BODY.encode()).hexdigest()
COLORS = ["yellow", "green", "blue", "pink", "purple", "orange"]
MOTIVATIONS = ["commenting", "highlighting", "questioning", "assessing", "bookmarking"]
NOTE_WORDS = [
    "check", "the", "figures", "with", "union", "operator", "council", "crew", "vacant", "posts", "café",
    "naïve", "Zürich", "“quoted”", "한국어", "עברית", "🚢", "—", "ask", "again", "source", "on", "record",
]
CHANGE_ID = re.compile(rb"^\[(\d+),(\d+),", re.M)


# MARK: - Knowledge: replica id -> sorted, disjoint, non-adjacent [first, last] counter ranges


def ranges_union(a: list[list[int]], b: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for lo, hi in sorted(a + b):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return merged


def knowledge_union(mine: dict, other: dict) -> None:
    for origin, ranges in other.items():
        mine[origin] = ranges_union(mine.get(origin, []), [list(r) for r in ranges])


def overlaps(ranges: list[list[int]], first: int, last: int) -> bool:
    return any(lo <= last and first <= hi for lo, hi in ranges)


def knowledge_contains(knowledge: dict, origin: str, counter: int) -> bool:
    return any(lo <= counter <= hi for lo, hi in knowledge.get(origin, []))


# MARK: - The change file (docs/SYNC.md, "The change file")


def change_file(sender_id: str, sender_name: str, knowledge: dict, covers: dict, names: dict, schema: int,
                lines: list[str]) -> bytes:
    """A change file of already encoded change (and `t`) lines, as ChangeFileWriter lays one out."""
    origins = sorted(set(knowledge) | {sender_id})
    vector = {o: (r[0][1] if r and r[0][0] == 1 else 0) for o, r in knowledge.items()}
    header = {
        "covers": covers, "knowledge": knowledge, "names": names, "newsdb": "0.3.0", "origins": origins,
        "schema": schema, "sender": {"id": sender_id, "name": sender_name}, "vector": vector,
    }
    text = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    count = sum(1 for line in lines if not line.startswith('["t"'))
    body = ('{"format": "newsdb-changes", "version": 1, ' + text[1:-1] + ',\n"changes": [\n' + ",\n".join(lines)
            + f'\n],\n"count": {count},\n').encode()
    return body + f'"sha256": "{hashlib.sha256(body).hexdigest()}"}}\n'.encode()


def normalized_digest(change: list, origins: list[str], texts: list[list[str]]) -> bytes:
    """A digest of a change's content that does not depend on the file it is in (origin and text indexes resolved)."""
    resolved = list(change)
    resolved[0] = origins[change[0]]
    if change[5] == "c" and isinstance(change[7], int):
        resolved[7] = texts[change[7]]
    return hashlib.sha1(json.dumps(resolved, separators=(",", ":"), ensure_ascii=False).encode()).digest()[:10]


@dataclass
class Page:
    header: dict
    last: bool
    section: bytes  # the change lines, as received


def read_page(data: bytes, last: bool) -> Page:
    newline = data.index(b"\n")
    first = data[:newline]
    if not first.endswith(b","):
        raise ValueError("a pulled page's header line does not end with a comma")
    header = json.loads(first[:-1] + b"}")
    tail = data.rindex(b'"sha256": "')
    digest = data[tail + 11:tail + 75].decode()
    if hashlib.sha256(data[:tail]).hexdigest() != digest:
        raise ValueError("a pulled page's SHA-256 does not match")
    start = data.index(b'"changes": [', newline) + 12
    end = data.rindex(b"\n],\n")
    return Page(header, last, data[start:end])


# MARK: - HTTP/1.1 with keep-alive over asyncio streams


class HTTPFailure(Exception):
    """An answer that a replica retries (a connection failure, a timeout, a 5xx)."""


class HTTPRefused(Exception):
    """A 4xx: the hub refused what was sent, which this load never should be."""


class Connection:
    def __init__(self, port: int, token: str, timeout: float):
        self.port = port
        self.token = token
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, bytes]:
        try:
            return await asyncio.wait_for(self._request(method, path, body), self.timeout)
        except (OSError, EOFError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as error:
            self.close()
            raise HTTPFailure(f"{method} {path} on port {self.port}: {type(error).__name__} {error}") from None

    async def _request(self, method: str, path: str, body: bytes | None) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 22)
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAuthorization: Bearer {self.token}\r\n"
                f"Content-Length: {len(body or b'')}\r\n")
        if body is not None:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise EOFError("the connection was closed")
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n"):
                break
            if not line:
                raise EOFError("the connection was closed in the answer's head")
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            data = b"".join(chunks)
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data


# MARK: - A simulated replica


@dataclass
class Stats:
    push_ms: list = field(default_factory=list)
    pull_ms: list = field(default_factory=list)
    sync_ms: list = field(default_factory=list)
    applied: int = 0
    applied_in_run: int = 0
    duplicates: int = 0
    pushes: int = 0
    repeated: int = 0
    repeated_both: int = 0
    relayed: int = 0
    pages_pulled: int = 0
    delivered: int = 0
    retries: int = 0
    failures: dict = field(default_factory=dict)
    refused: list = field(default_factory=list)
    cpu_seconds: float = 0.0


class Replica:
    def __init__(self, index: int, spec: dict, ports: list[int], config: dict, stats: Stats, rng: random.Random):
        self.index = index
        self.id = spec["id"]
        self.name = spec["name"]
        self.ports = ports
        self.config = config
        self.stats = stats
        self.rng = rng
        self.connections = [Connection(port, spec["token"], config["timeout"]) for port in ports]
        # A second connection to each hub, for the page pushed to both at once (one request at a time on each).
        self.spare = [Connection(port, spec["token"], config["timeout"]) for port in ports]
        self.counter = 0
        self.clock = (0, 0)
        self.knowledge: dict = {}
        self.names = {self.id: self.name}
        self.annotations: list[tuple[str, int]] = []  # (annotation id, tags added so far)
        self.pending: list[tuple[int, str]] = []  # own changes not acknowledged yet: (counter, line)
        self.made: dict[int, bytes] = {}  # counter -> content digest
        self.acked_at: dict[int, float] = {}
        self.received: dict[str, list[list[int]]] = {}  # origin -> ranges received in pulled pages
        self.runs: list[tuple[float, str, int, int]] = []  # (time, origin, first, last) of every change received
        self.doubled: list[str] = []
        self.relay: Page | None = None

    # Making changes, as `newsdb annotate` and `annotations edit --add-tag` record them.

    def tick(self) -> tuple[int, int]:
        now = int(time.time() * 1000)
        ms, count = self.clock
        self.clock = (now, 0) if now > ms else (ms, count + 1)
        return self.clock

    def make_change(self) -> None:
        self.counter += 1
        ms, count = self.tick()
        rng = self.rng
        if not self.annotations or rng.random() < 0.6:
            annotation = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            start = rng.randrange(0, len(ARTICLE_BODY) - 40)
            end = start + rng.randrange(5, 40)
            note = None if rng.random() < 0.3 else " ".join(rng.choices(NOTE_WORDS, k=rng.randrange(1, 12)))
            tags = [f"tag{rng.randrange(20)}"] if rng.random() < 0.5 else []
            change = [0, self.counter, ms, count, 0, "c", annotation, 0, ARTICLE_BODY[start:end],
                      ARTICLE_BODY[max(0, start - 32):start], ARTICLE_BODY[end:end + 32], start, end, note,
                      rng.choice(COLORS), rng.choice(MOTIVATIONS), self.name, tags, 0]
            self.annotations.append((annotation, 0))
        else:
            slot = rng.randrange(len(self.annotations))
            annotation, added = self.annotations[slot]
            self.annotations[slot] = (annotation, added + 1)
            change = [0, self.counter, ms, count, 0, "+", annotation, f"added{added}"]
        self.made[self.counter] = normalized_digest(change, [self.id], [[ARTICLE_ID, TEXT_HASH]])
        knowledge_union(self.knowledge, {self.id: [[self.counter, self.counter]]})
        self.pending.append((self.counter, json.dumps(change[1:], ensure_ascii=False)[1:-1]))

    def page_of_pending(self, relay: bool) -> tuple[bytes, list[int], int]:
        """The page of every change not acknowledged yet, with a few pulled from others when relaying."""
        origins = sorted(set(self.knowledge) | {self.id})
        index = {origin: number for number, origin in enumerate(origins)}
        mine = index[self.id]
        lines = [f'["t",{json.dumps(ARTICLE_ID)},{json.dumps(TEXT_HASH)}]']
        covers: dict = {}
        texts = 1
        for counter, rest in self.pending:
            lines.append(f"[{mine}," + rest + "]")
        if self.pending:
            covers[self.id] = ranges_union([], [[c, c] for c, _ in self.pending])
        relayed = 0
        if relay and self.relay is not None:
            page = self.relay
            their_origins = page.header["origins"]
            their_texts: list = []
            for raw in page.section.split(b",\n"):
                if len(lines) > len(self.pending) + 1 + self.config["relay"]:
                    break
                value = json.loads(raw)
                if value[0] == "t":
                    their_texts.append(value[1:])
                    continue
                if value[0] >= len(their_origins) or their_origins[value[0]] == self.id:
                    continue
                origin = their_origins[value[0]]
                value[0] = index[origin]
                if value[5] == "c":
                    lines.append(f'["t",{json.dumps(their_texts[value[7]][0])},{json.dumps(their_texts[value[7]][1])}]')
                    value[7] = texts
                    texts += 1
                lines.append(json.dumps(value, ensure_ascii=False))
                covers[origin] = ranges_union(covers.get(origin, []), [[value[1], value[1]]])
                relayed += 1
        return (change_file(self.id, self.name, self.knowledge, covers, self.names, self.config["schema"], lines),
                [c for c, _ in self.pending], relayed)

    # Syncing.

    async def send(self, method: str, path: str, body: bytes | None, port_index: int | None = None,
                   deadline: float | None = None, spare: bool = False) -> tuple[int, dict, bytes, float]:
        """Sends until a hub answers 200, to the hub asked for first, then to any after a pause."""
        attempt = 0
        connections = self.spare if spare else self.connections
        while True:
            which = port_index if port_index is not None and attempt == 0 else self.rng.randrange(len(self.ports))
            started = time.monotonic()
            try:
                status, headers, data = await connections[which].request(method, path, body)
                if status == 200:
                    return status, headers, data, (time.monotonic() - started) * 1000
                if status < 500:
                    raise HTTPRefused(f"{method} {path}: {status} {data[:300]!r}")
                reason = f"{status}"
            except HTTPFailure as failure:
                reason = str(failure).split(": ", 1)[1].split(" ", 1)[0]
            self.stats.failures[reason] = self.stats.failures.get(reason, 0) + 1
            self.stats.retries += 1
            attempt += 1
            if deadline is not None and time.monotonic() > deadline:
                raise HTTPFailure(f"{method} {path}: no hub answered before the deadline (last: {reason})")
            await asyncio.sleep(min(2.0, 0.05 * (2 ** min(attempt, 6))) * (0.5 + self.rng.random()))

    async def push(self, in_run: bool, deadline: float | None = None) -> None:
        if not self.pending:
            return
        relay = in_run and self.rng.random() < self.config["relay_share"]
        body, counters, relayed = self.page_of_pending(relay)
        self.stats.relayed += relayed
        self.stats.pushes += 1
        target = self.rng.randrange(len(self.ports))
        repeat = in_run and self.rng.random() < self.config["repeat_share"]
        if repeat and len(self.ports) > 1 and self.rng.random() < 0.5:
            # The same page to both hubs at once: applied once, the other sees duplicates.
            self.stats.repeated_both += 1
            answers = await asyncio.gather(*(self.send("POST", "/v1/sync/push", body, i, deadline, spare=i > 0)
                                             for i in range(len(self.ports))))
        else:
            answers = [await self.send("POST", "/v1/sync/push", body, target, deadline)]
            if repeat:
                self.stats.repeated += 1
                answers.append(await self.send("POST", "/v1/sync/push", body, self.rng.randrange(len(self.ports)),
                                               deadline))
        now = time.monotonic()
        for _, _, data, ms in answers:
            result = json.loads(data)
            self.stats.push_ms.append(ms)
            self.stats.applied += result["applied"]
            if in_run:
                self.stats.applied_in_run += result["applied"]
            self.stats.duplicates += result["duplicates"]
            taken = result["knowledge"]
            missing = [c for c in counters if not knowledge_contains(taken, self.id, c)]
            if missing:
                raise HTTPRefused(f"a hub answered a push without the changes pushed ({len(missing)} missing)")
        for counter in counters:
            self.acked_at.setdefault(counter, now)
        self.pending = []

    async def pull(self, deadline: float | None = None) -> None:
        while True:
            request = json.dumps({"knowledge": self.knowledge, "limit": self.config["page"]}).encode()
            _, headers, data, ms = await self.send("POST", "/v1/sync/pull", request, None, deadline)
            self.stats.pull_ms.append(ms)
            page = read_page(data, headers.get("newsdb-page") == "last")
            self.take(page)
            if page.last:
                return

    def take(self, page: Page) -> None:
        """Records the changes of a pulled page: each must be new here, and none may be this replica's own."""
        now = time.monotonic()
        origins = page.header["origins"]
        ids = CHANGE_ID.findall(page.section)
        self.stats.pages_pulled += 1
        self.stats.delivered += len(ids)
        run_origin, first, last = None, 0, 0
        for origin_text, counter_text in ids:
            origin, counter = origins[int(origin_text)], int(counter_text)
            if origin == run_origin and counter == last + 1:
                last = counter
                continue
            if run_origin is not None:
                self.record(now, run_origin, first, last)
            run_origin, first, last = origin, counter, counter
        if run_origin is not None:
            self.record(now, run_origin, first, last)
        knowledge_union(self.knowledge, page.header["covers"])
        for origin, name in page.header.get("names", {}).items():
            self.names.setdefault(origin, name)
        if ids and (self.relay is None or self.rng.random() < 0.1):
            self.relay = page

    def record(self, now: float, origin: str, first: int, last: int) -> None:
        held = self.received.get(origin, [])
        if origin == self.id or overlaps(self.knowledge.get(origin, []), first, last) or overlaps(held, first, last):
            self.doubled.append(f"{origin}:{first}-{last}")
        self.received[origin] = ranges_union(held, [[first, last]])
        self.runs.append((now, origin, first, last))

    async def run(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            started = time.monotonic()
            for _ in range(self.rng.randint(1, self.config["changes"])):
                self.make_change()
            await self.push(in_run=True)
            await self.pull()
            self.stats.sync_ms.append((time.monotonic() - started) * 1000)
            if self.config["think"]:
                await asyncio.sleep(self.rng.uniform(0, 2 * self.config["think"]))

    def result(self) -> dict:
        return {"id": self.id, "made": self.counter, "digests": self.made, "acked": self.acked_at,
                "received": self.received, "runs": self.runs, "doubled": self.doubled}


def worker(specs: list[dict], ports: list[int], config: dict, stop_at: float, barrier, queue, seed: int) -> None:
    """Runs a share of the replicas in one process, one asyncio loop, then sends back what they saw."""
    rng = random.Random(seed)
    stats = Stats()
    replicas = [Replica(i, spec, ports, config, stats, random.Random(rng.getrandbits(64))) for i, spec in
                enumerate(specs)]

    async def drain(replica: Replica, deadline: float) -> None:
        await replica.push(in_run=False, deadline=deadline)

    async def main() -> None:
        errors: list[str] = []

        async def guarded(coroutine) -> None:
            try:
                await coroutine
            except Exception as error:  # noqa: BLE001 (every failure of a replica is reported, none ends the run)
                errors.append(f"{type(error).__name__}: {error}")

        await asyncio.gather(*(guarded(r.run(stop_at)) for r in replicas))
        deadline = time.monotonic() + config["drain_seconds"]
        await asyncio.gather(*(guarded(drain(r, deadline)) for r in replicas))
        # Every replica of every worker has pushed everything: now each pulls until the hubs have nothing more.
        await asyncio.get_running_loop().run_in_executor(None, barrier.wait)
        await asyncio.gather(*(guarded(r.pull(deadline)) for r in replicas))
        for connection in (c for r in replicas for c in r.connections + r.spare):
            connection.close()
        stats.refused.extend(errors)

    asyncio.run(main())
    stats.cpu_seconds = time.process_time()
    queue.put({"stats": stats.__dict__, "replicas": [r.result() for r in replicas]})


# MARK: - Hubs and PostgreSQL


def cpu_seconds(pid: int) -> float:
    """The CPU time a live process has used (user and system), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def machine_busy_seconds() -> float:
    """CPU time every process of the machine has used so far (all cores), from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, log: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"hub_load: the hub on port {port} exited ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"hub_load: the hub on port {port} did not answer within {seconds:.0f} s; see {log}")


def run(command: list[str], **kwargs) -> str:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"hub_load: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class Postgres:
    """A PostgreSQL cluster: a throwaway one made here (initdb, Unix socket only), or one given by its data folder."""

    def __init__(self, pg_bin: str, data: str | None, url: str | None, work: str):
        # A folder of links to some of PostgreSQL's programs (initdb, pg_ctl) stands for the folder holding them all.
        self.pg_bin = os.path.dirname(os.path.realpath(os.path.join(pg_bin, "initdb")))
        self.own = data is None
        if self.own:
            folder = tempfile.mkdtemp(prefix="hub-load-pg-")
            self.data = os.path.join(folder, "data")
            self.socket = folder
            self.user = "newsdb"
        else:
            self.data = data
            self.socket = re.search(r"host=([^&]+)", url or "").group(1)
            self.user = re.match(r"postgres(?:ql)?://([^@/]*)@", url or "").group(1)
        self.log = os.path.join(os.path.dirname(self.data), "server.log")
        self.as_owner: list[str] = []
        if os.getuid() == 0:
            owner = "nobody" if self.own else __import__("pwd").getpwuid(os.stat(self.data).st_uid).pw_name
            if owner != "root":
                self.as_owner = ["runuser", "-u", owner, "--"]
        self.database = f"hub_load_{os.getpid()}_{int(time.time())}"
        self.url = f"postgresql://{self.user}@/{self.database}?host={self.socket}"

    def start(self) -> None:
        """Starts the cluster when it is this script's own, and makes the hub's database in it."""
        pg_bin = self.pg_bin
        if self.own:
            if self.as_owner:
                shutil.chown(self.socket, "nobody")
            run(self.as_owner + [f"{pg_bin}/initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8",
                                 "--locale=C.UTF-8"])
            run(self.as_owner + [f"{pg_bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o",
                                 f"-c listen_addresses='' -k {self.socket} -c max_connections=200 -c fsync=off",
                                 "start"])
        run([f"{pg_bin}/createdb", "-h", self.socket, "-U", self.user, self.database])

    def restart(self) -> float:
        started = time.monotonic()
        run(self.as_owner + [f"{self.pg_bin}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-m", "fast", "restart"])
        return time.monotonic() - started

    def stop(self) -> None:
        if self.own:
            subprocess.run(self.as_owner + [f"{self.pg_bin}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                           capture_output=True)
            shutil.rmtree(os.path.dirname(self.data), ignore_errors=True)
        else:
            subprocess.run([f"{self.pg_bin}/dropdb", "-h", self.socket, "-U", self.user, "--if-exists", self.database],
                           capture_output=True)


def find_pg_bin() -> str:
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    found = sorted((f"/usr/lib/postgresql/{v}/bin" for v in os.listdir("/usr/lib/postgresql")
                    if os.path.exists(f"/usr/lib/postgresql/{v}/bin/initdb")),
                   key=lambda p: int(p.split("/")[4])) if os.path.isdir("/usr/lib/postgresql") else []
    if not found:
        raise SystemExit("hub_load: PostgreSQL's initdb is not installed (apt-get install postgresql), or give --pg-bin")
    return found[-1]


class Hub:
    def __init__(self, binary: str, arguments: list[str], work: str, name: str):
        self.binary = binary
        self.arguments = arguments
        self.port = free_port()
        self.log = os.path.join(work, f"{name}.log")
        self.process: subprocess.Popen | None = None
        self.cpu = 0.0  # of the processes killed before this one

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([self.binary, "serve", *self.arguments, "--port", str(self.port)],
                                            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        wait_healthy(self.port, self.process, self.log)

    def kill(self) -> None:
        self.cpu += cpu_seconds(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()


# MARK: - One store's run


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def make_tokens(names: list[str], command) -> list[str]:
    """One token per replica, made by `newsdb hub tokens create` or `newsdb tokens create`, 8 at a time."""
    tokens: list[str] = []
    for start in range(0, len(names), 8):
        batch = [subprocess.Popen(command(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for name in names[start:start + 8]]
        for process in batch:
            out, err = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"hub_load: making a token failed: {err.strip()}")
            tokens.append(out.strip().splitlines()[0])
    return tokens


def hub_contents(port: int, token: str, config: dict) -> tuple[dict, dict]:
    """Everything a hub holds, by a pull with empty knowledge: change id -> digest, and the hub's knowledge."""
    async def read() -> tuple[dict, dict]:
        connection = Connection(port, token, config["timeout"])
        status, _, data = await connection.request("GET", "/v1/sync")
        if status != 200:
            raise SystemExit(f"hub_load: GET /v1/sync on port {port} answered {status}")
        knowledge = json.loads(data)["knowledge"]
        held: dict = {}
        asked: dict = {}
        while True:
            request = json.dumps({"knowledge": asked}).encode()
            status, headers, data = await connection.request("POST", "/v1/sync/pull", request)
            if status != 200:
                raise SystemExit(f"hub_load: a pull on port {port} answered {status}")
            page = read_page(data, headers.get("newsdb-page") == "last")
            origins = page.header["origins"]
            texts: list = []
            for raw in page.section.split(b",\n") if page.section.strip() else []:
                value = json.loads(raw)
                if value[0] == "t":
                    texts.append(value[1:])
                    continue
                key = (origins[value[0]], value[1])
                held.setdefault(key, []).append(normalized_digest(value, origins, texts))
            knowledge_union(asked, page.header["covers"])
            if page.last:
                connection.close()
                return held, knowledge
    return asyncio.run(read())


def run_store(store: str, args: argparse.Namespace, config: dict, work: str) -> dict:
    binary = args.binary
    folder = os.path.join(work, store)
    os.makedirs(folder)
    postgres: Postgres | None = None
    hubs: list[Hub] = []
    names = [f"load{n:03d}" for n in range(args.replicas)] + ["desk"]
    try:
        if store == "postgresql":
            postgres = Postgres(args.pg_bin or find_pg_bin(), args.pg_data, args.pg_url, folder)
            postgres.start()
            run([binary, "hub", "migrate", "--store", postgres.url, "--name", "hub"])
            tokens = make_tokens(names, lambda name: [binary, "hub", "tokens", "create", name, "--store", postgres.url])
            hubs = [Hub(binary, ["--store", postgres.url], folder, f"hub{i + 1}") for i in range(2)]
        else:
            database = os.path.join(folder, "hub.sqlite")
            run([binary, "--db", database, "init", "--name", "hub"])
            tokens = make_tokens(names, lambda name: [binary, "--db", database, "tokens", "create", name])
            hubs = [Hub(binary, ["--db", database], folder, "hub1")]
        for hub in hubs:
            hub.start()
        ports = [hub.port for hub in hubs]
        specs = [{"id": str(uuid.uuid4()), "name": name, "token": token} for name, token in zip(names, tokens)]
        with urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{ports[0]}/v1/sync", headers={"Authorization": f"Bearer {tokens[0]}"})) as answer:
            config["schema"] = json.loads(answer.read())["schema"]
        desk = specs.pop()
        desk_digest = push_article(desk, ports[0], config)

        # The run: workers start their replicas together; faults are made from here meanwhile.
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        workers = max(1, min(args.workers, len(specs)))
        barrier = context.Barrier(workers)
        busy = machine_busy_seconds()
        started = time.monotonic()
        stop_at = started + args.seconds
        processes = [context.Process(target=worker, args=(specs[i::workers], ports, config, stop_at, barrier, queue,
                                                          args.seed + i)) for i in range(workers)]
        for process in processes:
            process.start()
        faults: list[str] = []
        if args.faults:
            time.sleep(max(0.0, started + args.seconds * 0.3 - time.monotonic()))
            victim = hubs[-1]
            victim.kill()
            down = time.monotonic()
            time.sleep(1.0)
            victim.start()
            faults.append(f"hub on port {victim.port} killed (SIGKILL) at {down - started:.1f} s, serving again after "
                          f"{time.monotonic() - down:.1f} s")
            if postgres is not None:
                time.sleep(max(0.0, started + args.seconds * 0.6 - time.monotonic()))
                at = time.monotonic() - started
                took = postgres.restart()
                faults.append(f"PostgreSQL restarted (pg_ctl restart -m fast) at {at:.1f} s, in {took:.1f} s")
        results = []
        for _ in processes:
            try:
                results.append(queue.get(timeout=args.seconds + args.drain_seconds + 120))
            except Exception:  # noqa: BLE001 (queue.Empty)
                for process in processes:
                    process.terminate()
                raise SystemExit("hub_load: a client process sent no results in time (it failed, or the hubs are too "
                                 "slow for --drain-seconds)") from None
        finished = time.monotonic()
        cpu = {"hubs": round(sum(hub.cpu + cpu_seconds(hub.process.pid) for hub in hubs), 1),
               "clients": round(sum(r["stats"]["cpu_seconds"] for r in results), 1),
               "machine": round(machine_busy_seconds() - busy, 1), "cores": os.cpu_count()}
        for process in processes:
            process.join()
        # A hub process that ended by itself (a crash) is a failure of the run, whatever the replicas received.
        crashed = [f"the hub on port {hub.port} ended by itself ({hub.process.returncode}); see its log, {hub.log} "
                   f"(--keep keeps it)" for hub in hubs if hub.process.poll() is not None]
        contents = [hub_contents(hub.port, tokens[0], config) for hub in hubs if hub.process.poll() is None]
        summary = summarize(store, args, specs, desk, desk_digest, results, contents, faults, finished - started)
        summary["problems"] = crashed + summary["problems"]
        summary["cpu_seconds"] = cpu
        return summary
    finally:
        for hub in hubs:
            hub.stop()
        if postgres is not None:
            postgres.stop()


def push_article(desk: dict, port: int, config: dict) -> bytes:
    """The desk's article version: the one change every annotation of the load is made on."""
    ms = int(time.time() * 1000)
    change = [0, 1, ms, 0, 0, "a", ARTICLE_ID, ARTICLE_TITLE, None, None, None, None, None, ARTICLE_BODY]
    knowledge = {desk["id"]: [[1, 1]]}
    body = change_file(desk["id"], desk["name"], knowledge, knowledge, {desk["id"]: desk["name"]}, config["schema"],
                       [json.dumps(change, ensure_ascii=False)])

    async def send() -> None:
        connection = Connection(port, desk["token"], config["timeout"])
        status, _, data = await connection.request("POST", "/v1/sync/push", body)
        connection.close()
        if status != 200 or json.loads(data)["applied"] != 1:
            raise SystemExit(f"hub_load: the desk's article was not taken: {status} {data[:300]!r}")

    asyncio.run(send())
    return normalized_digest(change, [desk["id"]], [])


def summarize(store: str, args, specs, desk, desk_digest, results, contents, faults, elapsed) -> dict:
    replicas = [r for result in results for r in result["replicas"]]
    stats = [result["stats"] for result in results]
    made: dict[str, int] = {desk["id"]: 1}
    digests: dict[tuple[str, int], bytes] = {(desk["id"], 1): desk_digest}
    for r in replicas:
        made[r["id"]] = r["made"]
        for counter, digest in r["digests"].items():
            digests[(r["id"], counter)] = digest
    problems: list[str] = []
    for s in stats:
        problems += [f"a replica gave up: {e}" for e in s["refused"][:5]]
    # Every replica holds every change of the others once, and none of its own came back.
    lost = doubled = 0
    for r in replicas:
        doubled += len(r["doubled"])
        for origin, count in made.items():
            if origin == r["id"] or count == 0:
                continue
            ranges = r["received"].get(origin, [])
            if ranges != [[1, count]]:
                lost += count - sum(max(0, min(hi, count) - lo + 1) for lo, hi in ranges)
                if ranges and ranges[-1][1] > count:
                    problems.append(f"replica {r['id'][:8]} received changes of {origin[:8]} never made")
        extra = set(r["received"]) - set(made)
        if extra:
            problems.append(f"replica {r['id'][:8]} received changes of unknown replicas {sorted(extra)[:3]}")
    if lost:
        problems.append(f"{lost} change deliveries lost (a replica lacks a change another made)")
    if doubled:
        problems.append(f"{doubled} runs of changes delivered twice (or a replica's own sent back to it)")
    # Every hub holds every change once, as it was made, and the hubs agree.
    total = sum(made.values())
    for number, (held, knowledge) in enumerate(contents, 1):
        twice = sum(1 for v in held.values() if len(v) > 1)
        missing = sum(1 for key in digests if key not in held)
        unknown = sum(1 for key in held if key not in digests)
        altered = sum(1 for key, v in held.items() if key in digests and v[0] != digests[key])
        expected = {origin: [[1, count]] for origin, count in made.items() if count}
        if twice or missing or unknown or altered:
            problems.append(f"hub {number} holds {len(held)} changes of {total}: {missing} missing, {twice} twice, "
                            f"{unknown} never made, {altered} altered")
        if knowledge != expected:
            problems.append(f"hub {number}'s knowledge is not every change made")
    if len(contents) > 1 and any(c[0].keys() != contents[0][0].keys() for c in contents[1:]):
        problems.append("the hubs disagree on what they hold")
    # Propagation: from a change's acknowledgement to its arrival at the last replica (runs in time order).
    acked: dict[str, dict[int, float]] = {r["id"]: r["acked"] for r in replicas}
    last_arrival = {origin: array("d", [0.0]) * (count + 1) for origin, count in made.items()}
    for when, origin, first, last in sorted((run for r in replicas for run in r["runs"]), key=lambda run: run[0]):
        if origin in last_arrival and last <= made[origin]:
            last_arrival[origin][first:last + 1] = array("d", [when]) * (last - first + 1)
    propagation = [max(0.0, last_arrival[o][c] - t) * 1000 for o, times in acked.items() for c, t in times.items()]
    push_ms = [v for s in stats for v in s["push_ms"]]
    pull_ms = [v for s in stats for v in s["pull_ms"]]
    sync_ms = [v for s in stats for v in s["sync_ms"]]
    accepted = sum(s["applied_in_run"] for s in stats)
    return {
        "store": store, "replicas": len(specs), "hubs": len(contents), "seconds": args.seconds,
        "elapsed_seconds": round(elapsed, 1), "changes_made": total,
        "accepted_per_second": round(accepted / args.seconds, 1),
        "round_trip_p99_ms": round(percentile(push_ms + pull_ms, 99), 1),
        "push_p50_ms": round(percentile(push_ms, 50), 1), "push_p99_ms": round(percentile(push_ms, 99), 1),
        "pull_p50_ms": round(percentile(pull_ms, 50), 1), "pull_p99_ms": round(percentile(pull_ms, 99), 1),
        "sync_p50_ms": round(percentile(sync_ms, 50), 1), "sync_p99_ms": round(percentile(sync_ms, 99), 1),
        "propagation_p50_ms": round(percentile(propagation, 50), 1),
        "propagation_p99_ms": round(percentile(propagation, 99), 1),
        "pushes": sum(s["pushes"] for s in stats), "pages_pulled": sum(s["pages_pulled"] for s in stats),
        "delivered_per_second": round(sum(s["delivered"] for s in stats) / elapsed, 1),
        "repeated_pages": sum(s["repeated"] for s in stats),
        "repeated_to_both_hubs": sum(s["repeated_both"] for s in stats),
        "relayed_changes": sum(s["relayed"] for s in stats), "duplicates": sum(s["duplicates"] for s in stats),
        "retries": sum(s["retries"] for s in stats),
        "retry_reasons": {k: sum(s["failures"].get(k, 0) for s in stats) for k in
                          sorted({k for s in stats for k in s["failures"]})},
        "faults": faults, "problems": problems,
    }


# MARK: - Report


TARGETS = [("accepted_per_second", ">=", 5000, "changes/s"), ("round_trip_p99_ms", "<", 250, "ms"),
           ("propagation_p99_ms", "<", 1000, "ms")]


def meets(value: float, op: str, target: float) -> bool:
    return value >= target if op == ">=" else value < target


def print_report(results: list[dict]) -> None:
    for r in results:
        print(f"\n{r['store']}: {r['hubs']} hub process(es), {r['replicas']} replicas, {r['seconds']} s "
              f"(drained and checked in {r['elapsed_seconds']} s)")
        for fault in r["faults"]:
            print(f"  fault: {fault}")
        for key, op, target, unit in TARGETS:
            verdict = "meets" if meets(r[key], op, target) else "MISSES"
            print(f"  {key:22} {r[key]:>10} {unit:9} target {op} {target:<6} {verdict}")
        print(f"  push p50/p99 {r['push_p50_ms']}/{r['push_p99_ms']} ms, pull page p50/p99 {r['pull_p50_ms']}/"
              f"{r['pull_p99_ms']} ms, whole sync p50/p99 {r['sync_p50_ms']}/{r['sync_p99_ms']} ms, propagation p50 "
              f"{r['propagation_p50_ms']} ms")
        print(f"  {r['changes_made']} changes made, {r['pushes']} pushes, {r['pages_pulled']} pages pulled, "
              f"{r['delivered_per_second']} changes delivered/s; {r['repeated_pages']} pages pushed twice, "
              f"{r['repeated_to_both_hubs']} to both hubs at once, {r['relayed_changes']} changes relayed, "
              f"{r['duplicates']} duplicates skipped; {r['retries']} retries {r['retry_reasons']}")
        cpu = r["cpu_seconds"]
        print(f"  CPU over the {r['elapsed_seconds']} s: hubs {cpu['hubs']} s, simulated replicas {cpu['clients']} s, "
              f"whole machine {cpu['machine']} s of {round(cpu['cores'] * r['elapsed_seconds'], 1)} ({cpu['cores']} "
              f"cores; PostgreSQL and anything else running take the rest)")
        if r["problems"]:
            for problem in r["problems"]:
                print(f"  PROBLEM: {problem}")
        else:
            print("  every change made is held once by every replica and by every hub; the hubs agree")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/newsdb"), help="the newsdb to serve")
    parser.add_argument("--stores", default="postgresql,sqlite", help="postgresql, sqlite, or both (comma-separated)")
    parser.add_argument("--replicas", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="how long replicas loop push/pull")
    parser.add_argument("--changes", type=int, default=40, help="the most changes a replica makes per round")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a replica's rounds, s")
    parser.add_argument("--page", type=int, default=10000, help="the most changes a pull asks for")
    parser.add_argument("--repeat-share", type=float, default=0.1, help="share of pages pushed twice")
    parser.add_argument("--relay-share", type=float, default=0.2, help="share of pages relaying pulled changes")
    parser.add_argument("--relay", type=int, default=20, help="the most pulled changes a page relays")
    parser.add_argument("--workers", type=int, default=2, help="client processes the replicas are shared among")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take before it is retried")
    parser.add_argument("--drain-seconds", type=float, default=180, help="how long the final syncs may take")
    parser.add_argument("--no-faults", dest="faults", action="store_false", help="kill and restart nothing")
    parser.add_argument("--pg-bin", help="PostgreSQL's bin folder (default: found like .ci/run does)")
    parser.add_argument("--pg-data", help="the data folder of a running cluster to use (and restart), with --pg-url")
    parser.add_argument("--pg-url", help="postgresql://USER@/DB?host=SOCKET-FOLDER of the --pg-data cluster")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (hub logs, databases) and say where")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--strict-targets", action="store_true", help="a missed target fails too")
    args = parser.parse_args()
    if bool(args.pg_data) != bool(args.pg_url):
        parser.error("--pg-data and --pg-url go together")
    if not os.access(args.binary, os.X_OK):
        parser.error(f"{args.binary} is not an executable newsdb (swift build -c release --product newsdb)")
    return args


def main() -> int:
    args = parse_args()
    # SIGTERM (a CI timeout, say) stops the hubs and the cluster on the way out, as an error does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = {"timeout": args.timeout, "changes": args.changes, "think": args.think, "page": args.page,
              "repeat_share": args.repeat_share, "relay_share": args.relay_share, "relay": args.relay,
              "drain_seconds": args.drain_seconds, "schema": 0}
    work = tempfile.mkdtemp(prefix="hub-load-")
    results = []
    try:
        for store in [s.strip() for s in args.stores.split(",") if s.strip()]:
            if store not in ("postgresql", "sqlite"):
                raise SystemExit(f"hub_load: unknown store {store!r} (postgresql or sqlite)")
            results.append(run_store(store, args, dict(config), work))
    finally:
        if args.keep:
            print(f"hub_load: hub logs and databases kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    failed = any(r["problems"] for r in results)
    if args.strict_targets:
        failed = failed or any(not meets(r[k], op, t) for r in results for k, op, t, _ in TARGETS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
