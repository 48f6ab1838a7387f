import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct AnnotationTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let articleID: String

    static let body = """
        The council voted 9 to 2 on Tuesday to approve the sea wall.

        “It is a fair deal,” said the mayor, Ann Lee. The council will meet again in April.
        The vote was   close
        in the end.
        """

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        let json = try JSONSerialization.data(withJSONObject: [
            "title": "Sea wall approved", "body": Self.body, "url": "https://example.com/sea-wall",
        ])
        articleID = try database.importArticles([.data(json, name: "a.json")]).articles[0].id
    }

    private func scalarOffset(of text: String) throws -> Int {
        let stored = try database.article(articleID).body
        let range = try #require(stored.range(of: text))
        return stored.unicodeScalars[..<range.lowerBound].count
    }

    @Test("An annotation records the quote, 32 scalars of context and Unicode-scalar offsets")
    func selector() throws {
        let annotation = try database.annotate(
            AnnotationDraft(article: String(articleID.prefix(6)), quote: "fair deal"))
        let start = try scalarOffset(of: "fair deal")
        #expect(annotation.selector.exact == "fair deal")
        #expect(annotation.selector.start == start)
        #expect(annotation.selector.end == start + 9)
        #expect(annotation.selector.prefix.unicodeScalars.count == 32)
        #expect(annotation.selector.prefix.hasSuffix("“It is a "))
        #expect(annotation.selector.suffix.hasPrefix(",” said the mayor"))
        #expect(annotation.anchor == Anchor(state: .exact, revision: 1, range: start..<(start + 9)))
        #expect(annotation.motivation == .highlighting)
        #expect(annotation.color == .yellow)
        #expect(annotation.author == (try database.replica().name))
        #expect(UUID(uuidString: annotation.id) != nil)
    }

    @Test("Quotes match across line breaks, runs of spaces and straight or curly quotes")
    func whitespaceAndQuotes() throws {
        let across = try database.annotate(AnnotationDraft(article: articleID, quote: "was close in  the end"))
        #expect(across.selector.exact == "was   close\nin the end")
        let curly = try database.annotate(AnnotationDraft(article: articleID, quote: "\"It is a fair deal,\" said"))
        #expect(curly.selector.exact == "“It is a fair deal,” said")
    }

    @Test("A quote that does not occur is refused with the closest passage")
    func notFound() throws {
        let error = #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: articleID, quote: "voted 8 to 2 on Tuesday"))
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.hasSuffix("the closest passage is “voted 9 to 2 on Tuesday”") == true)
        #expect(try database.annotations().isEmpty)
    }

    @Test("A quote from the title or the dek is refused as such, not with the closest passage of the body")
    func headingQuote() throws {
        let json = try JSONSerialization.data(withJSONObject: [
            "title": "Harbour tolls rise", "dek": "Ferry users will pay more from May",
            "body": "The port raised its fees.",
        ])
        let id = try database.importArticles([.data(json, name: "tolls.json")]).articles[0].id
        for (quote, heading) in [("Harbour  tolls", "title"), ("pay more from May", "dek")] {
            let error = #expect(throws: StoreError.self) {
                try database.annotate(AnnotationDraft(article: id, quote: quote))
            }
            #expect(
                error?.message
                    == "the quote is from the \(heading) of article \(id.prefix(8)), not its body; give --in \(heading) to annotate it there"
            )
        }
        #expect(
            try database.annotate(AnnotationDraft(article: id, quote: "raised its fees")).selector.exact
                == "raised its fees")
    }

    @Test("A quote that would split a character (a flag, a skin tone, a family) is refused; whole characters are taken")
    func splitCharacters() throws {
        let json = try JSONSerialization.data(withJSONObject: [
            "title": "Emoji", "body": "The flag 🇬🇧 flew. Thumbs 👍🏽 up. A family 👩‍👩‍👧 waved, and 👩 alone.",
        ])
        let id = try database.importArticles([.data(json, name: "emoji.json")]).articles[0].id
        for quote in ["🇬", "🇧 flew", "Thumbs 👍", "🏽 up", "👩‍👩", "👧 waved"] {
            let error = #expect(throws: StoreError.self) {
                try database.annotate(AnnotationDraft(article: id, quote: quote))
            }
            #expect(
                error?.message.hasPrefix("the quote starts or ends inside a character of article \(id.prefix(8))")
                    == true)
        }
        for quote in ["🇬🇧", "Thumbs 👍🏽", "👩‍👩‍👧 waved"] {
            #expect(try database.annotate(AnnotationDraft(article: id, quote: quote)).selector.exact == quote)
        }
        // 👩 occurs whole once (alone) and twice inside the family: only the whole one counts.
        let alone = try database.annotate(AnnotationDraft(article: id, quote: "👩"))
        #expect(alone.selector.suffix.hasPrefix(" alone."))
        #expect(try database.annotations(AnnotationFilter(article: id)).count == 4)
    }

    @Test("A quote that occurs twice is refused with both occurrences in context, unless --occurrence picks one")
    func ambiguous() throws {
        let error = #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: articleID, quote: "The council"))
        }
        #expect(error?.code == .ambiguous)
        let lines = error?.message.split(separator: "\n") ?? []
        #expect(lines.count == 3)
        #expect(lines.first?.contains("occurs 2 times") == true)
        #expect(lines[1].contains("The council voted 9 to 2"))
        #expect(lines[2].contains("The council will meet"))
        let second = try database.annotate(AnnotationDraft(article: articleID, quote: "The council", occurrence: 2))
        #expect(second.selector.start == (try scalarOffset(of: "The council will")))
        #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: articleID, quote: "The council", occurrence: 3))
        }
    }

    @Test("Offsets count Unicode scalars, whatever the emoji, combining marks or right-to-left text before the quote")
    func scalarOffsets() throws {
        let body = "Emoji 👩🏽‍🚀 and e\u{0301} then שלום then the target word."
        let json = try JSONSerialization.data(withJSONObject: ["title": "Scripts", "body": body])
        let id = try database.importArticles([.data(json, name: "b.json")]).articles[0].id
        let annotation = try database.annotate(AnnotationDraft(article: id, quote: "target"))
        let stored = try database.article(id).body
        let scalars = Array(stored.unicodeScalars)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[annotation.selector.start..<annotation.selector.end])
        #expect(String(view) == "target")
        // The replica that made it finds its quote at its offsets, after multi-byte scalars and in them.
        #expect(annotation.anchor.state == .exact)
        #expect(
            try database.annotate(AnnotationDraft(article: id, quote: "e\u{0301} then שלום")).anchor.state == .exact)
        #expect(try database.annotate(AnnotationDraft(article: id, quote: "👩🏽‍🚀")).anchor.state == .exact)
    }

    @Test("Tags are a normalized set; edits add and remove tags, change the note and color, and record the time")
    func edit() throws {
        let made = try database.annotate(
            AnnotationDraft(article: articleID, quote: "sea wall", tags: ["Claim", "#claim", "vote"]))
        #expect(made.tags == ["claim", "vote"])
        #expect(made.motivation == .tagging)
        let edited = try database.editAnnotation(
            String(made.id.prefix(8)),
            AnnotationChanges(note: "Check the vote count", addTags: ["numbers"], removeTags: ["vote"], color: .blue))
        #expect(edited.tags == ["claim", "numbers"])
        #expect(edited.note == "Check the vote count")
        #expect(edited.color == .blue)
        #expect(try database.search(SearchQuery("count")).map(\.matchedIn) == [.note])
        #expect(try database.fullTextIndexIsConsistent())
        let cleared = try database.editAnnotation(made.id, AnnotationChanges(note: ""))
        #expect(cleared.note == nil)
        #expect(try database.fullTextIndexIsConsistent())
        #expect(try database.search(SearchQuery("count")).isEmpty)
        #expect(throws: StoreError.self) { try database.editAnnotation(made.id, AnnotationChanges()) }
        #expect(throws: StoreError.self) {
            try database.editAnnotation(made.id, AnnotationChanges(addTags: ["two words"]))
        }
        #expect(throws: StoreError.self) {
            try database.editAnnotation(made.id, AnnotationChanges(addTags: ["left\u{1F}right"]))
        }
    }

    @Test("A note holding a NUL character is refused when made or edited, and nothing is written")
    func nulInNote() throws {
        let error = #expect(throws: StoreError.self) {
            try database.annotate(AnnotationDraft(article: articleID, quote: "fair deal", note: "who\u{0} pays?"))
        }
        #expect(error?.message == "a note cannot hold a NUL character (U+0000); nothing was changed")
        #expect(try database.annotations().isEmpty)
        let made = try database.annotate(AnnotationDraft(article: articleID, quote: "fair deal", note: "who pays?"))
        #expect(throws: StoreError.self) { try database.editAnnotation(made.id, AnnotationChanges(note: "a\u{0}b")) }
        #expect(try database.annotation(made.id).note == "who pays?")
    }

    @Test("Deleting keeps a tombstone, hides the annotation and its note, and is all or nothing")
    func delete() throws {
        let a = try database.annotate(AnnotationDraft(article: articleID, quote: "sea wall", note: "wall note"))
        let b = try database.annotate(AnnotationDraft(article: articleID, quote: "mayor", tags: ["people"]))
        let error = #expect(throws: StoreError.self) { try database.deleteAnnotations([a.id, "ffffffff"]) }
        #expect(error?.code == .notFound)
        #expect(try database.annotations().count == 2)
        let deleted = try database.deleteAnnotations([a.id, String(b.id.prefix(8))])
        #expect(deleted.allSatisfy { $0.deletedAt != nil })
        #expect(try database.annotations().isEmpty)
        #expect(try database.annotations(AnnotationFilter(includeDeleted: true)).count == 2)
        #expect(try database.search(SearchQuery("wall note")).isEmpty)
        #expect(try database.fullTextIndexIsConsistent())
        #expect(try database.search(SearchQuery("tag:people")).isEmpty)
        #expect(throws: StoreError.self) { try database.deleteAnnotations([a.id]) }
        #expect(throws: StoreError.self) { try database.editAnnotation(a.id, AnnotationChanges(note: "x")) }
    }

    @Test("Search finds articles by note text and by tag")
    func searchByNoteAndTag() throws {
        _ = try database.annotate(
            AnnotationDraft(article: articleID, quote: "9 to 2", note: "Unanimity claimed elsewhere", tags: ["claim"]))
        #expect(try database.search(SearchQuery("unanimity")).map(\.id) == [articleID])
        #expect(try database.search(SearchQuery("tag:claim")).map(\.id) == [articleID])
        #expect(try database.search(SearchQuery("council tag:claim")).map(\.id) == [articleID])
        #expect(try database.search(SearchQuery("council tag:other")).isEmpty)
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "mayor"))
        #expect(
            try database.search(SearchQuery("tag:claim")).map(\.snippet) == ["9 to 2"], "the snippet is a tagged quote")
    }

    @Test("Listing filters by article, tag and orphans")
    func listing() throws {
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "sea wall", tags: ["infra"]))
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "mayor"))
        #expect(try database.annotations(AnnotationFilter(article: articleID)).count == 2)
        #expect(try database.annotations(AnnotationFilter(tag: "INFRA")).map(\.selector.exact) == ["sea wall"])
        #expect(try database.annotations(AnnotationFilter(orphansOnly: true)).isEmpty)
    }

    @Test("Highlights cut the body at every boundary, overlaps included")
    func highlightedText() throws {
        let a = try database.annotate(AnnotationDraft(article: articleID, quote: "voted 9 to 2"))
        let b = try database.annotate(AnnotationDraft(article: articleID, quote: "9 to 2 on Tuesday"))
        let body = try database.article(articleID).body
        let text = HighlightedText(body: body, revision: 1, annotations: [a, b])
        #expect(text.segments.map(\.text).joined() == body)
        #expect(
            text.segments.map(\.text).prefix(5) == [
                "The council ", "voted ", "9 to 2", " on Tuesday",
                " to approve the sea wall.\n\n“It is a fair deal,” said the mayor, Ann Lee. The council will meet again in April.\nThe vote was   close\nin the end.",
            ])
        #expect(text.segments[2].covering == [0, 1])
        #expect(text.segments[2].ending == [0])
        #expect(text.segments[3].covering == [1])
    }
}
