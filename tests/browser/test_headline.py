"""Annotating the headline and the dek as the body is: a real mouse drag on the headline, `h`, and the stored
annotation on the part `title` with offsets in the headline's scalars; drawn there, listed first, kept on reload."""

from selenium.webdriver.common.keys import Keys
from test_annotating import expected_selector, open_tide, wait_for_annotations


def test_drag_on_the_headline_and_h_stores_it_on_the_title(page, newsdb):
    article = open_tide(page, newsdb)
    title = newsdb.article(article)["title"]
    page.drag_select("Harrowgate Bay", root=".article-title")
    assert page.selected_text() == "Harrowgate Bay"
    page.press("h")
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored["part"] == "title"
    assert stored["selector"] == expected_selector(title, "Harrowgate Bay")
    assert stored["anchor"] == {"state": "exact", "revision": 1, "start": 14, "end": 28}
    page.wait(lambda: page.texts(".article-title .hl") == ["Harrowgate Bay"])
    assert page.texts(".article-body .hl") == []
    assert page.texts(".panel .annotation-list .part") == ["headline"]
    page.open(f"/articles/{article}")
    assert page.texts(".article-title .hl") == ["Harrowgate Bay"]


def test_the_dek_and_document_order(page, newsdb):
    article = open_tide(page, newsdb)
    stored = newsdb.article(article)
    page.drag_select("sea wall repairs")
    page.press("h")
    wait_for_annotations(newsdb, article, 1)
    page.wait(lambda: page.panel_quotes() == ["sea wall repairs"])
    page.drag_select("readings were lost", root=".article-dek")
    page.press("2")
    annotations = wait_for_annotations(newsdb, article, 2)
    [dek] = [a for a in annotations if a["part"] == "dek"]
    assert dek["selector"] == expected_selector(stored["dek"], "readings were lost")
    assert dek["color"] == "green"
    page.wait(lambda: page.texts(".article-dek .hl") == ["readings were lost"])
    page.drag_select("Tide gauge", root=".article-title")
    page.press("h")
    wait_for_annotations(newsdb, article, 3)
    # The panel lists the headline's, then the dek's, then the body's.
    page.wait(lambda: page.panel_quotes() == ["Tide gauge", "readings were lost", "sea wall repairs"])
    # With none chosen, j starts from the headline and walks them in that order.
    page.press(Keys.ESCAPE)
    page.press("j")
    page.wait(lambda: page.texts(".article-title .hl.current") == ["Tide gauge"])
    page.press("j")
    page.wait(lambda: page.texts(".article-dek .hl.current") == ["readings were lost"])
    page.press("j")
    page.wait(lambda: page.texts(".article-body .hl.current") == ["sea wall repairs"])
