import Foundation
import Store
import Sync
import Testing

/// Pages, as a server sends them: each computed from what the receiver has by then.
@Suite struct PageTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
        let article = try alice.articleIDs[1]
        var made: [Annotation] = []
        for quote in ["3.2% pay offer", "main gate", "north gate"] {
            made.append(try alice.database.annotate(AnnotationDraft(article: article, quote: quote, note: "first")))
        }
        clock.advance(1)
        try alice.database.editAnnotation(made[0].id, AnnotationChanges(note: "second"))
        try alice.database.editAnnotation(made[0].id, AnnotationChanges(note: "third", addTags: ["claim"]))
        try alice.database.deleteAnnotations([made[2].id])
    }

    @Test("Pages applied one after another bring every change once, and the last accounts for the overwritten ones")
    func pagesCoverEverything() throws {
        var pages = 0
        while true {
            let page = try alice.database.exportPage(
                excluding: try bob.database.knowledge(), limit: 2, newsdbVersion: "test")
            var changes = page.changes.makeIterator()
            let report = try bob.database.applyChanges(header: page.header, next: { changes.next() })
            #expect(report.duplicates == 0)
            pages += 1
            if page.isLast { break }
            #expect(page.changes.count == 2)
            #expect(page.header.covers.total == 2)
        }
        #expect(pages >= 4)
        #expect(try bob.snapshot() == alice.snapshot())
        #expect(try alice.database.knowledge().subtracting(bob.database.knowledge()).isEmpty)
    }

    @Test("A page stops at its byte budget, and holds at least one change")
    func byteBudget() throws {
        let page = try alice.database.exportPage(
            excluding: Knowledge(), limit: 100, newsdbVersion: "test", byteBudget: 1)
        #expect(page.changes.count == 1 && !page.isLast)
        #expect(page.header.covers.total == 1)
        let whole = try alice.database.exportPage(excluding: Knowledge(), limit: 100, newsdbVersion: "test")
        #expect(whole.isLast && whole.changes.count > 1)
    }
}
