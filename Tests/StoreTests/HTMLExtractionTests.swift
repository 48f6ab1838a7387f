import Foundation
import Testing

@testable import Store

/// Paragraphs of a made-up story, long enough to be an article, for the pages these tests write.
let harbourStory = [
    "The harbour council voted on Tuesday to rebuild the sea wall, after a winter of storms, floods and long arguments about the cost.",
    "Work starts in May. The contractor, chosen from four bidders, expects the first section to be finished by the autumn tides.",
    "Residents of the lower town, whose cellars flooded twice in January, asked for pumps to be installed before the work begins.",
]

/// A page around `body`, with `head` in its `<head>`.
func page(head: String = "<title>Sea wall to be rebuilt</title>", body: String) -> String {
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\(head)</head><body>\(body)</body></html>"
}

/// The story as `<p>` elements.
let storyParagraphs = harbourStory.map { "<p>\($0)</p>" }.joined(separator: "\n")

/// Reads `html` as an `.html` file would be read.
func htmlDraft(_ html: String) throws -> ArticleDraft {
    try #require(ArticleDraft.parse(Data(html.utf8), named: "page.html").first)
}

@Suite struct HTMLExtractionTests {
    @Test("JSON-LD gives the headline, every author, the date in UTC and the publisher as source")
    func jsonLD() throws {
        let metadata = """
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Council backs sea wall rebuild",
             "author": [{"@type": "Person", "name": "Priya Raman"}, {"@type": "Person", "name": "Tom Okafor"}],
             "datePublished": "2026-03-14T09:30:00+01:00", "publisher": {"@type": "Organization", "name": "Harbour Gazette"}}
            </script>
            """
        let draft = try htmlDraft(page(head: "<title>Sea wall</title>" + metadata, body: storyParagraphs))
        #expect(draft.title == "Council backs sea wall rebuild")
        #expect(draft.byline == "Priya Raman, Tom Okafor")
        #expect(draft.publishedAt == "2026-03-14T08:30:00Z")
        #expect(draft.source == "Harbour Gazette")
        #expect(draft.body == harbourStory.joined(separator: "\n\n"))
    }

    @Test("An article inside an @graph, after a WebSite and with its type in an array, is found")
    func jsonLDGraph() throws {
        let metadata = """
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "name": "Gazette site"},
              {"@type": ["ReportageNewsArticle"], "headline": "Lower town asks for pumps", "author": {"name": "Ana Lima"},
               "datePublished": "2026-01-20"}]}
            </script>
            """
        let draft = try htmlDraft(page(head: metadata, body: storyParagraphs))
        #expect(draft.title == "Lower town asks for pumps")
        #expect(draft.byline == "Ana Lima")
        #expect(draft.publishedAt == "2026-01-20")
    }

    @Test("The OpenGraph title loses the site name after a separator; the site name is the source")
    func openGraphTitle() throws {
        let head = """
            <title>Sea wall | Harbour Gazette</title>
            <meta property="og:title" content="Council backs sea wall rebuild - Harbour Gazette">
            <meta property="og:site_name" content="Harbour Gazette">
            <meta property="article:published_time" content="2026-03-14">
            <meta property="article:author" content="https://gazette.example/staff/priya">
            <meta name="author" content="Priya Raman">
            """
        let draft = try htmlDraft(page(head: head, body: storyParagraphs))
        #expect(draft.title == "Council backs sea wall rebuild")
        #expect(draft.source == "Harbour Gazette")
        #expect(draft.publishedAt == "2026-03-14")
        #expect(draft.byline == "Priya Raman")
    }

    @Test("A <title> loses a short site part when a substantial title is left, and keeps a short title whole")
    func documentTitle() throws {
        let long = try htmlDraft(
            page(head: "<title>Council agrees to rebuild the sea wall | Gazette</title>", body: storyParagraphs))
        #expect(long.title == "Council agrees to rebuild the sea wall")
        let short = try htmlDraft(page(head: "<title>Sea wall - Gazette</title>", body: storyParagraphs))
        #expect(short.title == "Sea wall - Gazette")
    }

