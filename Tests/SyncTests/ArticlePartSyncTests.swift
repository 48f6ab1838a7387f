import Crypto
import Foundation
import Store
import Testing

@testable import Sync

/// Annotations on an article's headline travel with their part, in change files and over HTTP; a file of the schema
/// before parts still imports, its annotations on the body.
@Suite struct ArticlePartSyncTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
    }

    private func headline(_ replica: TestReplica, _ quote: String) throws -> Annotation {
        try replica.database.annotate(
            AnnotationDraft(article: try replica.articleIDs[1], part: .title, quote: quote, note: "Misleading"))
    }

    @Test("A headline annotation travels in a change file with its part, and re-anchors on the receiver's headline")
    func changeFile() throws {
        let made = try headline(alice, "strike enters")
        let path = folder.path("alice.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: path, newsdbVersion: "test")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"schema\":\(NewsDatabase.changeSchemaVersion),"))
        #expect(NewsDatabase.changeSchemaVersion == 8)
        #expect(text.contains(#","title"],"#) || text.contains(#","title"]"# + "\n"))
        _ = try ChangeFileReader.apply(path, to: bob.database)
        let received = try bob.database.annotation(made.id)
        #expect(received.part == .title)
        #expect(received.selector == made.selector)
        #expect(received.anchor == made.anchor)
        #expect(try alice.snapshot() == bob.snapshot())

        // Bob's later headline keeps the annotation on its words, moved; a new text sent back moves it on alice too.
        let id = try bob.articleIDs[1]
        let article = try bob.database.article(id)
        clock.advance(1)
        _ = try bob.database.importArticles(
            [.data(Data("Breaking: \(article.title)\n\n\(article.body)\n".utf8), name: "revision.txt")], revisionOf: id)
        #expect(try bob.database.annotation(made.id).anchor.state == .moved)
        try bob.send(to: alice, in: folder)
        #expect(try alice.database.annotation(made.id).anchor == bob.database.annotation(made.id).anchor)
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("An annotation made before a headline-only revision and a later one exports and lands on the receiver")
    func headlineOnlyRevision() throws {
        let id = try alice.articleIDs[1]
        let body = try alice.database.annotate(AnnotationDraft(article: id, quote: "3.2% pay offer"))
        let title = try headline(alice, "third day")
        let article = try alice.database.article(id)
        for (heading, text) in [
            ("Port strike enters its third day", article.body),
            ("Port strike enters its third day", article.body + " Talks resume."),
        ] {
            clock.advance(1)
            _ = try alice.database.importArticles(
                [.data(Data("\(heading)\n\n\(text)\n".utf8), name: "revision.txt")], revisionOf: id)
        }
        #expect(try alice.database.article(id).revision == 3)
        try alice.send(to: bob, in: folder)
        #expect(try bob.database.annotation(body.id).anchor.state == .exact)
        #expect(try bob.database.annotation(title.id).anchor.state == .moved)
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("A file of change schema 6, from before parts, still imports: its annotations are on the body")
    func previousSchema() throws {
        let made = try alice.database.annotate(
            AnnotationDraft(article: try alice.articleIDs[1], quote: "3.2% pay offer"))
        let path = folder.path("alice.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: path, newsdbVersion: "0.3.0")
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"schema\":\(NewsDatabase.changeSchemaVersion),", with: "\"schema\":6,")
        // Sealed again, as newsdb 0.3.0 sealed it: the SHA-256 of every byte before the last line.
        let cut = try #require(text.range(of: "\"sha256\": \"", options: .backwards))
        let sealed = String(text[..<cut.lowerBound])
        let digest = SHA256.hash(data: Data(sealed.utf8)).map { String(format: "%02x", $0) }.joined()
        let old = folder.path("schema-6.json")
        try Data((sealed + "\"sha256\": \"\(digest)\"}\n").utf8).write(to: URL(fileURLWithPath: old))
        let report = try ChangeFileReader.apply(old, to: bob.database)
        #expect(report.applied > 0)
        let received = try bob.database.annotation(made.id)
        #expect(received.part == .body && received.selector == made.selector)
    }

    @Test("A headline annotation travels over HTTP with its part")
    func http() async throws {
        let server = try await RunningServer.start(alice)
        let token = try alice.database.createToken(name: "bob").token
        let made = try headline(bob, "third day")
        _ = try await bob.sync(with: server, token: token)
        let received = try alice.database.annotation(made.id)
        #expect(received.part == .title && received.selector == made.selector && received.anchor == made.anchor)
        try await server.stop()
    }
}
