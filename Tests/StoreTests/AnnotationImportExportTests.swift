import Foundation
import GRDB
import Testing

@testable import Store

@Suite struct AnnotationImportExportTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let articleID: String

    static let articleJSON = #"""
        {"title": "Port strike", "url": "https://example.com/strike",
         "body": "Dockworkers rejected a 3.2% pay offer on Monday. The union wants 6.5%. The port said the offer was fair.\n\nThe union will meet again on Friday."}
        """#

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        articleID = try database.importArticles([.data(Data(Self.articleJSON.utf8), name: "a.json")]).articles[0].id
    }

    private func lines(_ objects: [[String: Any]]) throws -> Data {
        var data = Data()
        for object in objects {
            data += try JSONSerialization.data(withJSONObject: object)
            data += Data("\n".utf8)
        }
        return data
    }

    @Test("JSON Lines import creates annotations by article id, prefix or URL")
    func importLines() throws {
        let data = try lines([
            ["article": articleID, "quote": "3.2% pay offer", "note": "Check", "tags": ["claim"], "color": "green"],
            ["article": String(articleID.prefix(6)), "quote": "The union", "occurrence": 2],
            ["article": "https://EXAMPLE.com/strike", "quote": "fair"],
        ])
        let report = try database.importAnnotations(data)
        #expect(report == AnnotationImportReport(created: 3, updated: 0, unchanged: 0, skipped: []))
        let annotations = try database.annotations()
        #expect(annotations.map(\.selector.exact) == ["3.2% pay offer", "fair", "The union"])
        #expect(annotations[0].tags == ["claim"])
        #expect(annotations[0].color == .green)
        #expect(annotations[0].motivation == .commenting)
    }

    @Test("One bad line imports nothing and every bad line is reported with its number")
    func allOrNothing() throws {
        let data = try lines([
            ["article": articleID, "quote": "3.2% pay offer"],
            ["article": articleID, "quote": "not in the text at all"],
            ["article": articleID, "quote": "The union"],
            ["article": "ffffffffff", "quote": "x"],
            ["article": articleID, "quote": "fair", "color": "mauve"],
        ])
        let error = #expect(throws: StoreError.self) { try database.importAnnotations(data) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("4 of 5 annotations are invalid; nothing was imported"))
        #expect(message.contains("line 2: the quote does not occur"))
        #expect(message.contains("line 3: the quote occurs 2 times"))
        #expect(message.contains("line 4: no article matches"))
        #expect(message.contains("line 5: color \"mauve\" is not one of"))
        #expect(try database.annotations().isEmpty)

        let report = try database.importAnnotations(data, skipInvalid: true)
        #expect(report.created == 1)
        #expect(report.skipped.map(\.place) == ["line 2", "line 3", "line 4", "line 5"])
    }

    @Test("A NUL character anywhere in an annotation is refused with its line, not stored cut short")
    func nulCharacter() throws {
        let data = try lines([
            ["article": articleID, "quote": "3.2% pay offer", "note": "Check\u{0}this"],
            ["article": articleID, "quote": "fair", "author": "Ann\u{0}Lee"],
        ])
        let error = #expect(throws: StoreError.self) { try database.importAnnotations(data) }
        #expect(error?.message.contains("line 1: the annotation holds a NUL character") == true)
        #expect(error?.message.contains("line 2: the annotation holds a NUL character") == true)
        #expect(try database.annotations().isEmpty)
    }

    @Test("A line whose id exists updates that annotation; an identical line changes nothing")
    func updateByID() throws {
        let id = "7d3f1a2b-0c4d-4e5f-8a9b-0c1d2e3f4a5b"
        let first = try lines([
            ["id": id, "article": articleID, "quote": "3.2% pay offer", "note": "Check", "tags": ["a", "b"]]
        ])
        #expect(try database.importAnnotations(first).created == 1)
        #expect(try database.importAnnotations(first).unchanged == 1)
        let corrected = try lines([
            ["id": id.uppercased(), "article": articleID, "quote": "6.5%", "note": "Checked", "tags": ["b", "c"]]
        ])
        #expect(try database.importAnnotations(corrected).updated == 1)
        let annotation = try database.annotation(id)
        #expect(annotation.note == "Checked")
        #expect(annotation.tags == ["b", "c"])
        #expect(annotation.selector.exact == "6.5%")
        let twice = try lines([
            ["id": id, "article": articleID, "quote": "fair"], ["id": id, "article": articleID, "quote": "fair"],
        ])
        let error = #expect(throws: StoreError.self) { try database.importAnnotations(twice) }
        #expect(error?.message.contains("appears twice") == true)
    }

    @Test("occurrence 1 picks the first of several, and an ambiguous line says how to pick one, on one line")
    func occurrenceOne() throws {
        let report = try database.importAnnotations(
            try lines([["article": articleID, "quote": "The union", "occurrence": 1]]))
        #expect(report.created == 1)
        let error = #expect(throws: StoreError.self) {
            try database.importAnnotations(try lines([["article": articleID, "quote": "The union"]]))
        }
        #expect(
            error?.message.hasSuffix("line 1: the quote occurs 2 times; add \"occurrence\": 1 to 2 to pick one") == true
        )
    }

    @Test("An orphan can be corrected by importing a line with its id and quote")
    func correctOrphan() throws {
        let made = try database.annotate(
            AnnotationDraft(article: articleID, quote: "The port said the offer was fair."))
        let revised = Self.articleJSON.replacingOccurrences(of: " The port said the offer was fair.", with: "")
        _ = try database.importArticles([.data(Data(revised.utf8), name: "a.json")])
        #expect(try database.annotation(made.id).anchor.state == .orphan)
        let fix = try lines([
            [
                "id": made.id, "article": articleID, "quote": "The port said the offer was fair.",
                "note": "Cut from the story",
            ]
        ])
        #expect(try database.importAnnotations(fix).updated == 1)
        let after = try database.annotation(made.id)
        #expect(after.note == "Cut from the story")
        #expect(after.anchor.state == .orphan)
    }

    @Test("An older W3C export never overwrites newer edits")
    func olderExport() throws {
        let made = try database.annotate(AnnotationDraft(article: articleID, quote: "fair", note: "first"))
        let export = try database.exportAnnotations(.w3c)
        let later = try NewsDatabase.open(
            at: database.path, options: .init(clock: { fixedClock().addingTimeInterval(60) }))
        _ = try later.editAnnotation(made.id, AnnotationChanges(note: "newer"))
        #expect(try later.importAnnotations(export).unchanged == 1)
        #expect(try later.annotation(made.id).note == "newer")
    }

    @Test("W3C items with bad dates, colors, motivations or creators are refused with their item number")
    func w3cValidation() throws {
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "fair"))
        let export = String(decoding: try database.exportAnnotations(.w3c), as: UTF8.self)
        let cases = [
            (
                "\"motivation\" : \"highlighting\"", "\"motivation\" : \"shouting\"",
                "motivation shouting is not a W3C motivation"
            ),
            (
                "\"styleClass\" : \"newsdb-yellow\"", "\"styleClass\" : \"newsdb-red\"",
                "styleClass \"newsdb-red\" is not a newsdb color"
            ),
            ("\"created\" : \"", "\"created\" : \"last Tuesday", "\"created\" is not an ISO 8601 date-time"),
        ]
        for (from, to, reason) in cases {
            let broken = export.replacingOccurrences(of: from, with: to)
            #expect(broken != export)
            let report = try database.importAnnotations(Data(broken.utf8), skipInvalid: true)
            #expect(report.skipped.first?.reason.hasPrefix(reason) == true, "\(reason)")
        }
    }

    @Test(
        "Malformed lines are reported, not trapped",
        arguments: [
            ("{\"article\": 5, \"quote\": \"x\"}", "field \"article\" must be a string"),
            ("{\"article\": \"abcd\"}", "field \"quote\" is missing or empty"),
            ("{\"quote\": \"x\"}", "field \"article\" is missing"),
            ("not json", "not valid JSON"),
            ("[1, 2]", "an annotation must be a JSON object"),
            (
                "{\"article\": \"abcd\", \"quote\": \"x\", \"tags\": \"one\"}",
                "field \"tags\" must be a list of strings"
            ),
            ("{\"article\": \"abcd\", \"quote\": \"x\", \"id\": \"12\"}", "annotation id '12' is not a UUID"),
            (
                "{\"article\": \"abcd\", \"quote\": \"x\", \"occurrence\": 0}",
                "field \"occurrence\" must be a whole number from 1"
            ),
        ])
    func malformed(_ line: String, _ reason: String) throws {
        let report = try database.importAnnotations(Data((line + "\n").utf8), skipInvalid: true)
        #expect(report.skipped.map(\.reason) == [reason])
    }

    @Test("A W3C export imported into a database holding the same articles reproduces the annotations")
    func w3cRoundTrip() throws {
        _ = try database.annotate(
            AnnotationDraft(
                article: articleID, quote: "3.2% pay offer", note: "Check *this*", tags: ["claim", "pay"], color: .pink)
        )
        _ = try database.annotate(
            AnnotationDraft(article: articleID, quote: "The union", occurrence: 2, motivation: .questioning))
        let gone = try database.annotate(
            AnnotationDraft(article: articleID, quote: "The port said the offer was fair."))
        let revised = Self.articleJSON.replacingOccurrences(of: " The port said the offer was fair.", with: "")
        _ = try database.importArticles([.data(Data(revised.utf8), name: "a.json")])
        #expect(try database.annotation(gone.id).anchor.state == .orphan)

        let export = try database.exportAnnotations(.w3c)
        let other = try NewsDatabase.fresh(in: folder, name: "other.sqlite")
        _ = try other.importArticles([.data(Data(revised.utf8), name: "a.json")])
        let report = try other.importAnnotations(export)
        #expect(report.created == 3)
        let before = try database.annotations()
        let after = try other.annotations()
        #expect(after.count == before.count)
        for (a, b) in zip(before, after) {
            #expect(a.id == b.id)
            #expect(a.note == b.note)
            #expect(a.tags == b.tags)
            #expect(a.color == b.color)
            #expect(a.motivation == b.motivation)
            #expect(a.author == b.author)
            #expect(a.createdAt == b.createdAt)
            #expect(a.modifiedAt == b.modifiedAt)
            #expect(a.anchor.state == .orphan ? b.anchor.state == .orphan : b.anchor.range == a.anchor.range)
            #expect(a.selector.exact == b.selector.exact)
        }
        #expect(try other.importAnnotations(export).unchanged == 3)
    }

    @Test("An export with no annotations imports back as nothing, without an error")
    func emptyExport() throws {
        let export = try database.exportAnnotations(.w3c)
        #expect(
            try database.importAnnotations(export)
                == AnnotationImportReport(created: 0, updated: 0, unchanged: 0, skipped: []))
    }

    @Test("The W3C export has the shape the Web Annotation model requires")
    func w3cShape() throws {
        _ = try database.annotate(AnnotationDraft(article: articleID, quote: "fair", note: "n", tags: ["t"]))
        let document = try #require(
            try JSONSerialization.jsonObject(with: database.exportAnnotations(.w3c)) as? [String: Any])
        #expect(document["@context"] as? String == "http://www.w3.org/ns/anno.jsonld")
        #expect(document["type"] as? String == "AnnotationCollection")
        let page = try #require(document["first"] as? [String: Any])
        let item = try #require((page["items"] as? [[String: Any]])?.first)
        #expect(item["type"] as? String == "Annotation")
        #expect((item["id"] as? String)?.hasPrefix("urn:uuid:") == true)
        #expect(item["motivation"] as? String == "commenting")
        for key in ["created", "modified"] {
            #expect((item[key] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)
        }
        let bodies = try #require(item["body"] as? [[String: Any]])
        #expect(bodies.map { $0["purpose"] as? String } == ["commenting", "tagging"])
        #expect(bodies.allSatisfy { $0["type"] as? String == "TextualBody" })
        let target = try #require(item["target"] as? [String: Any])
        #expect(target["source"] as? String == "https://example.com/strike")
        let selectors = try #require(target["selector"] as? [[String: Any]])
        #expect(selectors.map { $0["type"] as? String } == ["TextQuoteSelector", "TextPositionSelector"])
        #expect(selectors[0]["exact"] as? String == "fair")
    }

    @Test("The Markdown export gives each article's title and each quote as a blockquote with note and tags")
    func markdown() throws {
        _ = try database.annotate(
            AnnotationDraft(article: articleID, quote: "3.2% pay offer", note: "Check the figure", tags: ["claim"]))
        let text = String(decoding: try database.exportAnnotations(.markdown), as: UTF8.self)
        #expect(
            text == """
                ## Port strike

                <https://example.com/strike>

                > 3.2% pay offer

                Check the figure

                Tags: #claim

                """)
    }
}
