"""Every keyboard shortcut: j/k, /, ?, Esc, h, n, t, 1-6, e, Delete, u, g, Enter."""

import time

from selenium.webdriver.common.keys import Keys


def active_id(page):
    return page.driver.switch_to.active_element.get_attribute("id")


def current_quote(page):
    found = page.find_all(".panel .annotation.current .quote-text")
    return found[0].text if found else None


def annotated_tide(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    for quote in ("hardship fund", "tide gauge at the harbour mouth", "sea wall repairs"):
        newsdb.run("annotate", article, "--quote", quote)
    page.open(f"/articles/{article}")
    return article


def test_j_and_k_move_through_annotations_in_document_order(page, newsdb):
    annotated_tide(page, newsdb)
    page.press("j")
    assert current_quote(page) == "tide gauge at the harbour mouth"
    assert page.texts(".article-body .hl.current") == ["tide gauge at the harbour mouth"]
    page.press("j")
    assert current_quote(page) == "sea wall repairs"
    page.press("j")
    page.press("j")  # stays on the last
    assert current_quote(page) == "hardship fund"
    page.press("k")
    assert current_quote(page) == "sea wall repairs"
    page.press(Keys.ESCAPE)
    assert current_quote(page) is None


def test_clicking_an_annotation_scrolls_to_its_highlight(page, newsdb):
    annotated_tide(page, newsdb)
    page.driver.set_window_size(1280, 400)
    page.find_all(".panel .annotation .quote-text")[2].click()
    assert current_quote(page) == "hardship fund"
    visible = page.driver.execute_script("""
        const r = document.querySelector('.article-body .hl.current').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;""")
    assert visible


def test_clicking_a_highlight_chooses_its_annotation(page, newsdb):
    annotated_tide(page, newsdb)
    highlight = [e for e in page.find_all(".article-body .hl") if e.text == "hardship fund"][0]
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", highlight)
    highlight.click()
    assert current_quote(page) == "hardship fund"
    assert page.driver.execute_script("""
        const r = document.querySelector('.panel .annotation.current').getBoundingClientRect();
        const panel = document.querySelector('.panel').getBoundingClientRect();
        return r.top >= panel.top && r.bottom <= panel.bottom + 1""")


def test_slash_focuses_search_and_escape_leaves_it(page, newsdb):
    annotated_tide(page, newsdb)
    page.press("/")
    assert active_id(page) == "search"
    page.press("Skerry", Keys.ENTER)
    page.wait(lambda: page.driver.current_url.endswith("/?q=Skerry"))
    page.wait_ready()
    page.wait(lambda: page.texts(".library-title") == ["Ferry timetable changes from May"])
    page.press(Keys.ESCAPE)
    assert active_id(page) != "search"


def test_question_mark_opens_the_shortcut_list_and_escape_closes_it(page, newsdb):
    page.press("?")
    page.wait(lambda: page.find("#help").is_displayed())
    assert "Next and previous annotation" in page.find("#help").text
    page.press(Keys.ESCAPE)
    page.wait(lambda: not page.find("#help").is_displayed())


def test_escape_closes_the_toolbar_and_the_editor(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    page.open(f"/articles/{article}")
    page.drag_select("north pier")
    page.press(Keys.ESCAPE)
    page.wait(lambda: not page.find("#toolbar").is_displayed())
    assert page.selected_text() == ""
    page.drag_select("north pier")
    page.press("n")
    page.wait(lambda: page.find("#editor").is_displayed())
    assert active_id(page) == "editor-note"
    page.press("unsaved")
    page.press(Keys.ESCAPE)
    page.wait(lambda: not page.find("#editor").is_displayed())
    time.sleep(0.3)
    assert newsdb.annotations(article) == []


def test_every_color_key(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    page.open(f"/articles/{article}")
    words = ["harbour authority", "replace", "storm", "chief executive", "Monday", "surge"]
    for key, word in enumerate(words, start=1):
        page.drag_select(word)
        page.press(str(key))
        page.wait(lambda: len(newsdb.annotations(article)) == key)
    colors = {a["selector"]["exact"]: a["color"] for a in newsdb.annotations(article)}
    assert colors == dict(zip(words, ["yellow", "green", "blue", "pink", "purple", "orange"]))


def test_t_opens_tags_and_ctrl_enter_saves(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    page.open(f"/articles/{article}")
    page.drag_select("hardship fund")
    page.press("t")
    page.wait(lambda: active_id(page) == "editor-tags")
    page.press("fund, council")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(page.driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    page.wait(lambda: len(newsdb.annotations(article)) == 1)
    [stored] = newsdb.annotations(article)
    assert stored["tags"] == ["council", "fund"] and stored.get("note") is None


def test_e_edits_delete_deletes_and_u_undoes(page, newsdb):
    article = annotated_tide(page, newsdb)
    page.press("j")
    page.press("e")
    page.wait(lambda: page.find("#editor").is_displayed())
    page.press("edited by keyboard")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(page.driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    page.wait(lambda: not page.find("#editor").is_displayed())
    notes = {a["selector"]["exact"]: a.get("note") for a in newsdb.annotations(article)}
    assert notes["tide gauge at the harbour mouth"] == "edited by keyboard"
    page.wait(lambda: current_quote(page) == "tide gauge at the harbour mouth")
    page.press(Keys.DELETE)
    page.wait(lambda: len(newsdb.annotations(article)) == 2)
    page.press("u")
    page.wait(lambda: len(newsdb.annotations(article)) == 3)
    page.wait(lambda: len(page.panel_quotes()) == 3)


def test_library_j_k_enter_and_g(page, newsdb):
    page.press("j")
    first = page.find(".library-item.current .library-title").text
    page.press("j")
    page.press("k")
    assert page.find(".library-item.current .library-title").text == first
    page.press(Keys.ENTER)
    page.wait(lambda: "/articles/" in page.driver.current_url)
    page.wait_ready()
    assert page.find(".article-title").text == first
    page.press("g")
    page.wait(lambda: page.driver.current_url.rstrip("/").endswith(str(page.server.port)))
    page.wait_ready()
    assert page.find_all(".library-item")
