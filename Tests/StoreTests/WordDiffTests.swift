import Foundation
import Store
import Testing

/// Comparing two revisions word by word, and which annotations each change touched.
@Suite struct WordDiffTests {
    @Test("A changed word or number is it deleted and another inserted; offsets are Unicode scalars of each text")
    func words() throws {
        let diff = WordDiff(old: "Talks 👋🏽 over a 3.2% offer stalled.", new: "Talks 👋🏽 over a 4% offer stalled today.")
        let changed = diff.segments.filter { $0.kind != .same }
        #expect(changed.map(\.kind) == [.deleted, .inserted, .inserted])
        #expect(changed.map(\.text) == ["3.2", "4", " today"])
        let deleted = try #require(changed.first)
        #expect(deleted.old == 16..<19)
        #expect(
            diff.segments.filter { $0.kind != .inserted }.map(\.text).joined() == "Talks 👋🏽 over a 3.2% offer stalled.")
        #expect(
            diff.segments.filter { $0.kind != .deleted }.map(\.text).joined()
                == "Talks 👋🏽 over a 4% offer stalled today.")
        #expect(WordDiff(old: "same text", new: "same text").segments.map(\.kind) == [.same])
    }

    @Test("Each change lists the annotations whose passage it touched, with their state on the new text")
    func annotationsTouched() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.open(at: folder.path("d.sqlite"), options: .init(backup: false))
        _ = try database.importArticles([
            .data(
                Data("Budget\n\nThe council approved 4.5 million for the main gate and the bridge.\n".utf8),
                name: "a.txt")
        ])
        let id = try #require(try database.articles().first).id
        let figure = try database.annotate(AnnotationDraft(article: id, quote: "4.5 million"))
        let bridge = try database.annotate(AnnotationDraft(article: id, quote: "the bridge"))
        _ = try database.importArticles(
            [
                .data(
                    Data("Budget\n\nThe council approved 5.1 million for the main gate and the bridge.\n".utf8),
                    name: "b.txt")
            ],
            revisionOf: id)
        let diff = try database.diff(String(id.prefix(8)))
        #expect(diff.from == 1 && diff.to == 2)
        #expect(diff.changes.count == 1)
        let change = try #require(diff.changes.first)
        #expect(change.deleted == "4.5" && change.inserted == "5.1")
        #expect(change.annotations.map(\.id) == [figure.id])
        #expect(change.annotations.first?.anchor.state == .fuzzy)
        #expect(!diff.changes.flatMap(\.annotations).contains { $0.id == bridge.id })
        #expect(try database.diff(id, from: 2, to: 2).changes.isEmpty)
        #expect(throws: StoreError.self) { try database.diff(id, from: 3) }
    }

    @Test("A rewritten headline and an added dek are compared too, with the headline's annotations they touched")
    func headlineAndDek() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.open(at: folder.path("d.sqlite"), options: .init(backup: false))
        let body = "The council approved the budget on Tuesday."
        let first = #"{"title": "Council cuts library budget", "body": "\#(body)", "url": "https://example.com/b"}"#
        let id = try database.importArticles([.data(Data(first.utf8), name: "a.json")]).articles[0].id
        let headline = try database.annotate(AnnotationDraft(article: id, part: .title, quote: "cuts library"))
        let second = """
            {"title": "Council keeps library budget", "dek": "A late vote", "body": "\(body)",
            "url": "https://example.com/b"}
            """
        #expect(try database.importArticles([.data(Data(second.utf8), name: "b.json")]).revisedCount == 1)
        let diff = try database.diff(id)
        #expect(diff.changes.isEmpty)
        let title = try #require(diff.title)
        #expect(title.changes.map(\.part) == [.title])
        #expect(title.changes.first?.deleted == "cuts" && title.changes.first?.inserted == "keeps")
        #expect(title.changes.first?.annotations.map(\.id) == [headline.id])
        let dek = try #require(diff.dek)
        #expect(dek.changes.map(\.inserted) == ["A late vote"])
        #expect(diff.allChanges.map(\.part) == [.title, .dek])
        let unchanged = try database.diff(id, from: 2, to: 2)
        #expect(unchanged.title == nil && unchanged.dek == nil && unchanged.allChanges.isEmpty)
    }
}
