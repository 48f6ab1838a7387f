"""The revision picker and orphans: an earlier text with the annotations as they stood on it."""

import json

from selenium.webdriver.support.ui import Select


def revise_tide(newsdb, tmp_path):
    article = newsdb.article_id("Tide gauge")
    current = newsdb.article(article)
    newsdb.run("annotate", article, "--quote", "sea wall repairs", "--note", "Were they tested?")
    newsdb.run("annotate", article, "--quote", "hardship fund")
    revised = dict(current)
    revised = {"title": current["title"], "body": current["body"].replace(
        "showed the sea wall repairs had held through the surge", "showed the harbour had held")}
    (tmp_path / "revised.json").write_text(json.dumps(revised, ensure_ascii=False))
    newsdb.run("import", "--revision-of", article, str(tmp_path / "revised.json"))
    return article


def test_orphans_are_listed_with_their_quote(page, newsdb, tmp_path):
    article = revise_tide(newsdb, tmp_path)
    page.open(f"/articles/{article}")
    assert page.panel_quotes() == ["hardship fund"]
    orphans = page.find(".panel .orphans")
    assert "sea wall repairs" in orphans.text and "Were they tested?" in orphans.text
    assert "orphan" in orphans.text


def test_the_picker_shows_an_earlier_text_with_its_annotations(page, newsdb, tmp_path):
    article = revise_tide(newsdb, tmp_path)
    page.open(f"/articles/{article}")
    Select(page.find("#revision")).select_by_value("1")
    page.wait(lambda: "revision=1" in page.driver.current_url)
    page.wait_ready()
    page.wait(lambda: "sea wall repairs" in page.find(".article-body").text)
    assert "earlier text" in page.find(".notice").text
    assert "sea wall repairs" in page.texts(".article-body .hl")
    # An earlier text is read, not annotated.
    assert page.find_all(".panel .actions") == []
    Select(page.find("#revision")).select_by_index(0)
    page.wait(lambda: "revision=" not in page.driver.current_url)
    page.wait_ready()
    assert "sea wall repairs" not in page.find(".article-body").text


def test_what_changed_marks_words_and_the_annotations_each_change_touched(page, newsdb, tmp_path):
    article = revise_tide(newsdb, tmp_path)
    page.open(f"/articles/{article}")
    [link] = [a for a in page.find_all(".crumbs a") if a.text == "What changed"]
    link.click()
    page.wait(lambda: page.driver.current_url.endswith(f"/articles/{article}/diff"))
    page.wait_ready()
    assert "revision 1 to revision 2" in page.find(".article-meta").text
    deleted = " ".join(page.texts(".diff-body del"))
    inserted = " ".join(page.texts(".diff-body ins"))
    assert "sea wall repairs" in deleted and "harbour" in inserted
    touched = [c.find_element("css selector", ".touched") for c in page.find_all(".panel .change")
               if c.find_elements("css selector", ".touched")]
    assert len(touched) == 1
    assert "sea wall repairs" in touched[0].text
    assert "orphan" in touched[0].find_element("css selector", ".state").text
    page.press("j")
    assert page.find_all(".panel .change.current")
    # The whole text is there, unchanged words as they were.
    assert "hardship fund" in page.find(".diff-body").text


def test_what_changed_marks_a_rewritten_headline_first(page, newsdb, tmp_path):
    article = newsdb.article_id("Tide gauge")
    current = newsdb.article(article)
    newsdb.run("annotate", article, "--in", "title", "--quote", "Tide gauge")
    revised = {"title": current["title"].replace("Tide gauge", "Harbour gauge"), "dek": current["dek"],
               "body": current["body"]}
    (tmp_path / "headline.json").write_text(json.dumps(revised, ensure_ascii=False))
    newsdb.run("import", "--revision-of", article, str(tmp_path / "headline.json"))
    page.open(f"/articles/{article}/diff")
    page.wait_ready()
    assert page.texts(".article-title del") == ["Tide"]
    assert page.texts(".article-title ins") == ["Harbour"]
    assert page.find_all(".diff-body del, .diff-body ins") == []
    [change] = page.find_all(".panel .change")
    assert "In the headline" in change.text
    assert "Tide gauge" in change.find_element("css selector", ".touched").text
    page.press("j")
    assert page.find_all(".article-title .current")