    @Test("The description is the dek, unless it is the start of the first paragraph")
    func dek() throws {
        let own = try htmlDraft(
            page(
                head: #"<title>Sea wall</title><meta name="description" content="Work starts in May">"#,
                body: storyParagraphs))
        #expect(own.dek == "Work starts in May")
        let repeated = try htmlDraft(
            page(
                head:
                    #"<title>Sea wall</title><meta property="og:description" content="The harbour council voted on Tuesday to rebuild…">"#,
                body: storyParagraphs))
        #expect(repeated.dek == nil)
    }

    @Test("Navigation, header, footer, share buttons, comments, related links and hidden elements are left out")
    func boilerplate() throws {
        let body = """
            <header><a href="/">Harbour Gazette</a> <a href="/sport">Sport</a></header>
            <nav><ul><li><a href="/news">News</a></li><li><a href="/weather">Weather today and tomorrow</a></li></ul></nav>
            <div class="main-column">
              <h1>Sea wall to be rebuilt</h1>
              <div class="share-tools"><a href="#">Share this story on every network you have ever heard of</a></div>
              \(storyParagraphs)
              <p hidden>This paragraph is hidden from every reader, it should never be imported.</p>
              <p style="display: none">Neither is this one, which a stylesheet hides from view.</p>
              <div aria-hidden="true">An overlay that screen readers skip, with a long text nobody reads.</div>
              <aside><p>Pull quote: the sea wall will last a hundred years, says the engineer.</p></aside>
              <ul class="related-links"><li><a href="/a">Storms batter the coast for a third night</a></li>
                <li><a href="/b">Ferry cancelled, again</a></li></ul>
              <div id="comments"><p>Great news, finally, after all these years of waiting for the council to act.</p></div>
            </div>
            <footer><p>Copyright Harbour Gazette, all rights reserved, registered in the harbour town.</p></footer>
            """
        let draft = try htmlDraft(page(body: body))
        #expect(draft.body == harbourStory.joined(separator: "\n\n"))
    }

