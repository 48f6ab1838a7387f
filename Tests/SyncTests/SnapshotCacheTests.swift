import Foundation
import Store
import Sync
import Testing

/// The snapshot a server keeps for `newsdb clone URL` (``SnapshotCache``): sealed once, served again while nothing
/// is committed, sealed again after any commit, wherever it comes from.
@Suite struct SnapshotCacheTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    /// Alice's database as her server opens it: a pool, other connections than her command line's.
    let served: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        _ = try alice.database.annotate(AnnotationDraft(article: try alice.articleIDs[1], quote: "3.2% pay offer"))
        served = try NewsDatabase.open(
            at: alice.database.path, options: .init(backup: false, clock: clock.read, connections: .pool))
    }

    /// The annotations a clone of `sealed` holds.
    func annotationsInClone(of sealed: SealedSnapshot) throws -> Int {
        var bytes = Data(count: Int(sealed.bytes))
        let count = try bytes.withUnsafeMutableBytes { try sealed.read(at: 0, into: $0) }
        #expect(count == Int(sealed.bytes))
        let file = try folder.write("sealed-\(UUID().uuidString).snapshot", bytes)
        let report = try NewsDatabase.clone(
            snapshot: file, to: folder.path("clone-\(UUID().uuidString).sqlite"), name: nil)
        return report.annotations
    }

    @Test("While nothing is committed, every request gets the snapshot sealed first, whole")
    func reusedWhileUnchanged() async throws {
        let cache = SnapshotCache(served)
        let first = try await cache.snapshot(newsdbVersion: "test")
        _ = try alice.database.annotations()
        let second = try await cache.snapshot(newsdbVersion: "test")
        #expect(first === second)
        #expect(try annotationsInClone(of: second) == 1)
    }

    @Test("A commit from another process's connection, or from the server's own writer, is in the next snapshot")
    func sealedAgainAfterACommit() async throws {
        let cache = SnapshotCache(served)
        let first = try await cache.snapshot(newsdbVersion: "test")
        // A command line's edit: another connection to the same file.
        _ = try alice.database.annotate(AnnotationDraft(article: try alice.articleIDs[0], quote: "nine to four"))
        let second = try await cache.snapshot(newsdbVersion: "test")
        #expect(first !== second)
        #expect(try annotationsInClone(of: second) == 2)
        // A push the server applies: its pool's own writer.
        _ = try served.annotate(AnnotationDraft(article: try alice.articleIDs[1], quote: "main gate"))
        let third = try await cache.snapshot(newsdbVersion: "test")
        #expect(second !== third)
        #expect(try annotationsInClone(of: third) == 3)
        // The snapshot replaced still reads whole for a clone that was streaming it.
        #expect(try annotationsInClone(of: first) == 1)
    }

    @Test("Requests that come while a snapshot is sealed wait for that one")
    func oneSealAtATime() async throws {
        let cache = SnapshotCache(served)
        async let one = cache.snapshot(newsdbVersion: "test")
        async let two = cache.snapshot(newsdbVersion: "test")
        let (first, second) = try await (one, two)
        #expect(first === second)
    }

    @Test("The sealed snapshot has no name in the folder: a server killed leaves nothing of it behind")
    func nothingLeft() throws {
        let sealed = try served.sealSnapshotFile(in: folder.url.path, newsdbVersion: "test")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(!names.contains { $0.hasPrefix(".newsdb-snapshot-") })
        #expect(try annotationsInClone(of: sealed) == 1)
    }
}
