import Foundation
import Testing

@testable import Store

@Suite struct PlainTextArticleTests {
    @Test("Title, dek, byline, date line and body are found, paragraphs kept")
    func fullHeader() throws {
        let text = """
            Harbour council approves sea wall

            Work starts in April after a decade of floods

            By Jane Rowe

            March 14, 2026

            The council voted 9 to 2 on Tuesday.
            A second line of the same paragraph.

            Work begins in April.
            """
        let draft = try PlainTextArticle.parse(text)
        #expect(draft.title == "Harbour council approves sea wall")
        #expect(draft.dek == "Work starts in April after a decade of floods")
        #expect(draft.byline == "Jane Rowe")
        #expect(draft.publishedAt == "2026-03-14")
        #expect(
            draft.body
                == "The council voted 9 to 2 on Tuesday.\nA second line of the same paragraph.\n\nWork begins in April."
        )
    }

    @Test("A lead sentence after the title is body, not dek (the BBC corpus's form)")
    func noDek() throws {
        let draft = try PlainTextArticle.parse(
            "Ad sales boost profits\n\nQuarterly profits jumped 76% to $1.13bn.\n\nMore text.\n")
        #expect(draft.dek == nil)
        #expect(draft.body == "Quarterly profits jumped 76% to $1.13bn.\n\nMore text.")
    }

    @Test("A byline standing alone after the story is found and removed from the body")
    func trailingByline() throws {
        let draft = try PlainTextArticle.parse(
            "Title\n\nFirst paragraph.\n\nSecond paragraph.\n\nAuthor: Dave Example\n\nDave is a reporter.\n")
        #expect(draft.byline == "Dave Example")
        #expect(draft.body == "First paragraph.\n\nSecond paragraph.\n\nDave is a reporter.")
    }

    @Test("Written by, and a date line with time and zone, become byline and a UTC instant")
    func writtenByAndInstant() throws {
        let draft = try PlainTextArticle.parse(
            "Title\n\nWritten by Henrik Example\n\nMay.05 - 2024 10:44 AM CET\n\nBody.\n")
        #expect(draft.byline == "Henrik Example")
        #expect(draft.publishedAt == "2024-05-05T09:44:00Z")
        #expect(draft.dek == nil)
        #expect(draft.body == "Body.")
    }

    @Test("A sentence starting with 'By' is not a byline")
    func bySentence() throws {
        let draft = try PlainTextArticle.parse("Title\n\nBy the time the vote closed, turnout had doubled.\n\nMore.\n")
        #expect(draft.byline == nil)
        #expect(draft.body.hasPrefix("By the time"))
    }

    @Test("CRLF line endings, trailing spaces and indentation are normalized")
    func lineEndings() throws {
        let draft = try PlainTextArticle.parse("  Title  \r\n\r\n  First line.  \r\nSecond line.\r\n")
        #expect(draft.title == "Title")
        #expect(draft.body == "First line.\nSecond line.")
    }

    @Test("A title with no body is an error")
    func noBody() {
        let error = #expect(throws: StoreError.self) { try PlainTextArticle.parse("Only a title\n\n\n") }
        #expect(error?.message == "the article has a title but no body")
    }

    @Test("A title with only a dek-like line keeps that line as the body")
    func shortBody() throws {
        let draft = try PlainTextArticle.parse("Title\n\nJust one short line\n")
        #expect(draft.dek == nil)
        #expect(draft.body == "Just one short line")
    }
}

@Suite struct DateLineTests {
    @Test(
        "Dates in the forms news sites print",
        arguments: [
            ("2026-03-14", "2026-03-14"),
            ("March 14, 2026", "2026-03-14"),
            ("14 March 2026", "2026-03-14"),
            ("Published: 14 Mar 2026", "2026-03-14"),
            ("Sat, 14 Mar 2026 09:30 GMT", "2026-03-14T09:30:00Z"),
            ("Updated March 14th, 2026 at 5:15 pm EST", "2026-03-14T22:15:00Z"),
            ("2026-03-14T09:30:00+01:00", "2026-03-14T08:30:00Z"),
            ("Mar.16 - 2026 10:44 AM", "2026-03-16"),
            ("Updated: 2026-03-14", "2026-03-14"),
            ("Published: 2026-03-14T09:30:00Z", "2026-03-14T09:30:00Z"),
            ("2026-03-14 09:30", "2026-03-14"),
            ("2026-03-14T09:30Z", "2026-03-14T09:30:00Z"),
            ("2026-03-14T09:30:00", "2026-03-14"),
            ("2026-03-14T09:30:00.250-05:00", "2026-03-14T14:30:00Z"),
            ("Sat, 14 Mar 2026 09:30:00 +0000", "2026-03-14T09:30:00Z"),
            ("14 March 2026 10:00 +0530", "2026-03-14T04:30:00Z"),
        ])
    func parses(_ line: String, _ expected: String) {
        #expect(DateLine.parse(line) == expected)
    }

    @Test(
        "Lines that are not only a date",
        arguments: [
            "The vote is on March 14, 2026",
            "February 30, 2026",
            "14 March",
            "2026",
            "By Jane Rowe",
            "13:99 March 3 2026 GMT",
            "2026-03-14T25:00:00Z",
            "2026-13-01",
            "Updated daily",
        ])
    func rejects(_ line: String) {
        #expect(DateLine.parse(line) == nil)
    }
}
