"""The revision picker and orphans: an earlier text with the annotations as they stood on it."""

from selenium.webdriver.support.ui import Select


def revise_tide(newsdb, tmp_path):
    article = newsdb.article_id("Tide gauge")
    current = newsdb.article(article)
    newsdb.run("annotate", article, "--quote", "sea wall repairs", "--note", "Were they tested?")
    newsdb.run("annotate", article, "--quote", "hardship fund")
    revised = dict(current)
    revised = {"title": current["title"], "body": current["body"].replace(
        "showed the sea wall repairs had held through the surge", "showed the harbour had held")}
    import json
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
