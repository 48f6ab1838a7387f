"""The reader stays fast on a long article with 500 annotations, many overlapping."""

import json


def long_article(paragraphs=80, words=70):
    body = []
    for p in range(paragraphs):
        body.append(" ".join(f"w{p:02}x{w:02}" for w in range(words)) + ".")
    return "\n\n".join(body)


def test_five_hundred_highlights_draw_quickly(page, newsdb, tmp_path):
    (tmp_path / "long.json").write_text(json.dumps({"title": "A long article", "body": long_article()}))
    newsdb.run("import", str(tmp_path / "long.json"))
    article = newsdb.article_id("A long article")
    lines = []
    for i in range(500):
        p, w = divmod(i * 11, 70)
        p %= 80
        span = 2 + i % 5  # 2 to 6 words: neighbours overlap
        quote = " ".join(f"w{p:02}x{x:02}" for x in range(w, min(70, w + span)))
        lines.append(json.dumps({"article": article, "quote": quote, "color": ["yellow", "green", "blue"][i % 3],
                                 "note": f"note {i}" if i % 4 == 0 else None}))
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    newsdb.run("annotations", "import", str(tmp_path / "many.jsonl"))
    times = []
    for _ in range(3):
        page.open(f"/articles/{article}")
        drawn = page.driver.execute_script("""
            const ids = new Set();
            for (const s of document.querySelectorAll('.article-body .hl')) for (const id of s.dataset.ids.split(' ')) ids.add(id);
            return ids.size""")
        assert drawn == 500
        assert len(page.find_all(".panel .annotation")) == 500
        times.append(page.driver.execute_script("""
            const ready = performance.getEntriesByName('newsdb:view-ready')[0].startTime;
            const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/articles/'));
            return [ready, api.responseEnd - api.requestStart, ready - api.responseEnd]"""))
    median, fetching, drawing = sorted(times)[1]
    print(f"\n500 annotations: navigation to every highlight drawn, median of 3: {median:.0f} ms "
          f"(of which the API's answer {fetching:.0f} ms, drawing {drawing:.0f} ms)")
    assert median < 1500, f"drawing 500 annotations took {median:.0f} ms"
