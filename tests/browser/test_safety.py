"""Untrusted text (titles, bodies, notes, tags, authors) is shown inert: no script runs, no element is made
from it, no javascript: link is followed."""

import time

from selenium.common.exceptions import NoAlertPresentException

HOSTILE_NOTE = (
    "<script>window.pwnedBy='note-script'</script> "
    "<img src=x onerror=\"window.pwnedBy='note-img'\"> "
    "[click me](javascript:window.pwnedBy='note-link') "
    "<!-- a comment --> <a href=\"javascript:window.pwnedBy='raw-link'\">raw</a> **bold**"
)


def assert_inert(page):
    assert page.driver.execute_script("return window.pwnedBy === undefined"), "untrusted text ran as script"
    try:
        page.driver.switch_to.alert
    except NoAlertPresentException:
        pass
    else:
        raise AssertionError("an alert opened")


def test_a_hostile_note_typed_in_the_page_is_inert(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    page.open(f"/articles/{article}")
    page.drag_select("hardship fund")
    page.press("n")
    page.wait(lambda: page.find("#editor").is_displayed())
    page.find("#editor-note").send_keys(HOSTILE_NOTE)
    # The preview is inert too.
    page.find("#editor-preview-tab").click()
    preview = page.find("#editor-preview")
    assert preview.find_elements("css selector", "script, img, iframe") == []
    assert [a.get_attribute("href") for a in preview.find_elements("css selector", "a")] == []
    assert "<script>" in preview.text
    page.find("#editor-save").click()
    page.wait(lambda: page.find_all(".panel .note"))
    time.sleep(0.3)
    note = page.find(".panel .note")
    assert note.find_elements("css selector", "script, img, iframe, object, embed") == []
    for link in note.find_elements("css selector", "a"):
        assert link.get_attribute("href").split(":")[0] in ("http", "https", "mailto")
    assert "<script>" in note.text and "<img" in note.text
    assert "bold" in [e.text for e in note.find_elements("css selector", "strong")]
    # Clicking every link in the note does nothing harmful.
    for link in note.find_elements("css selector", "a"):
        link.click()
    assert_inert(page)
    [stored] = newsdb.annotations(article)
    assert stored.get("note") == HOSTILE_NOTE


def test_a_hostile_article_and_teammate_text_are_inert(page, newsdb):
    article = newsdb.article_id("Council")
    newsdb.run("annotate", article, "--quote", "the budget", "--note", HOSTILE_NOTE,
               "--tag", "x-onerror")
    # The library first: the title is text.
    page.open("/")
    titles = page.texts(".library-title")
    assert any("<img src=x" in t and "<script>" in t for t in titles)
    assert page.find_all(".library img, .library script") == []
    page.open(f"/articles/{article}")
    assert "<script>" in page.find(".article-title").text
    assert "<b>not bold</b>" in page.find(".article-dek").text
    assert "<i>Mallory</i>" in page.find(".article-byline").text
    assert "<script>" in page.find(".article-body").text
    assert page.find_all(".reader img, .reader script, .reader b, .reader i, .article-header iframe") == []
    assert_inert(page)


def test_search_snippets_mark_only_what_the_api_marks(page, newsdb):
    page.open("/")
    search = page.find("#search")
    search.send_keys("budget")
    page.wait(lambda: page.find_all(".snippet mark"))
    snippet = page.find(".snippet")
    assert [m.text.lower() for m in snippet.find_elements("css selector", "mark")] == ["budget"]
    assert snippet.find_elements("css selector", "script, img") == []
    assert_inert(page)
