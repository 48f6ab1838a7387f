import Testing

@testable import Reader

/// Notes are teammates' text: their Markdown becomes HTML in which nothing of the note itself is markup.
@Suite struct NoteHTMLTests {
    @Test("Markdown is rendered: emphasis, lists, code, links to http, https and mailto")
    func markdown() {
        #expect(NoteHTML.render("Check the **offer**") == "<p>Check the <strong>offer</strong></p>")
        #expect(NoteHTML.render("- one\n- two")?.contains("<li>one</li>") == true)
        #expect(NoteHTML.render("use `a < b`") == "<p>use <code>a &lt; b</code></p>")
        #expect(
            NoteHTML.render("[source](https://example.org/a?b=1&c=2)")
                == #"<p><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">source</a></p>"#)
        #expect(
            NoteHTML.render("[mail](mailto:desk@example.org)")?.contains(#"href="mailto:desk@example.org""#) == true)
        #expect(NoteHTML.render(nil) == nil)
    }

    @Test(
        "Raw HTML, comments, event handlers and javascript: links in a note are inert text",
        arguments: [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!-- hidden --> shown",
            "<a href=\"javascript:alert(1)\">x</a>", "[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))",
            "[click]( javascript:alert(1))", "[click](java\tscript:alert(1))", "[x](data:text/html,<script>a</script>)",
            "![pic](https://example.org/x.png)", "![pic](javascript:alert(1))", "[x](&#106;avascript:alert(1))",
            "[x](http://a\"onmouseover=\"alert(1))", "<svg onload=alert(1)>", "<style>body{}</style>",
            "<iframe src=//evil>", "[x](vbscript:msgbox)",
        ])
    func inert(note: String) throws {
        let html = try #require(NoteHTML.render(note))
        // The only elements are Ink's own: no tag from the note, no attribute but a checked href and rel.
        let tags = html.matches(of: /<\/?([a-zA-Z0-9]+)([^>]*)>/)
        for tag in tags {
            #expect(["p", "a", "code", "strong", "em"].contains(String(tag.output.1)), "\(html)")
            let attributes = String(tag.output.2)
            if !attributes.isEmpty {
                #expect(attributes.hasPrefix(#" href="http"#) && attributes.hasSuffix(#" rel="noopener noreferrer""#))
                #expect(!attributes.dropFirst(7).dropLast(27).contains("\""), "\(html)")
            }
        }
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<!--"), "\(html)")
    }
}
