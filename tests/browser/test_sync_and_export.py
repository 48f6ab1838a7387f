"""Sync now against a teammate's real `newsdb serve` on loopback, and exports downloaded from the page."""

import json
import re
import subprocess
import time

import pytest

from conftest import Newsdb


class Serving:
    """A teammate's `newsdb serve` on a free loopback port."""

    def __init__(self, teammate, log_path):
        self.log_path = log_path
        self.process = subprocess.Popen(
            [teammate.binary, "serve", "--port", "0", "--db", teammate.database],
            stdout=subprocess.DEVNULL, stderr=open(log_path, "w"), text=True)
        deadline = time.monotonic() + 20
        self.url = None
        while self.url is None and time.monotonic() < deadline and self.process.poll() is None:
            match = re.search(r"http://127\.0\.0\.1:\d+", log_path.read_text())
            self.url = match.group(0) if match else None
            time.sleep(0.05)
        if self.url is None:
            self.stop()
            raise AssertionError(f"`newsdb serve` printed no address: {log_path.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def bob(newsdb, tmp_path):
    """Bob's replica, with alice's articles (through a change file) and his note on the ferry article, serving."""
    teammate = Newsdb(newsdb.binary, tmp_path / "bob.sqlite")
    teammate.run("init", "--name", "bob")
    newsdb.run("sync", "export", "--out", str(tmp_path / "from-alice.json"))
    teammate.run("sync", "import", str(tmp_path / "from-alice.json"))
    teammate.run("annotate", newsdb.article_id("Ferry"), "--quote", "every ninety minutes",
                 "--note", "Operator confirmed by phone")
    token = teammate.run("tokens", "create", "alice").stdout.strip()
    serving = Serving(teammate, tmp_path / "serve.log")
    newsdb.run("peers", "add", "bob-laptop", serving.url, "--token", token)
    yield teammate
    serving.stop()


def open_sync_menu_by_keyboard(page):
    from selenium.webdriver.common.keys import Keys
    page.driver.execute_script("document.querySelector('#sync summary').focus()")
    page.press(Keys.ENTER)
    page.wait(lambda: page.driver.execute_script("return document.getElementById('sync').open"))
    page.press(Keys.TAB)
    return page.driver.execute_script("return document.activeElement.dataset.peer")


def test_sync_now_brings_the_teammates_annotation_into_the_open_article(page, newsdb, bob):
    article = newsdb.article_id("Ferry")
    page.open(f"/articles/{article}")
    assert page.panel_quotes() == []
    # Reached with the keyboard: the menu's summary, Enter, Tab to the server's button, Enter.
    assert open_sync_menu_by_keyboard(page) == "bob-laptop"
    from selenium.webdriver.common.keys import Keys
    page.press(Keys.ENTER)
    page.wait(lambda: re.fullmatch(r"Sent \d+, received [1-9]\d* from bob-laptop\.", page.find("#sync-status").text),
              timeout=10, message="Sync now said nothing")
    page.wait(lambda: page.panel_quotes() == ["every ninety minutes"], message="bob's annotation did not appear")
    item = page.find(".panel .annotation")
    assert item.find_element("css selector", ".author").text == "bob"
    assert page.find(".article-body .hl").text == "every ninety minutes"
    assert [a["author"] for a in newsdb.annotations(article)] == ["bob"]
    page.press(Keys.ESCAPE)
    assert not page.driver.execute_script("return document.getElementById('sync').open")

    # Alice's own annotation goes the other way at the next click.
    newsdb.run("annotate", article, "--quote", "shortage of crew")
    page.find("#sync summary").click()
    page.find("#sync .sync-peer").click()
    page.wait(lambda: page.find("#sync-status").text == "Sent 1, received 0 from bob-laptop.", timeout=10)
    assert sorted(a["author"] for a in bob.annotations(article)) == ["alice", "bob"]


def test_sync_now_with_a_server_that_is_gone_says_so(page, newsdb, bob, tmp_path):
    newsdb.run("peers", "add", "gone", "http://127.0.0.1:9", "--token", "t")
    page.open("/")
    before = newsdb.json("peers", "list")
    page.find("#sync summary").click()
    page.find("#sync .sync-peer[data-peer='gone']").click()
    page.wait(lambda: "cannot reach http://127.0.0.1:9" in page.find("#sync-status").text, timeout=15)
    assert "error" in page.find("#sync-status").get_attribute("class")
    # The browser logs the 502 as a failed load; it is the answer expected here, and the only error.
    severe = [e["message"] for e in page.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert len(severe) == 1 and "/api/peers/gone/sync" in severe[0] and "502" in severe[0], severe
    assert newsdb.annotations() == []
    assert newsdb.json("peers", "list") == before


def test_no_sync_menu_without_a_server(page):
    assert not page.find("#sync").is_displayed()


def fetch(page, href):
    """The body of a link of the page, fetched as the page would download it, with its Content-Disposition."""
    return page.driver.execute_async_script("""
        const [href, done] = arguments;
        fetch(href).then(async (r) => done([r.status, r.headers.get('Content-Disposition'), await r.text()]));
        """, href)


def cli_export(newsdb, tmp_path, fmt, *article):
    out = tmp_path / f"cli-export.{fmt}"
    newsdb.run("annotations", "export", "--format", fmt, *article, "--out", str(out))
    return out.read_text()


def without_ids(w3c):
    document = json.loads(w3c)
    del document["id"], document["first"]["id"]
    return document


def test_the_articles_export_links_give_what_newsdb_annotations_export_writes(page, newsdb, tmp_path):
    article = newsdb.article_id("Ferry")
    newsdb.run("annotate", article, "--quote", "shortage of crew", "--note", "Ask *the union*", "--tag", "staff")
    newsdb.run("annotate", newsdb.article_id("Tide gauge"), "--quote", "north pier")
    page.open(f"/articles/{article}")
    links = {a.get_attribute("data-format"): a for a in page.find_all(".article-meta .export-link")}
    assert [links[f].text for f in ("markdown", "w3c")] == ["Markdown", "JSON-LD"]
    status, disposition, markdown = fetch(page, links["markdown"].get_attribute("href"))
    assert status == 200 and disposition == f'attachment; filename="newsdb-{article[:8]}.md"'
    assert markdown == cli_export(newsdb, tmp_path, "markdown", article)
    assert "> shortage of crew" in markdown and "north pier" not in markdown
    status, disposition, w3c = fetch(page, links["w3c"].get_attribute("href"))
    assert disposition == f'attachment; filename="newsdb-{article[:8]}.jsonld"'
    assert without_ids(w3c) == without_ids(cli_export(newsdb, tmp_path, "w3c", article))


def test_the_librarys_export_follows_its_filter(page, newsdb, tmp_path):
    from selenium.webdriver.support.ui import Select
    newsdb.run("annotate", newsdb.article_id("Ferry"), "--quote", "shortage of crew", "--tag", "staff")
    newsdb.run("annotate", newsdb.article_id("Tide gauge"), "--quote", "north pier")
    page.open("/")
    link = lambda: page.find(".filters .export-link[data-format='markdown']").get_attribute("href")
    _, disposition, everything = fetch(page, link())
    assert disposition == 'attachment; filename="newsdb-annotations.md"'
    assert everything == cli_export(newsdb, tmp_path, "markdown")
    Select(page.find("select[name='tag']")).select_by_value("staff")
    page.wait(lambda: "tag=staff" in link())
    _, _, tagged = fetch(page, link())
    assert "> shortage of crew" in tagged and "north pier" not in tagged
