"""The README's picture of the reader: an article with highlights, overlapping ones, notes and a teammate's."""

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_screenshot_of_the_reader(page, newsdb, tmp_path):
    from test_live import make_teammate
    article = newsdb.article_id("Tide gauge")
    bob = make_teammate(newsdb, tmp_path, "bob")
    bob.run("annotate", article, "--quote", "bent against the north pier", "--color", "purple",
            "--note", "Harbour master's photo, 4 March", "--motivation", "assessing")
    bob.run("sync", "export", "--for", "alice", "--out", str(tmp_path / "from-bob.json"))
    newsdb.run("sync", "import", str(tmp_path / "from-bob.json"))
    newsdb.run("annotate", article, "--quote", "replace the tide gauge", "--color", "green", "--tag", "claim")
    newsdb.run("annotate", article, "--quote", "tide gauge at the harbour mouth", "--color", "blue",
               "--note", "Photo from the **harbour master** shows the gauge *bent* — ask for the log.")
    newsdb.run("annotate", article, "--quote", "£48,000", "--note", "Check the cost with the Environment Agency",
               "--tag", "money", "--color", "orange")
    page.open(f"/articles/{article}")
    page.drag_select("sea wall repairs")
    page.press("h")
    page.wait(lambda: len(page.panel_quotes()) == 5)
    page.press("j")
    page.press("j")
    page.driver.execute_script("window.scrollTo(0, 0)")
    page.drag_select("lost moorings")
    page.wait(lambda: page.find("#toolbar").is_displayed())
    target = DOCS / "reader.png"
    assert page.driver.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
