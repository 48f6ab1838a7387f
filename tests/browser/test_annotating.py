"""Selecting a passage with the mouse and annotating it: the stored selector, drawn highlights, notes, edits,
deletion with Undo."""

import time


def open_tide(page, newsdb):
    article = newsdb.article_id("Tide gauge")
    page.open(f"/articles/{article}")
    return article


def expected_selector(body, quote, occurrence=1):
    """The selector the CLI would store for `quote`: Python counts code points, which are Unicode scalars."""
    start = -1
    for _ in range(occurrence):
        start = body.index(quote, start + 1)
    end = start + len(quote)
    return {"exact": quote, "start": start, "end": end,
            "prefix": body[max(0, start - 32):start], "suffix": body[end:end + 32]}


def wait_for_annotations(newsdb, article, count, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        annotations = newsdb.annotations(article)
        if len(annotations) >= count or time.monotonic() > deadline:
            return annotations
        time.sleep(0.1)


def test_drag_and_h_stores_the_passage_with_scalar_offsets(page, newsdb):
    article = open_tide(page, newsdb)
    body = newsdb.article(article)["body"]
    page.drag_select("tide gauge at the harbour mouth")
    assert page.selected_text() == "tide gauge at the harbour mouth"
    page.press("h")
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored["selector"] == expected_selector(body, "tide gauge at the harbour mouth")
    assert stored["color"] == "yellow"
    assert stored["author"] == "alice"
    page.wait(lambda: page.panel_quotes() == ["tide gauge at the harbour mouth"])
    drawn = "".join(page.texts(".article-body .hl"))
    assert drawn == "tide gauge at the harbour mouth"


def test_offsets_after_emoji_and_combining_marks_count_scalars(page, newsdb):
    article = open_tide(page, newsdb)
    body = newsdb.article(article)["body"]
    # The paragraph holds 🌊, 👩‍🔬 (three scalars, five UTF-16 units), x̂ and q̇ (combining marks with no
    # precomposed form, so kept by the importer's NFC) and ⚓️ before the passage.
    assert "👩\u200d🔬" in body and "x\u0302" in body and "q\u0307" in body
    page.drag_select("sea wall repairs")
    page.press("h")
    [stored] = wait_for_annotations(newsdb, article, 1)
    expected = expected_selector(body, "sea wall repairs")
    assert stored["selector"] == expected
    # UTF-16 offsets would be larger: the browser's counting was converted.
    assert body.encode("utf-16-le").index("sea wall repairs".encode("utf-16-le")) // 2 > expected["start"]
    # The CLI agrees the passage is where it says.
    assert stored["anchor"]["start"] == expected["start"] and stored["anchor"]["state"] == "exact"


def test_a_passage_just_after_an_emoji_in_the_same_text_node(page, newsdb):
    article = open_tide(page, newsdb)
    body = newsdb.article(article)["body"]
    page.drag_select(", whose sensors stood")
    page.press("h")
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored["selector"] == expected_selector(body, ", whose sensors stood")


def test_highlight_is_still_drawn_after_reload(page, newsdb):
    article = open_tide(page, newsdb)
    page.drag_select("sea wall repairs")
    page.press("h")
    wait_for_annotations(newsdb, article, 1)
    page.driver.refresh()
    page.wait_ready()
    page.wait(lambda: page.texts(".article-body .hl") == ["sea wall repairs"])
    assert page.panel_quotes() == ["sea wall repairs"]


def test_a_color_key_highlights_in_that_color(page, newsdb):
    article = open_tide(page, newsdb)
    page.drag_select("bent against the north pier")
    page.press("4")
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored["color"] == "pink"
    page.wait(lambda: page.find_all(".article-body .hl.c-pink"))


def test_overlapping_highlights_are_both_visible(page, newsdb):
    article = open_tide(page, newsdb)
    newsdb.run("annotate", article, "--quote", "replace the tide gauge", "--color", "green")
    newsdb.run("annotate", article, "--quote", "tide gauge at the harbour mouth", "--color", "blue")
    page.open(f"/articles/{article}")
    segments = [(e.get_attribute("textContent"), e.get_attribute("class")) for e in page.find_all(".article-body .hl")]
    assert [text for text, _ in segments] == ["replace the ", "tide gauge", " at the harbour mouth"]
    overlap = segments[1][1].split()
    # One color as the background, the other as the underline.
    assert "hl-overlap" in overlap
    assert {"c-blue", "hl-under-green"} <= set(overlap) or {"c-green", "hl-under-blue"} <= set(overlap)
    assert "c-green" in segments[0][1].split() and "c-blue" in segments[2][1].split()


def test_note_with_tags_is_saved_and_shown(page, newsdb):
    article = open_tide(page, newsdb)
    page.drag_select("£48,000")
    page.press("n")
    page.wait(lambda: page.find("#editor").is_displayed())
    page.find("#editor-note").send_keys("Check the **cost** with the agency")
    page.find("#editor-tags").send_keys("claim, money")
    page.find("#editor-save").click()
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored.get("note") == "Check the **cost** with the agency"
    assert stored["tags"] == ["claim", "money"]
    assert stored["selector"]["exact"] == "£48,000"
    page.wait(lambda: page.find_all(".panel .note strong"))
    assert page.find(".panel .note strong").text == "cost"
    assert [e.text for e in page.find_all(".panel .tags li")] == ["#claim", "#money"]


def test_tags_complete_from_the_tags_in_use(page, newsdb):
    article = open_tide(page, newsdb)
    newsdb.run("annotate", article, "--quote", "hardship fund", "--tag", "storm-damage")
    page.drag_select("new gauge")
    page.press("t")
    page.wait(lambda: page.driver.switch_to.active_element.get_attribute("id") == "editor-tags")
    page.wait(lambda: [o.get_attribute("value") for o in page.find_all("#tag-list option")] == ["storm-damage"])


def test_edit_changes_note_tags_color_and_motivation(page, newsdb):
    article = open_tide(page, newsdb)
    newsdb.run("annotate", article, "--quote", "hardship fund", "--note", "first", "--tag", "old")
    page.open(f"/articles/{article}")
    page.find(".panel .annotation .actions button").click()  # Edit
    page.wait(lambda: page.find("#editor").is_displayed())
    note = page.find("#editor-note")
    note.clear()
    note.send_keys("second")
    tags = page.find("#editor-tags")
    tags.clear()
    tags.send_keys("new, fund")
    page.find("#editor .swatch-choice:nth-of-type(3)").click()  # blue
    from selenium.webdriver.support.ui import Select
    Select(page.find("#editor-motivation")).select_by_value("questioning")
    page.find("#editor-save").click()
    page.wait(lambda: not page.find("#editor").is_displayed())
    [stored] = newsdb.annotations(article)
    assert (stored.get("note"), stored["tags"], stored["color"], stored["motivation"]) == \
        ("second", ["fund", "new"], "blue", "questioning")


def test_delete_then_undo_restores_the_annotation(page, newsdb):
    article = open_tide(page, newsdb)
    newsdb.run("annotate", article, "--quote", "hardship fund", "--note", "keep me")
    page.open(f"/articles/{article}")
    page.find_all(".panel .annotation .actions button")[1].click()  # Delete
    page.wait(lambda: newsdb.annotations(article) == [])
    page.wait(lambda: page.find("#toast").is_displayed())
    page.find("#toast .toast-action").click()
    page.wait(lambda: len(newsdb.annotations(article)) == 1)
    assert newsdb.annotations(article)[0].get("note") == "keep me"
    page.wait(lambda: page.panel_quotes() == ["hardship fund"])


def test_a_selection_outside_the_body_shows_no_toolbar(page, newsdb):
    open_tide(page, newsdb)
    page.driver.execute_script("""
        const range = document.createRange();
        range.selectNodeContents(document.querySelector('.article-byline'));
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
    """)
    time.sleep(0.4)
    assert not page.find("#toolbar").is_displayed()


def test_double_click_selects_a_word_for_the_toolbar(page, newsdb):
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    article = open_tide(page, newsdb)
    left, top, height, right, _, _ = page.text_rects("moorings")
    actions = ActionBuilder(page.driver)
    actions.pointer_action.move_to_location(int((left + right) / 2), int(top + height / 2))
    actions.pointer_action.double_click()
    actions.perform()
    page.wait(lambda: page.find("#toolbar").is_displayed())
    page.press("h")
    [stored] = wait_for_annotations(newsdb, article, 1)
    assert stored["selector"]["exact"] == "moorings"
