import Foundation
import Testing

@testable import Store

@Suite struct WordDiffTests {
    @Test("Identical texts have no changes; an inserted, a deleted and a replaced word are each one change")
    func basics() {
        #expect(WordDiff(from: "The port said no.", to: "The port said no.").changes.isEmpty)
        let inserted = WordDiff(from: "The port said no.", to: "The port quietly said no.").changes
        #expect(inserted == [WordDiff.Change(from: 9..<9, to: 9..<17, deleted: "", inserted: "quietly ")])
        let deleted = WordDiff(from: "The port quietly said no.", to: "The port said no.").changes
        #expect(deleted == [WordDiff.Change(from: 9..<17, to: 9..<9, deleted: "quietly ", inserted: "")])
        let replaced = WordDiff(from: "Profits rose by 2% in May.", to: "Profits fell by 3% in May.").changes
        #expect(replaced.map(\.deleted) == ["rose", "2"])
        #expect(replaced.map(\.inserted) == ["fell", "3"])
        // Changes apart by one space only are one.
        let merged = WordDiff(from: "Profits rose sharply in May.", to: "Profits fell slowly in May.").changes
        #expect(merged.map(\.deleted) == ["rose sharply"])
        #expect(merged.map(\.inserted) == ["fell slowly"])
    }

    @Test("Offsets are Unicode scalars of each text, after emoji and combining marks")
    func scalarOffsets() {
        let change = WordDiff(from: "Fans 🎉👍🏽 and café e\u{301} won.", to: "Fans 🎉👍🏽 and café e\u{301} lost.").changes
        #expect(change.count == 1)
        let offset = "Fans 🎉👍🏽 and café e\u{301} ".unicodeScalars.count
        #expect(change[0].from == offset..<(offset + 3))
        #expect(change[0].to == offset..<(offset + 4))
    }

    @Test("A changed paragraph break and words in separate places are separate changes, in order")
    func separatePlaces() {
        let changes = WordDiff(
            from: "One two three four five six seven.\n\nEight nine.",
            to: "One 2 three four five six 7.\n\nEight nine ten."
        ).changes
        #expect(changes.map(\.deleted) == ["two", "seven", ""])
        #expect(changes.map(\.inserted) == ["2", "7", " ten"])
    }
}

@Suite struct RevisionDiffTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let id: String

    static let first =
        "The council voted 9 to 2 on Tuesday to approve the sea wall. The mayor called it a fair deal.\n\nWork starts in April and will cost £4m."
    static let second =
        "The council voted 8 to 3 on Tuesday to approve the sea wall.\n\nWork starts in April and will cost £4m, the council said."

    private static func article(_ body: String, title: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "title": title, "url": "https://example.com/wall", "body": body,
        ])
    }

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        let first = try Self.article(Self.first, title: "Sea wall approved")
        id = try database.importArticles([.data(first, name: "1.json")]).articles[0].id
    }

    private func revise() throws {
        _ = try database.importArticles([
            .data(try Self.article(Self.second, title: "Sea wall approved narrowly"), name: "2.json")
        ])
    }

    @Test("The changes, the heading that changed, and each annotation a change touched with how it now stands")
    func diff() throws {
        let vote = try database.annotate(
            AnnotationDraft(article: id, quote: "voted 9 to 2 on Tuesday to approve the sea wall"))
        let mayor = try database.annotate(
            AnnotationDraft(article: id, quote: "The mayor called it a fair deal.", note: "Check"))
        let april = try database.annotate(AnnotationDraft(article: id, quote: "Work starts in April"))
        try revise()
        let diff = try database.revisionDiff(String(id.prefix(6)))
        #expect((diff.from, diff.to) == (1, 2))
        #expect(
            diff.fields == [
                RevisionDiff.FieldChange(field: "title", from: "Sea wall approved", to: "Sea wall approved narrowly")
            ])
        #expect(diff.changes.map(\.deleted) == ["9", "2", " The mayor called it a fair deal.", ""])
        #expect(diff.changes.map(\.inserted) == ["8", "3", "", ", the council said"])
        let effects = Dictionary(uniqueKeysWithValues: diff.annotations.map { ($0.id, $0) })
        #expect(effects[vote.id]?.state == .fuzzy)
        #expect(effects[vote.id]?.changes == [0, 1])
        #expect(effects[mayor.id]?.state == .orphan)
        #expect(effects[mayor.id]?.toStart == nil)
        #expect(effects[mayor.id]?.changes == [2])
        // Moved by the deletion before it, but not touched: not listed.
        #expect(effects[april.id] == nil)
    }

    @Test("Comparing the other way round, or naming the revisions, gives the changes reversed")
    func reversed() throws {
        try revise()
        let diff = try database.revisionDiff(id, from: 2, to: 1)
        #expect(diff.changes.map(\.inserted) == ["9", "2", " The mayor called it a fair deal.", ""])
    }

    @Test("An article with one revision, equal revisions or a revision out of range are refused with a reason")
    func refusals() throws {
        let one = #expect(throws: StoreError.self) { try database.revisionDiff(id) }
        #expect(one?.message.contains("has one revision, so there is nothing to compare") == true)
        try revise()
        let same = #expect(throws: StoreError.self) { try database.revisionDiff(id, from: 2, to: 2) }
        #expect(same?.message == "--from and --to are both revision 2; name two different revisions")
        let missing = #expect(throws: StoreError.self) { try database.revisionDiff(id, from: 1, to: 5) }
        #expect(missing?.code == .notFound)
        #expect(missing?.message.hasSuffix("has revisions 1 to 2; there is no revision 5") == true)
    }
}
