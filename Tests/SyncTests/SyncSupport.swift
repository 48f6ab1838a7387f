import Crypto
import Foundation
import Store
import Sync
import Synchronization
@_exported import TestSupport

/// A wall clock a test moves by hand, shared by the replicas it is given to.
final class TestClock: Sendable {
    private let seconds = Mutex<Double>(1_790_000_000)

    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }

    var read: @Sendable () -> Date { { Date(timeIntervalSince1970: self.seconds.withLock { $0 }) } }
}

/// Articles every replica in a test imports before it syncs, written for these tests.
let sharedArticles: [(title: String, body: String)] = [
    (
        "Port strike enters third day",
        """
        Dockworkers at the city's container port stayed off the job for a third day on Wednesday, as talks over a \
        3.2% pay offer stalled. The union says the offer falls short of inflation.

        Shipping lines diverted two vessels to other ports. The harbour authority said the main gate would stay \
        open for emergency cargo, and that the north gate would reopen on Friday.
        """
    ),
    (
        "Council approves cycle lanes",
        """
        The city council voted nine to four on Tuesday to build protected cycle lanes on two main roads. \
        Shop owners on the high street said they feared losing parking spaces.

        The scheme will cost 4.5 million over three years, paid for by a national transport grant. Work is due to \
        begin in the spring, starting with the bridge approach.
        """
    ),
]

/// A replica for a test: a database in a temporary folder, named, holding the shared articles.
struct TestReplica: Sendable {
    let name: String
    let database: NewsDatabase

    init(_ name: String, in folder: TemporaryDirectory, clock: @escaping @Sendable () -> Date) throws {
        self.name = name
        database = try NewsDatabase.open(at: folder.path("\(name).sqlite"), options: .init(backup: false, clock: clock))
        try database.rename(to: name)
        let inputs = sharedArticles.enumerated().map { index, article in
            ArticleInput.data(Data("\(article.title)\n\n\(article.body)\n".utf8), name: "article-\(index).txt")
        }
        _ = try database.importArticles(inputs)
    }

    /// A replica for a database opened by the test.
    init(name: String, database: NewsDatabase) {
        self.name = name
        self.database = database
    }

    var articleIDs: [String] { get throws { try database.articles().map(\.id).sorted() } }

    /// The changes `peer` lacks (everything without a peer), in memory.
    func changes(for peer: TestReplica? = nil) throws -> ChangeBundle {
        try changes(excluding: try peer.map { try database.peer($0.name).knowledge } ?? Knowledge())
    }

    /// The changes not in `known`, in memory.
    func changes(excluding known: Knowledge) throws -> ChangeBundle {
        var header: ChangeSetHeader?
        var changes: [Change] = []
        try database.exportChanges(
            excluding: known, newsdbVersion: "test", header: { header = $0 }, change: { changes.append($0) })
        guard let header else { throw TestFailure("no header") }
        return ChangeBundle(header: header, changes: changes)
    }

    /// Applies `bundle`.
    @discardableResult
    func apply(_ bundle: ChangeBundle) throws -> ChangeSetReport {
        var iterator = bundle.changes.makeIterator()
        return try database.applyChanges(header: bundle.header, next: { iterator.next() })
    }

    /// Sends `self`'s changes that `peer` lacks to `peer` through a change file.
    @discardableResult
    func send(to peer: TestReplica, in folder: TemporaryDirectory, full: Bool = false) throws -> ChangeSetReport {
        let known = full ? nil : try database.peers().first { $0.name == peer.name }
        let path = folder.path("\(name)-to-\(peer.name)-\(UUID().uuidString).json")
        try ChangeFileWriter.export(from: database, for: known, to: path, newsdbVersion: "test")
        return try ChangeFileReader.apply(path, to: peer.database)
    }

    /// Everything that must be the same on replicas that have the same changes.
    func snapshot() throws -> Snapshot {
        let articles = try database.articles().map { try database.article($0.id) }.map { article in
            try ArticleSnapshot(
                id: article.id, title: article.title, body: article.body, dek: article.dek, byline: article.byline,
                texts: Set((1...article.revision).map { try database.article(article.id, revision: $0).body }))
        }
        let annotations = try database.annotations(AnnotationFilter(includeDeleted: true)).map { annotation in
            AnnotationSnapshot(
                id: annotation.id, articleID: annotation.articleID, part: annotation.part,
                selector: annotation.selector,
                anchorState: annotation.anchor.state, anchorRange: annotation.anchor.range, note: annotation.note,
                tags: annotation.tags, color: annotation.color, motivation: annotation.motivation,
                author: annotation.author, createdAt: annotation.createdAt, modifiedAt: annotation.modifiedAt,
                deletedAt: annotation.deletedAt)
        }
        return Snapshot(
            articles: articles.sorted { $0.id < $1.id }, annotations: annotations.sorted { $0.id < $1.id },
            conflicts: try database.conflicts().map { ConflictSnapshot($0) }.sorted { $0.id < $1.id })
    }
}

struct ChangeBundle {
    let header: ChangeSetHeader
    let changes: [Change]
}

struct Snapshot: Equatable {
    var articles: [ArticleSnapshot]
    var annotations: [AnnotationSnapshot]
    var conflicts: [ConflictSnapshot]
}

struct ArticleSnapshot: Equatable {
    var id, title, body: String
    var dek, byline: String?
    var texts: Set<String>
}

struct AnnotationSnapshot: Equatable {
    var id, articleID: String
    var part: ArticlePart
    var selector: TextSelector
    var anchorState: AnchorState
    var anchorRange: Range<Int>?
    var note: String?
    var tags: [String]
    var color: AnnotationColor
    var motivation: Motivation
    var author, createdAt, modifiedAt: String
    var deletedAt: String?
}

struct ConflictSnapshot: Equatable {
    var id: String
    var field: AnnotationField
    var winner: ConflictValue
    var others: [ConflictValue]

    init(_ conflict: Conflict) {
        id = conflict.id
        field = conflict.field
        winner = conflict.winner
        others = conflict.others.sorted { $0.change < $1.change }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `content` (a change file up to its last line) ended with the line stating its SHA-256.
func sealed(_ content: Data) -> Data {
    let digest = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
    return content + Data("\"sha256\": \"\(digest)\"}\n".utf8)
}

/// A change file's `text`, altered, with its last line (the SHA-256) made to match again.
func resealed(_ text: String) -> Data {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    lines.removeLast(2)  // the SHA-256 line, and the empty string after the final line feed
    return sealed(Data((lines.joined(separator: "\n") + "\n").utf8))
}
