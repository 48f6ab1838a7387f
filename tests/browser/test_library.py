"""The library: every article with its details, search, filters, sort and paging."""

from selenium.webdriver.support.ui import Select


def titles(page):
    return page.texts(".library-title")


def test_lists_every_article_with_source_date_words_and_annotations(page, newsdb):
    ferry = newsdb.article_id("Ferry")
    newsdb.run("annotate", ferry, "--quote", "shortage of crew")
    page.open("/")
    assert len(titles(page)) == 3
    row = [e for e in page.find_all(".library-item") if "Ferry" in e.text][0]
    text = row.text
    assert "Harrowgate Bay Gazette" in text and "1 annotation by alice" in text
    assert "word" in text and row.find_elements("css selector", "time")
    assert "3 articles" in page.find(".summary").text


def test_filters_by_tag_color_author_and_has(page, newsdb):
    ferry = newsdb.article_id("Ferry")
    tide = newsdb.article_id("Tide gauge")
    newsdb.run("annotate", ferry, "--quote", "shortage of crew", "--tag", "staffing", "--color", "green")
    newsdb.run("annotate", tide, "--quote", "hardship fund", "--color", "pink")
    page.open("/")
    Select(page.find("select[name=tag]")).select_by_value("staffing")
    page.wait(lambda: titles(page) == ["Ferry timetable changes from May"])
    assert "tag=staffing" in page.driver.current_url
    Select(page.find("select[name=tag]")).select_by_value("")
    Select(page.find("select[name=color]")).select_by_value("pink")
    page.wait(lambda: titles(page) == ["Tide gauge at Harrowgate Bay to be replaced after storm"])
    Select(page.find("select[name=color]")).select_by_value("")
    Select(page.find("select[name=has]")).select_by_value("annotations")
    page.wait(lambda: len(titles(page)) == 2)
    Select(page.find("select[name=author]")).select_by_value("alice")
    page.wait(lambda: len(titles(page)) == 2)
    # The filters are in the address: a reload keeps them.
    page.driver.refresh()
    page.wait_ready()
    assert len(titles(page)) == 2
    assert Select(page.find("select[name=has]")).first_selected_option.get_attribute("value") == "annotations"


def test_sorts_by_published_date(page, newsdb):
    page.open("/?sort=published")
    assert titles(page)[0] == "Ferry timetable changes from May"  # published 1 April, the latest


def test_search_with_tag_syntax(page, newsdb):
    ferry = newsdb.article_id("Ferry")
    newsdb.run("annotate", ferry, "--quote", "shortage of crew", "--tag", "staffing")
    page.open("/")
    page.find("#search").send_keys("tag:staffing")
    page.wait(lambda: titles(page) == ["Ferry timetable changes from May"])


def test_pages_of_fifty(page, newsdb, tmp_path):
    import json
    lines = [json.dumps({"title": f"Numbered story {i:03}", "body": f"Story number {i} of the paging test."})
             for i in range(60)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    newsdb.run("import", str(tmp_path / "many.jsonl"))
    page.open("/")
    assert len(titles(page)) == 50
    assert "1–50 of 63 articles" in page.find(".summary").text
    page.find(".pager button").click()
    page.wait(lambda: len(titles(page)) == 13)
    assert "offset=50" in page.driver.current_url
    assert "51–63 of 63" in page.find(".summary").text
