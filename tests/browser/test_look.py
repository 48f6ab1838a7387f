"""How the page looks: usable at 360 px wide, dark mode from the system, the shortcut list from its button."""


def test_usable_at_360_pixels(page, newsdb):
    tide = newsdb.article_id("Tide gauge")
    newsdb.run("annotate", tide, "--quote", "hardship fund", "--note", "A note")
    page.emulate_width(360)
    hostile = newsdb.article_id("Council")
    for path in ("/", f"/articles/{hostile}", f"/articles/{tide}"):
        page.open(path)
        assert page.driver.execute_script("return innerWidth") == 360
        overflow = page.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow} px wider than a 360 px window"
    page.drag_select("north pier")
    assert page.driver.execute_script(
        "const r = document.getElementById('toolbar').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth")


def brightness(page, script):
    red, green, blue = page.driver.execute_script(
        f"return getComputedStyle({script}).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)")
    return (red + green + blue) / 3


def test_dark_mode_follows_the_system(page, newsdb):
    tide = newsdb.article_id("Tide gauge")
    newsdb.run("annotate", tide, "--quote", "hardship fund", "--color", "green")
    page.open(f"/articles/{tide}")
    assert brightness(page, "document.body") > 200
    light = brightness(page, "document.querySelector('.hl')")
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        assert brightness(page, "document.body") < 50
        assert brightness(page, "document.querySelector('.hl')") < light
    finally:
        page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_the_help_button_opens_the_shortcut_list(page, newsdb):
    page.find("#help-button").click()
    page.wait(lambda: page.find("#help").is_displayed())
    page.find("#help button").click()
    page.wait(lambda: not page.find("#help").is_displayed())
