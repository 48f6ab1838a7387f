"""The reader workload's browser side: `newsdb web` on a database, headless Chromium driven by Selenium (Debian's
chromium and chromium-driver, python3-selenium), and the page's own timings read from the Performance API.

Every time here is the page's own: a navigation is measured from the navigation's start (performance.timeOrigin)
to the User Timing mark the page sets once it has drawn (`newsdb:view-drawn`, app.js: after the view is built and
its frame laid out and painted), and a search from the
input event of its last key to the mark the library sets when it has drawn that query's answer
(`newsdb:library-drawn`, library.js). run.py judges the figures.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import math
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")


class ReaderError(Exception):
    """The reader or the browser could not be measured."""


class WebServer:
    """`newsdb web --port 0` on `db`, its address read from its first line."""

    def __init__(self, binary: Path, db: Path, log: Path):
        self.log = open(log, "w")
        self.process = subprocess.Popen([str(binary), "web", "--port", "0", "--db", str(db)],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise ReaderError(f"`newsdb web` printed no address in 30 s: {log.read_text()[-500:]}")
        match = re.search(r"http://127\.0\.0\.1:(\d+)/\?key=\S+", line)
        if not match:
            self.stop()
            raise ReaderError(f"`newsdb web` printed {line!r}, not its address")
        self.address, self.port = match.group(0), int(match.group(1))
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def start_browser():
    if not os.path.exists(CHROMIUM) or not os.path.exists(CHROMEDRIVER):
        raise ReaderError(f"{CHROMIUM} or {CHROMEDRIVER} is missing: apt-get install chromium chromium-driver")
    os.environ["SE_AVOID_STATS"] = "true"  # Selenium Manager must never look for a browser on the network
    os.environ["SE_OFFLINE"] = "true"
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise ReaderError("selenium is missing: apt-get install python3-selenium") from error
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--force-device-scale-factor=1", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    return driver


def wait_for(driver, script: str, timeout: float = 30, *args):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.01)
    raise ReaderError(f"the page did not get there in {timeout:.0f} s: {' '.join(script.split())[:120]}")


def navigation_ms(driver, url: str) -> float:
    """Loads `url` and returns the time from the navigation's start to the page's `newsdb:view-drawn` mark: the
    view built (`newsdb:view-ready`), then its frame laid out and painted."""
    driver.get(url)
    return wait_for(driver, """
        const mark = performance.getEntriesByName('newsdb:view-drawn')[0];
        return mark ? mark.startTime : null""")


def drawn_highlights(driver) -> int:
    return driver.execute_script("""
        const ids = new Set();
        for (const s of document.querySelectorAll('.article-body .hl')) for (const id of s.dataset.ids.split(' ')) ids.add(id);
        return ids.size""")


def api_timing(driver) -> float:
    """How long the article's API answer took, from its request's start to its last byte, for the last load."""
    return driver.execute_script("""
        const api = performance.getEntriesByType('resource').find((e) => /\\/api\\/articles\\/[^/?]+(\\?|$)/.test(e.name));
        return api ? api.responseEnd - api.startTime : null""")


def typed_search_ms(driver, query: str) -> float:
    """Types `query` into the cleared search box key by key and returns the time from its last key's input event to
    the library's mark for that query's answer drawn."""
    from selenium.webdriver.common.by import By
    box = driver.find_element(By.ID, "search")
    driver.execute_script("""
        const box = arguments[0];
        box.value = '';
        performance.clearMarks('newsdb:library-drawn');
        window.benchLastInput = null;
        if (!window.benchListening) {
          document.addEventListener('input', (event) => { window.benchLastInput = event.timeStamp; }, true);
          window.benchListening = true;
        }""", box)
    box.send_keys(query)
    return wait_for(driver, """
        const q = arguments[0];
        const mark = performance.getEntriesByName('newsdb:library-drawn').find((m) => m.detail?.q === q);
        return mark && window.benchLastInput !== null ? Math.max(0.001, mark.startTime - window.benchLastInput) : null""",
                    30, query)


class Api:
    """The reader's API with the browser's session: the cookie from the page, the CSRF token from /api/session."""

    def __init__(self, server: WebServer, cookie: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port)
        self.cookie = cookie
        self.csrf = json.loads(self.request("GET", "/api/session")[1])["csrf"]

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie, "Host": f"127.0.0.1:{self.connection.port}"}
        data = None
        if body is not None:
            headers |= {"Content-Type": "application/json", "X-CSRF-Token": getattr(self, "csrf", "")}
            data = json.dumps(body).encode()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def timed(self, method: str, path: str, body: dict | None = None, expect: int = 200) -> float:
        start = time.perf_counter()
        status, data = self.request(method, path, body)
        elapsed = time.perf_counter() - start
        if status != expect:
            raise ReaderError(f"{method} {path} answered {status}: {data[:300]!r}")
        return elapsed * 1000


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def measure(binary: Path, db: Path, tmp: Path, article: str, drafts: list[dict], queries: list[str],
            runs: int, expected_highlights: int) -> dict:
    """Every figure of the reader workload, on `db` served by `binary`:

    - article_ms: navigations to the article (`runs`), each to every highlight drawn, with the API's share;
    - library_ms: navigations to the library (its first page of the default order), and sorted by publication;
    - search_ms: each of `queries` typed into the library's search box (twice each);
    - create_ms: each of `drafts` POSTed to the article while the page shows it (it redraws at each change), with
      GET /api/version timed beside each as the floor;
    - assets: the bytes of the page's JavaScript and CSS as served.
    """
    server = WebServer(binary, db, tmp / "reader-web.log")
    driver = None
    try:
        driver = start_browser()
        driver.get(server.address)
        wait_for(driver, "return document.getElementById('view').dataset.ready === 'true'")
        cookie = driver.get_cookie("newsdb_session")
        if not cookie:
            raise ReaderError("the page got no session cookie")
        figures: dict = {}

        # The page's own JavaScript and CSS, as the browser is served them.
        assets = driver.execute_script("""
            return [...new Set([...document.querySelectorAll('script[src], link[rel=stylesheet], link[rel=modulepreload]')]
              .map((e) => e.src || e.href))]""")
        api = Api(server, f"newsdb_session={cookie['value']}")
        sizes = {}
        for url in assets:
            path = urllib.parse.urlsplit(url).path
            status, data = api.request("GET", path)
            if status != 200:
                raise ReaderError(f"GET {path} answered {status}")
            sizes[path] = len(data)
        figures["assets"] = sizes

        # The article: warm-ups, then timed loads.
        url = f"{server.base}/articles/{article}"
        article_ms, api_ms = [], []
        for run in range(runs + 2):
            elapsed = navigation_ms(driver, url)
            drawn = drawn_highlights(driver)
            if drawn != expected_highlights:
                raise ReaderError(f"the article drew {drawn} highlights, {expected_highlights} expected")
            if run >= 2:
                article_ms.append(elapsed)
                api_ms.append(api_timing(driver))
        figures["article_ms"], figures["article_api_ms"] = article_ms, api_ms

        # The library, in its default order and sorted by publication.
        for key, path in (("library_ms", "/"), ("library_published_ms", "/?sort=published")):
            samples = []
            for run in range(runs + 2):
                elapsed = navigation_ms(driver, server.base + path)
                rows = driver.execute_script("return document.querySelectorAll('.library-item').length")
                if rows != 50:
                    raise ReaderError(f"the library drew {rows} articles, 50 expected")
                if run >= 2:
                    samples.append(elapsed)
            figures[key] = samples

        # Searches typed in the library.
        navigation_ms(driver, server.base + "/")
        search_ms = []
        for run in range(2):
            for query in queries:
                search_ms.append(typed_search_ms(driver, query))
        figures["search_ms"] = search_ms
        figures["search_total"] = driver.execute_script("return document.querySelector('.summary').textContent")

        # Creating annotations through the API while the page shows the article and redraws at each change.
        navigation_ms(driver, url)
        create_ms, floor_ms = [], []
        for draft in drafts:
            floor_ms.append(api.timed("GET", "/api/version"))
            create_ms.append(api.timed("POST", f"/api/articles/{article}/annotations", draft, expect=201))
            time.sleep(0.05)  # a reader's pace, not a flood: the page's poll and redraw run between creations
        wait_for(driver, "return document.querySelectorAll('.panel .annotation').length === arguments[0]", 10,
                 expected_highlights + len(drafts))
        figures["create_ms"], figures["version_ms"] = create_ms, floor_ms
        return figures
    finally:
        if driver is not None:
            driver.quit()
        server.stop()


def summary(samples: list[float]) -> tuple[float, float, float]:
    """Median, p95 and p99."""
    return statistics.median(samples), percentile(samples, 0.95), percentile(samples, 0.99)


def python_with_selenium() -> str:
    """This Python when it has Selenium, else Debian's (python3-selenium), which the browser side then runs in."""
    if importlib.util.find_spec("selenium") is not None:
        return sys.executable
    if os.path.exists("/usr/bin/python3"):
        return "/usr/bin/python3"
    raise ReaderError("selenium is missing: apt-get install python3-selenium")


def measure_in_child(binary: Path, db: Path, tmp: Path, article: str, drafts: list[dict], queries: list[str],
                     runs: int, expected_highlights: int) -> dict:
    """``measure`` in a Python that has Selenium (this file run as a script, its arguments as JSON on stdin)."""
    request = {"binary": str(binary), "db": str(db), "tmp": str(tmp), "article": article, "drafts": drafts,
               "queries": queries, "runs": runs, "expected_highlights": expected_highlights}
    child = subprocess.run([python_with_selenium(), __file__], input=json.dumps(request), capture_output=True,
                           text=True, timeout=1800)
    if child.returncode != 0:
        raise ReaderError(child.stderr.strip().splitlines()[-1] if child.stderr.strip() else f"exit {child.returncode}")
    return json.loads(child.stdout)


if __name__ == "__main__":
    arguments = json.load(sys.stdin)
    try:
        result = measure(Path(arguments["binary"]), Path(arguments["db"]), Path(arguments["tmp"]), arguments["article"],
                         arguments["drafts"], arguments["queries"], arguments["runs"], arguments["expected_highlights"])
    except ReaderError as error:
        print(f"reader: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump(result, sys.stdout)