    @Test("A block's link density counts the spaces between its paragraphs, as textContent does: 30 of 152, kept")
    func linkDensityCountsSpaces() throws {
        // Counted without the spaces between text nodes the links would be 30 of 147 characters, over the 0.2 a
        // block without a story class may have.
        let services = """
            <div class="harbour-services">
              <p>High and low water for the harbour town <a href="/tides">Tide times</a></p>
              <p>Berths free this week on the east quays <a href="/berths">Berth list</a></p>
              <p>Sailings of the island ferries each day <a href="/ferry">Timetables</a></p>
            </div>
            """
        let draft = try htmlDraft(page(body: "<article>\(storyParagraphs)\(services)</article>"))
        #expect(
            draft.body.hasSuffix(
                "High and low water for the harbour town Tide times\n\n"
                    + "Berths free this week on the east quays Berth list\n\nSailings of the island ferries each day Timetables"
            ))
    }

    @Test(
        "A list of links in the story stays, as Readability keeps it, unless its class says story and it is all links")
    func linkListsInStory() throws {
        let sources = """
            <ul><li><a href="/report">The harbour master's report for 2025</a></li>
            <li><a href="/survey">The engineers' survey of the old wall</a></li></ul>
            """
        let marked =
            #"<ul class="post-links"><li><a href="/a">Ferry timetable</a></li><li><a href="/b">Tides</a></li></ul>"#
        let draft = try htmlDraft(page(body: "<article>\(storyParagraphs)\(sources)\(marked)</article>"))
        #expect(draft.body.hasSuffix("The harbour master's report for 2025\n\nThe engineers' survey of the old wall"))
        #expect(!draft.body.contains("Ferry timetable"))
    }

    @Test(
        "Headings, list items, quotations and preformatted text are paragraphs; inline markup is dropped; entities are decoded"
    )
    func blocks() throws {
        let body = """
            <article>
            <p>The council&#8217;s engineer, Zo&euml; Nov&aacute;kov&aacute;, gave   the <em>cost</em>:&nbsp;<b>&pound;4m</b> &amp; rising.</p>
            <h2>What happens next</h2>
            <ul><li>Survey the <a href="/wall">old wall</a></li><li>Pour the new footings</li></ul>
            <blockquote>It will last a hundred years, whatever the sea does to it.</blockquote>
            <pre>Phase 1: May
            Phase 2: September</pre>
            <p>First line<br>second line</p>
            \(storyParagraphs)
            </article>
            """
        let draft = try htmlDraft(page(body: body))
        let expected = [
            "The council’s engineer, Zoë Nováková, gave the cost: £4m & rising.", "What happens next",
            "Survey the old wall", "Pour the new footings",
            "It will last a hundred years, whatever the sea does to it.",
            "Phase 1: May\nPhase 2: September", "First line\nsecond line",
        ]
        #expect(draft.body == (expected + harbourStory).joined(separator: "\n\n"))
    }

    @Test("A stream of other stories' teasers with more prose than the story is left out, its class naming it")
    func teaserStream() throws {
        let teasers = (1...8).map {
            "<p>Teaser \($0): a long summary of another story, with commas, clauses, quotes and more words than the story has, to tempt a reader away.</p>"
        }
        let body =
            "<div class=\"story\">\(storyParagraphs)<p>\(harbourStory[0]) \(harbourStory[1])</p></div>"
            + "<div class=\"cover-wrap\"><ul><li>Georgia</li><li>Palatino Linotype</li><li>Courier New</li></ul></div>"
            + "<div class=\"related-stream\">\(teasers.joined())</div>"
        let draft = try htmlDraft(page(body: body))
        #expect(draft.body.hasPrefix(harbourStory[0]))
        #expect(!draft.body.contains("Teaser"))
        #expect(!draft.body.contains("Palatino"))
    }

    @Test("A story whose own block has a furniture class is still found, the page read again with fewer rules")
    func storyInFurnitureClass() throws {
        let draft = try htmlDraft(page(body: "<div class=\"extra-wide\">\(storyParagraphs)</div>"))
        #expect(draft.body == harbourStory.joined(separator: "\n\n"))
    }

    @Test("An itemprop=articleBody is the story even beside a longer block of other text")
    func articleBody() throws {
        let other = (1...6).map {
            "<p>Letter \($0) to the editor, about parking, the weather, and the price of fish.</p>"
        }
        let body = """
            <div itemprop="articleBody">\(storyParagraphs)</div>
            <div class="letters">\(other.joined())</div>
            """
        #expect(try htmlDraft(page(body: body)).body == harbourStory.joined(separator: "\n\n"))
    }

    @Test("A JSON-LD name is the title when the page's <title> holds it and not the headline, which is then a summary")
    func jsonLDName() throws {
        let head = """
            <title>Harbour wall - Town wiki</title>
            <script type="application/ld+json">
            {"@type": "Article", "name": "Harbour wall", "headline": "stone breakwater built in 1820"}
            </script>
            """
        #expect(try htmlDraft(page(head: head, body: storyParagraphs)).title == "Harbour wall")
    }

    @Test(
        "The byline printed on the page is found by its class; a date or a menu of links with such a class is not one")
    func bylineElement() throws {
        let body = """
            <div class="author-menu"><a href="/in">Sign in</a> <a href="/up">Sign up</a> <a href="/s">Subscribe</a>
              <a href="/m">Menu</a></div>
            <span class="byline-date">14 March 2026</span>
            <p class="byline">By Marcus Ellery</p>
            \(storyParagraphs)
            """
        #expect(try htmlDraft(page(body: body)).byline == "Marcus Ellery")
    }

    @Test("A page with no title anywhere whose first paragraph is long is skipped")
    func noTitle() throws {
        #expect {
            try ArticleDraft.parse(Data(("<html><body>" + storyParagraphs + "</body></html>").utf8), named: "page.html")
        } throws: { error in
            (error as? StoreError)?.message == "no title: the page has no <title>, heading or title metadata"
        }
    }

    @Test("A formula's MathML is kept as text, also in a MathJax container whose class mentions a menu")
    func mathML() throws {
        let body = """
            <article>\(storyParagraphs)
            <p>The wall rises by <span class="MathJax CtxtMenu_Attached_0"><math><mi>h</mi><mo>=</mo><mn>2</mn></math></span> metres.</p>
            </article>
            """
        #expect(try htmlDraft(page(body: body)).body.hasSuffix("The wall rises by h=2 metres."))
    }

    @Test("The byline printed beside the story wins over a teaser's and a commenter's; a date after the name is cut")
    func bylineNearStory() throws {
        let body = """
            <div class="teasers"><p class="byline">By Jenny Kutner</p><a href="/other">Another story</a></div>
            <div class="story">
              <div class="story-info"><span class="byline">Marcus Ellery May 20, 2026</span></div>
              <div class="story-body">\(storyParagraphs)</div>
            </div>
            <div class="comments"><p class="comment-author">Alexander Petrov</p><p>First!</p></div>
            """
        #expect(try htmlDraft(page(body: body)).byline == "Marcus Ellery")
    }
}

