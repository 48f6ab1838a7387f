import Foundation
import Hummingbird
import NIOCore
import Store
import Sync
import Testing

/// `newsdb clone URL`: the snapshot streams from `newsdb serve`, behind a token, and a transfer cut short leaves no
/// database.
@Suite struct HTTPCloneTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        _ = try alice.database.annotate(
            AnnotationDraft(article: try alice.articleIDs[1], quote: "3.2% pay offer", note: "a note", tags: ["pay"]))
    }

    func expectNothingMade(_ path: String) {
        for suffix in ["", ".partial", "-wal", ".partial-wal"] {
            #expect(!FileManager.default.fileExists(atPath: path + suffix))
        }
    }

    @Test("A clone over HTTP holds what the server holds, stores the server, and its first sync moves nothing")
    func cloneOverHTTP() async throws {
        let token = try alice.database.createToken(name: "erin").token
        let server = try await RunningServer.start(alice)
        let path = folder.path("erin.sqlite")
        let remote = PeerServer(name: "", url: server.url, token: token)
        let report = try await SnapshotClient.clone(from: remote, to: path, replicaName: "erin", newsdbVersion: "test")
        #expect(report.source.name == "alice" && report.replica.name == "erin" && report.annotations == 1)
        let erin = TestReplica(name: "erin", database: try NewsDatabase.open(at: path, options: .init(backup: false)))
        #expect(try erin.snapshot() == alice.snapshot())
        let stored = try erin.database.server(named: "alice")
        #expect(stored.url == server.url && stored.token == token)
        let synced = try await SyncClient.sync(erin.database, with: stored, newsdbVersion: "test")
        #expect(synced.pulled.changes == 0 && synced.pushed.changes == 0)
        try await server.stop()
        #expect(server.log.all.contains { $0.contains("GET /v1/sync/snapshot 200") && $0.hasSuffix("erin") })
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(!left.contains { $0.hasPrefix(".newsdb-snapshot-") })
    }

    @Test("A change the server takes after a clone is in the next clone, and an unchanged server serves the same bytes")
    func changeAfterClone() async throws {
        let token = try alice.database.createToken(name: "erin").token
        let server = try await RunningServer.start(alice)
        let remote = PeerServer(name: "", url: server.url, token: token)
        let first = try await SnapshotClient.clone(
            from: remote, to: folder.path("erin.sqlite"), replicaName: "erin", newsdbVersion: "test")
        let again = try await SnapshotClient.clone(
            from: remote, to: folder.path("frank.sqlite"), replicaName: "frank", newsdbVersion: "test")
        #expect(first.annotations == 1 && again.annotations == 1 && again.snapshotBytes == first.snapshotBytes)
        _ = try alice.database.annotate(AnnotationDraft(article: try alice.articleIDs[0], quote: "nine to four"))
        let after = try await SnapshotClient.clone(
            from: remote, to: folder.path("gina.sqlite"), replicaName: "gina", newsdbVersion: "test")
        #expect(after.annotations == 2)
        let gina = TestReplica(
            name: "gina", database: try NewsDatabase.open(at: folder.path("gina.sqlite"), options: .init(backup: false))
        )
        #expect(try gina.snapshot() == alice.snapshot())
        try await server.stop()
    }

    @Test("The snapshot route needs a token: without one or with a wrong one it is 401, and nothing is made")
    func tokenRequired() async throws {
        _ = try alice.database.createToken(name: "erin")
        let server = try await RunningServer.start(alice)
        let url = server.url + SyncProtocol.snapshot
        #expect(try await request(url).status == 401)
        #expect(try await request(url, .POST, token: "ndb_wrong").status == 401)
        let path = folder.path("erin.sqlite")
        let remote = PeerServer(name: "", url: server.url, token: "ndb_wrong")
        let error = await #expect(throws: StoreError.self) {
            try await SnapshotClient.clone(from: remote, to: path, replicaName: nil, newsdbVersion: "test")
        }
        #expect(error?.message.contains("refused the token (401)") == true)
        expectNothingMade(path)
        try await server.stop()
    }

    @Test("A transfer cut short leaves no database, and the clone can simply be run again")
    func interrupted() async throws {
        let snapshot = folder.path("alice.snapshot")
        _ = try alice.database.writeSnapshot(to: snapshot, newsdbVersion: "test")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        let server = try await FakeServer.cutting(after: bytes.prefix(bytes.count / 2), of: bytes.count)
        let path = folder.path("erin.sqlite")
        let remote = PeerServer(name: "", url: server.url, token: "ndb_any")
        let error = await #expect(throws: StoreError.self) {
            try await SnapshotClient.clone(from: remote, to: path, replicaName: nil, newsdbVersion: "test")
        }
        #expect(error?.code == .io)
        expectNothingMade(path)
        try await server.stop()

        let token = try alice.database.createToken(name: "erin").token
        let real = try await RunningServer.start(alice)
        let again = PeerServer(name: "", url: real.url, token: token)
        let report = try await SnapshotClient.clone(from: again, to: path, replicaName: nil, newsdbVersion: "test")
        #expect(report.annotations == 1)
        try await real.stop()
    }
}

extension FakeServer {
    /// A server that answers with the start of a body longer than it sends, then drops the connection: a transfer
    /// cut short.
    static func cutting(after part: Data, of length: Int) async throws -> FakeServer {
        let bytes = [UInt8](part)
        return try await start {
            Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(contentLength: length) { writer in
                    try await writer.write(ByteBuffer(bytes: bytes))
                    throw TestFailure("the connection dropped")
                })
        }
    }
}
