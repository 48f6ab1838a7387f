"""Fixtures for the reader's browser tests: a newsdb database with the articles under articles/, `newsdb web`
serving it, and headless Chromium (Debian's, through /usr/bin/chromedriver) driving the page.

Nothing is built here: the newsdb binary comes from $NEWSDB_BIN (`swift build --show-bin-path`/newsdb).
"""

import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")

# Selenium Manager must never look for a browser or driver on the network.
os.environ["SE_AVOID_STATS"] = "true"
os.environ["SE_OFFLINE"] = "true"


def _require(condition, message):
    # Never skipped: a missing component fails every test loudly, in CI and on a developer's machine alike.
    if not condition:
        pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def newsdb_bin():
    path = os.environ.get("NEWSDB_BIN", "")
    _require(path, "set NEWSDB_BIN to the newsdb binary: NEWSDB_BIN=$(swift build --show-bin-path)/newsdb")
    _require(os.access(path, os.X_OK), f"NEWSDB_BIN={path} is not an executable file; run `swift build` first")
    return path


class Newsdb:
    """The newsdb command line against one database."""

    def __init__(self, binary, database):
        self.binary = binary
        self.database = str(database)

    def run(self, *args, check=True, input=None):
        environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
        environment["NO_COLOR"] = "1"
        # --db last: every subcommand takes it.
        result = subprocess.run(
            [self.binary, *args, "--db", self.database],
            capture_output=True, text=True, input=input, env=environment, timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"newsdb {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def annotations(self, article=None):
        return self.json("annotations", "list", *([article] if article else []))

    def article(self, article, revision=None):
        return self.json("show", article, *(["--revision", str(revision)] if revision else []))

    def article_id(self, title_word):
        found = [a for a in self.json("list") if title_word in a["title"]]
        assert len(found) == 1, f"expected one article with {title_word!r} in its title, found {found}"
        return found[0]["id"]


class Server:
    """`newsdb web` serving a database on a free loopback port."""

    def __init__(self, newsdb, log_path):
        self.newsdb = newsdb
        self.log = open(log_path, "w")
        environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
        self.process = subprocess.Popen(
            [newsdb.binary, "web", "--port", "0", "--db", newsdb.database],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=environment,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        deadline = time.monotonic() + 20
        self.url = None
        while time.monotonic() < deadline and self.url is None:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            match = re.search(r"http://127\.0\.0\.1:(\d+)/\?key=\S+", line)
            if match:
                self.url = match.group(0)
                self.port = int(match.group(1))
        if self.url is None:
            self.stop()
            raise AssertionError(f"`newsdb web` printed no address within 20 s; stderr: {Path(log_path).read_text()}")
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@pytest.fixture
def newsdb(newsdb_bin, tmp_path):
    """A fresh database, replica `alice`, holding the articles under articles/."""
    cli = Newsdb(newsdb_bin, tmp_path / "alice.sqlite")
    cli.run("init", "--name", "alice")
    cli.run("import", str(ARTICLES))
    return cli


@pytest.fixture
def server(newsdb, tmp_path):
    running = Server(newsdb, tmp_path / "web.log")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    _require(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM),
             f"{CHROMIUM} is missing: apt-get install chromium chromium-driver python3-selenium")
    _require(os.path.exists(CHROMEDRIVER), f"{CHROMEDRIVER} is missing: apt-get install chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: apt-get install python3-selenium", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--force-device-scale-factor=1", "--lang=en-GB",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(10)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, server):
    """The browser, with a session on `server` (its key traded for the cookie) and on the library page."""
    browser.delete_all_cookies()
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.set_window_size(1280, 900)
    browser.get(server.url)
    reader = Reader(browser, server)
    reader.wait_ready()
    yield reader
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    # Leave the page before its server stops, so that its polling does not log into the next test.
    browser.get("about:blank")
    browser.get_log("browser")
    assert not errors, f"the page logged errors: {errors}"


class Reader:
    """Helpers for driving the reader page."""

    def __init__(self, driver, server):
        self.driver = driver
        self.server = server

    def wait(self, condition, timeout=5, message="the page did not get there"):
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        # The page redraws what changed: an element found just before a redraw is gone when it is read, and the
        # condition is then asked again on the new one.
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05,
                             ignored_exceptions=(StaleElementReferenceException,)).until(lambda d: condition(), message)

    def wait_ready(self):
        self.wait(lambda: self.driver.execute_script(
            "return document.getElementById('view').dataset.ready === 'true'"), 10, "the view did not load")

    def open(self, path):
        self.driver.execute_script("document.getElementById('view').dataset.ready = 'false'")
        self.driver.get(self.server.base + path)
        self.wait_ready()

    def emulate_width(self, width, height=740):
        """A phone-sized viewport: headless Chromium's window cannot be narrower than 500 px."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def press(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains
        chain = ActionChains(self.driver)
        for key in keys:
            chain.send_keys(key)
        chain.perform()

    def text_rects(self, text, occurrence=1, root=".article-body"):
        """The viewport rectangles of the first and last characters of `text` in the article body (or the
        element `root` names: `.article-title`, `.article-dek`), after scrolling it into the middle of the window.
        Located by the page's own text nodes, in UTF-16 units."""
        rects = self.driver.execute_script(
            """
            const [wanted, occurrence, root] = arguments;
            const body = document.querySelector(root);
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            const nodes = [];
            let text = '';
            while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
            let at = -1;
            for (let i = 0; i < occurrence; i++) { at = text.indexOf(wanted, at + 1); if (at < 0) return null; }
            const point = (offset) => {
              for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
            };
            const rectOf = (offset, length) => {
              const range = document.createRange();
              const [startNode, startOffset] = point(offset);
              range.setStart(startNode, startOffset);
              range.setEnd(startNode, Math.min(startNode.length, startOffset + length));
              return range.getClientRects()[0];
            };
            const firstRange = document.createRange();
            const [n, o] = point(at);
            firstRange.setStart(n, o);
            n.parentElement.scrollIntoView({block: 'center'});
            const last = wanted.length - (/[\\uDC00-\\uDFFF]$/.test(wanted) ? 2 : 1);
            const first = rectOf(at, 1), end = rectOf(at + last, wanted.length - last);
            return [first.left, first.top, first.height, end.right, end.top, end.height];
            """, text, occurrence, root)
        assert rects, f"{text!r} is not in {root}"
        return rects

    def drag_select(self, text, occurrence=1, root=".article-body"):
        """Selects `text` in the article body (or in `root`) with a real mouse drag: press just inside its first
        character, move, release just inside its last one."""
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        left, top, height, right, end_top, end_height = self.text_rects(text, occurrence, root)
        actions = ActionBuilder(self.driver)
        pointer = actions.pointer_action
        pointer.move_to_location(int(left + 1), int(top + height / 2))
        pointer.pointer_down()
        pointer.move_to_location(int((left + right) / 2), int(end_top + end_height / 2))
        pointer.move_to_location(int(right - 1), int(end_top + end_height / 2))
        pointer.pointer_up()
        actions.perform()
        self.wait(lambda: self.find("#toolbar").is_displayed(), 3, "the selection toolbar did not appear")

    def selected_text(self):
        return self.driver.execute_script("return document.getSelection().toString()")

    def texts(self, css):
        """The text of every element matching `css`, read in one script (the page may redraw between reads)."""
        return self.driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css)

    def panel_quotes(self):
        return self.texts(".panel .annotation-list:not(.orphans) .quote-text")