@Suite struct HTMLTextPrimitiveTests {
    @Test("Runs of white space, no-break spaces among them, become one space; other characters stay as they are")
    func collapsingRuns() {
        #expect(HTMLText.collapsingRuns("a \t\n\r\u{0C}b\u{A0}\u{A0} c") == "a b c")
        #expect(HTMLText.collapsingRuns("  Zoë’s 日本語  ") == " Zoë’s 日本語 ")
        #expect(HTMLText.collapsingRuns("Â\u{A0}é") == "Â é")
        #expect(HTMLText.collapsingRuns("") == "")
    }

    @Test("Commas are counted in ASCII, fullwidth and ideographic forms, and nothing else is taken for one")
    func commas() {
        #expect(ContentScoring.measure("one, two，three、four").commas == 3)
        #expect(ContentScoring.measure("no commas here: 。；“”").commas == 0)
    }

    @Test("A text is measured as textContent once collapsed and trimmed: in UTF-16 code units, its end spaces apart")
    func measure() {
        typealias Span = ContentScoring.TextSpan
        #expect(
            ContentScoring.measure("  Zoë \n\t said\u{A0}\u{A0}no ").0
                == Span(length: 11, leadingSpace: true, trailingSpace: true))
        #expect(ContentScoring.measure("日本語😀").0 == Span(length: 5))
        #expect(ContentScoring.measure(" \n ").0 == Span(length: 0, leadingSpace: true, trailingSpace: true))
        #expect(ContentScoring.measure("").0 == Span())
    }

    @Test("Spans join as adjacent text does: one space where either side has white space, none where neither has")
    func spansJoin() {
        func span(_ text: String) -> ContentScoring.TextSpan { ContentScoring.measure(text).0 }
        #expect((span("one ") + span("two")).length == 7)
        #expect((span("one") + span(" two")).length == 7)
        #expect((span("one ") + span(" ") + span(" two")).length == 7)
        #expect((span("one") + span("two")).length == 6)
        #expect((span("  ") + span("one")) == span(" one"))
        #expect((span("one") + span("  ")) == span("one "))
        #expect((span(" ") + span("")) == span(" "))
    }

    @Test("A node's subtree is the nodes from it to its subtree's end, in document order, siblings after it")
    func subtrees() throws {
        let tree = try HTMLTree(
            html: "<html><body><div><p>one <b>two</b></p><p>three</p></div><p>four</p></body></html>")
        let div = try #require(tree.firstElement("div"))
        #expect(tree.elements("p", under: div).map { tree.collapsedText($0) } == ["one two", "three"])
        #expect(tree.elements("p").map { tree.collapsedText($0) } == ["one two", "three", "four"])
        #expect(tree.textContent(div) == "one twothree")
        let after = tree.subtreeEnd(div)
        #expect(tree[after].name == "p" && tree.collapsedText(after) == "four")
        #expect(tree.descendants(of: 0) == 0..<tree.nodes.count)
        #expect(tree.firstElement("table") == nil)
    }

    @Test("Class hints match within a class or id, case ignored, and an ad- class word counts as -ad-")
    func classHints() {
        #expect(ClassHints.matches("Site-SIDEBAR left", ClassHints.unlikely))
        #expect(!ClassHints.matches("story-body", ClassHints.unlikely))
        #expect(ClassHints.matches("wide ad-slot", ["-ad-"]))
        #expect(ClassHints.matches("ad-slot", ["-ad-"]) && !ClassHints.matches("bad-slot", ["-ad-"]))
        #expect(
            ClassHints.matches("x-COMMENTS", ["comment", "combx"]) && ClassHints.matches("combx", ["comment", "combx"]))
        #expect(!ClassHints.matches("comm", ["comment"]))
        #expect(!ClassHints.matches("", ClassHints.unlikely))
    }
}
