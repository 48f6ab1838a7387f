"""The html-import workload's scoring: saved web pages, the text and metadata Mozilla's Readability extracts from
them, and how close an extractor comes (title, byline, body token F1), for newsdb and its peers alike.

A page folder holds `source.html`, `expected.html` (Readability's article) and `expected-metadata.json`
(`title`, `byline`, ...). The scores:
- title: exact after white space is normalized;
- byline: the extracted byline contains the expected one or is contained in it (case ignored), over the pages
  that expect one; a page whose extractor gives none counts as a miss;
- body: token-level F1 (words, lower-cased, as multisets) against the text of `expected.html`; its mean and its
  10th percentile (nearest rank) over all pages, a page the extractor skips counting 0.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Page:
    name: str
    source: Path
    title: str
    byline: str
    text: str  # expected.html's text


@dataclass
class Extracted:
    title: str
    byline: str
    body: str


@dataclass
class Scores:
    title: float  # share of pages with the exact title
    byline: float  # share of the pages that expect a byline
    f1_mean: float
    f1_p10: float
    skipped: int  # pages with no article extracted


class _Text(HTMLParser):
    """The text of an HTML fragment, block boundaries as spaces, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return normalize("".join(parser.parts))


def normalize(text: str | None) -> str:
    return " ".join((text or "").split())


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))


def token_f1(extracted: str, expected: str) -> float:
    got, want = tokens(extracted), tokens(expected)
    common = sum((got & want).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def load_pages(corpus: Path) -> list[Page]:
    pages = []
    for folder in sorted(p for p in corpus.iterdir() if (p / "source.html").is_file()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = (folder / "expected.html").read_text(encoding="utf-8", errors="replace")
        pages.append(Page(folder.name, folder / "source.html", normalize(meta.get("title")),
                          normalize(meta.get("byline")), html_text(expected)))
    return pages


def score(pages: list[Page], extracted: dict[str, Extracted | None]) -> Scores:
    f1s, titles, bylines, expecting, skipped = [], 0, 0, 0, 0
    for page in pages:
        got = extracted.get(page.name)
        if got is None:
            skipped += 1
            got = Extracted("", "", "")
        f1s.append(token_f1(got.body, page.text))
        titles += normalize(got.title) == page.title
        if page.byline:
            expecting += 1
            mine, theirs = normalize(got.byline).lower(), page.byline.lower()
            bylines += bool(mine) and (mine in theirs or theirs in mine)
    ordered = sorted(f1s)
    p10 = ordered[max(0, math.ceil(0.1 * len(ordered)) - 1)]
    return Scores(titles / len(pages), bylines / max(1, expecting), statistics.mean(f1s), p10, skipped)


# The peers, each run in a Python process of its own over every page (`python3 -c PEER_SCRIPT NAME LIST OUT`):
# the list holds one `name<TAB>path` line a page; the output is one JSON object of name -> {title, byline, body}.
PEER_SCRIPT = r"""
import json, sys
which, listing, out = sys.argv[1:4]
pages = [line.rstrip("\n").split("\t", 1) for line in open(listing, encoding="utf-8") if line.strip()]
result = {}
if which == "trafilatura":
    import trafilatura
    for name, path in pages:
        html = open(path, "rb").read()
        doc = trafilatura.bare_extraction(html, with_metadata=True, favor_precision=False)
        if doc is None:
            result[name] = None
            continue
        doc = doc if isinstance(doc, dict) else doc.as_dict()
        result[name] = {"title": doc.get("title") or "", "byline": doc.get("author") or "",
                        "body": doc.get("text") or ""}
else:
    from readability import Document
    from lxml import html as lxml_html
    for name, path in pages:
        html = open(path, "rb").read()
        try:
            doc = Document(html)
            summary = doc.summary(html_partial=True)
            body = lxml_html.fromstring(summary).text_content() if summary.strip() else ""
            result[name] = {"title": doc.short_title() or "", "byline": doc.author() if hasattr(doc, "author") else "",
                            "body": body}
        except Exception:
            result[name] = None
json.dump(result, open(out, "w", encoding="utf-8"))
"""


def read_peer_output(path: Path) -> dict[str, Extracted | None]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: (Extracted(v["title"], v["byline"] or "", v["body"]) if v else None) for name, v in raw.items()}
