import Foundation
import GRDB
import Testing

@testable import Store

/// Importing Hypothesis's JSON export: annotations attached by their page's URL and placed by their quote.
@Suite struct HypothesisImportTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let articleID: String

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        articleID = try database.importArticles([
            .data(Data(AnnotationImportExportTests.articleJSON.utf8), name: "a.json")
        ]).articles[0].id
    }

    /// A Hypothesis annotation object, as its API and the sidebar's export write one.
    private func annotation(
        id: String, uri: String = "https://example.com/strike?utm_source=feed", exact: String?, prefix: String = "",
        suffix: String = "", text: String = "", tags: [String] = [], updated: String = "2024-03-06T09:00:00.5+00:00",
        extra: [String: Any] = [:]
    ) -> [String: Any] {
        var selectors: [[String: Any]] = [
            [
                "type": "RangeSelector", "startContainer": "/main[1]/p[3]", "startOffset": 0,
                "endContainer": "/main[1]/p[3]", "endOffset": 9,
            ],
            // Counted on the web page, with its navigation: not the body's offsets.
            ["type": "TextPositionSelector", "start": 1_204, "end": 1_213],
        ]
        if let exact {
            selectors.append(["type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix])
        }
        var object: [String: Any] = [
            "id": id, "uri": uri, "text": text, "tags": tags, "user": "acct:alice@hypothes.is",
            "user_info": ["display_name": "Alice"], "created": "2024-03-05T14:02:11.123456+00:00", "updated": updated,
            "target": [["source": uri, "selector": selectors]], "document": ["title": ["Port strike"]],
            "permissions": ["read": ["group:__world__"]], "group": "__world__",
        ]
        object.merge(extra) { _, new in new }
        return object
    }

    private func export(_ annotations: [[String: Any]]) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "export_date": "2024-03-07T10:00:00.000Z", "export_userid": "acct:alice@hypothes.is",
            "client_version": "1.1400.0", "annotations": annotations,
        ])
    }

    @Test("An export's annotations are attached by URL, placed by their context, with note, tags, user and times")
    func imports() throws {
        let data = try export([
            annotation(
                id: "Qy8dKlzGEe6", exact: "The union", prefix: "the offer was fair.\n\n", suffix: " will meet again",
                text: "Check the **date**", tags: ["pay claims", "Strike"])
        ])
        let report = try database.importAnnotations(data)
        #expect(report == AnnotationImportReport(created: 1, updated: 0, unchanged: 0, skipped: []))
        let stored = try #require(try database.annotations().first)
        let body = try database.article(articleID).body
        let second = body.range(of: "The union will")!.lowerBound
        #expect(stored.anchor.range?.lowerBound == body.unicodeScalars.distance(from: body.startIndex, to: second))
        #expect(stored.anchor.state == .exact)
        #expect(stored.note == "Check the **date**")
        #expect(stored.tags == ["pay-claims", "strike"])
        #expect(stored.author == "alice@hypothes.is")
        #expect(stored.createdAt == "2024-03-05T14:02:11Z")
        #expect(stored.modifiedAt == "2024-03-06T09:00:00Z")
        #expect(stored.id == HypothesisAnnotations.annotationID(hypothesisID: "Qy8dKlzGEe6"))
    }

    @Test("Importing the same export again changes nothing; a newer export of the same annotation updates it")
    func reimport() throws {
        let first = annotation(id: "Qy8dKlzGEe6", exact: "3.2% pay offer", text: "Check")
        _ = try database.importAnnotations(try export([first]))
        #expect(try database.importAnnotations(try export([first])).unchanged == 1)
        let newer = annotation(
            id: "Qy8dKlzGEe6", exact: "3.2% pay offer", text: "Checked: it was 3.2%",
            updated: "2024-04-01T08:00:00+00:00")
        #expect(try database.importAnnotations(try export([newer])).updated == 1)
        let stored = try database.annotations()
        #expect(stored.count == 1)
        #expect(stored[0].note == "Checked: it was 3.2%")
    }

    @Test("Page notes and replies are refused with their item numbers, and nothing is imported without --skip-invalid")
    func pageNotesAndReplies() throws {
        let data = try export([
            annotation(id: "a1", exact: "3.2% pay offer"),
            annotation(id: "a2", exact: nil, text: "A note on the whole page"),
            annotation(id: "a3", exact: "3.2% pay offer", text: "Agreed", extra: ["references": ["a1"]]),
        ])
        let error = #expect(throws: StoreError.self) { try database.importAnnotations(data) }
        #expect(error?.message.contains("item 2: a page note, with no quoted passage") == true)
        #expect(error?.message.contains("item 3: a reply to another annotation") == true)
        #expect(try database.annotations().isEmpty)
        let report = try database.importAnnotations(data, skipInvalid: true)
        #expect(report.created == 1)
        #expect(report.skipped.map(\.place) == ["item 2", "item 3"])
    }

    @Test("A page whose own URL is not stored is found by its target's source or its document's canonical link")
    func alternateURLs() throws {
        var moved = annotation(id: "b1", uri: "https://m.example.com/amp/strike", exact: "3.2% pay offer")
        moved["target"] = [
            [
                "source": "https://m.example.com/amp/strike",
                "selector": [["type": "TextQuoteSelector", "exact": "3.2% pay offer"]],
            ]
        ]
        moved["document"] = [
            "link": [
                ["href": "https://m.example.com/amp/strike"],
                ["href": "https://example.com/strike", "rel": "canonical"],
            ]
        ]
        #expect(try database.importAnnotations(try export([moved])).created == 1)
        let unknown = annotation(id: "b2", uri: "https://elsewhere.example/story", exact: "3.2% pay offer")
        let error = #expect(throws: StoreError.self) { try database.importAnnotations(try export([unknown])) }
        #expect(error?.message.contains("no article has the URL https://elsewhere.example/story") == true)
    }

    @Test("A quote that differs a little is placed approximately as fuzzy; one found nowhere is kept as an orphan")
    func neverRefusedForAnchoring() throws {
        let data = try export([
            annotation(id: "c1", exact: "Dockworkers rejectd a 3.2% pay offer", suffix: " on Monday."),
            annotation(id: "c2", exact: "A sentence the article never had in any form", text: "Kept anyway"),
        ])
        let report = try database.importAnnotations(data)
        #expect(report.created == 2)
        let stored = try database.annotations(AnnotationFilter(article: articleID))
        let fuzzy = try #require(stored.first { $0.note == nil })
        #expect(fuzzy.anchor.state == .fuzzy)
        #expect(fuzzy.anchor.range?.lowerBound == 0)
        let orphan = try #require(stored.first { $0.note == "Kept anyway" })
        #expect(orphan.anchor.state == .orphan)
        #expect(orphan.selector.exact == "A sentence the article never had in any form")
    }

    @Test("A quote placed approximately is fuzzy on a teammate's replica too, and an exact one exact")
    func fuzzyTravels() throws {
        _ = try database.importAnnotations(
            try export([
                annotation(id: "e1", exact: "Dockworkers rejectd a 3.2% pay offer"),
                annotation(id: "e2", exact: "The port said", text: "exact"),
            ]))
        let teammate = try NewsDatabase.fresh(in: folder, name: "teammate.sqlite")
        var header: ChangeSetHeader?
        var changes: [Change] = []
        try database.exportChanges(
            excluding: Knowledge(), newsdbVersion: "test", header: { header = $0 }, change: { changes.append($0) })
        var remaining = changes[...]
        _ = try teammate.applyChanges(header: try #require(header), next: { remaining.popFirst() })
        let states = try teammate.annotations().map { ($0.note ?? "", $0.anchor.state) }.sorted { $0.0 < $1.0 }
        #expect(states.map(\.1) == [.fuzzy, .exact])
        #expect(try teammate.annotations().map(\.anchor.range) == (try database.annotations().map(\.anchor.range)))
    }

    @Test("An API search answer (rows) and a bare list are read too; an empty export imports nothing")
    func otherShapes() throws {
        let item = annotation(id: "d1", exact: "3.2% pay offer")
        let rows = try JSONSerialization.data(withJSONObject: ["total": 1, "rows": [item]])
        #expect(try database.importAnnotations(rows).created == 1)
        let list = try JSONSerialization.data(withJSONObject: [annotation(id: "d2", exact: "fair")])
        #expect(try database.importAnnotations(list).created == 1)
        #expect(
            try database.importAnnotations(try export([]))
                == AnnotationImportReport(created: 0, updated: 0, unchanged: 0, skipped: []))
    }

    @Test("Tags with spaces become one hyphenated word; fractional seconds and offsets are read as UTC")
    func tagsAndTimes() throws {
        #expect(HypothesisAnnotations.joiningWords("  climate   change ") == "climate-change")
        #expect(try W3CAnnotations.instant("2024-03-05T14:02:11.123456+00:00", "created") == "2024-03-05T14:02:11Z")
        #expect(try W3CAnnotations.instant("2024-03-05T16:02:11.5+02:00", "created") == "2024-03-05T14:02:11Z")
        #expect(throws: StoreError.self) { try W3CAnnotations.instant("yesterday", "created") }
    }
}
