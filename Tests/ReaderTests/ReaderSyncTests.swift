import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Sync
import Testing

@testable import Reader

/// Sync now: `GET /api/peers` and `POST /api/peers/{name}/sync` against a teammate's real sync server on loopback,
/// started in this process over the teammate's own database, and every failure leaving the database as it was.
@Suite struct ReaderSyncTests {
    let fixture: ReaderFixture
    /// Bob's database: the same article as the reader's, with bob's annotation on it, and the token he gave alice.
    let bob: NewsDatabase
    let token: String

    init() throws {
        fixture = try ReaderFixture()
        bob = try NewsDatabase.open(
            at: fixture.folder.path("bob.sqlite"),
            options: .init(backup: false, clock: { Date(timeIntervalSince1970: 1_790_000_000) }, connections: .pool))
        try bob.rename(to: "bob")
        _ = try bob.importArticles([.data(Data("Port strike enters third day\n\n\(emojiBody)\n".utf8), name: "b.txt")])
        _ = try bob.annotate(AnnotationDraft(article: fixture.articleID, quote: "main gate", note: "Which gate?"))
        token = try bob.createToken(name: "alice").token
    }

    /// Runs `test` with bob's server listening on loopback, added to the reader's database as `bob-laptop`.
    func withBobServing(_ test: (String) async throws -> Void) async throws {
        let server = try SyncServer(
            database: bob,
            configuration: SyncServerConfiguration(host: "127.0.0.1", port: 0, newsdbVersion: "test"),
            logger: Logger(label: "test.bob") { _ in SwiftLogNoOpLogHandler() })
        let (ports, listening) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run(handlingSignals: false) { listening.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let url = "http://127.0.0.1:\(port)"
        do {
            try await test(url)
        } catch {
            task.cancel()
            try await task.value
            throw error
        }
        task.cancel()
        try await task.value
    }

    /// The answer's body as JSON, and the snapshot of the database.
    func sync(_ client: any TestClientProtocol, _ session: Session, _ name: String) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        try await client.execute(uri: "/api/peers/\(name)/sync", method: .post, headers: session.write) { response in
            (response.status, try object(response))
        }
    }

    @Test("GET /api/peers lists the servers added with peers add, with when they last synced, never their tokens")
    func listPeers() async throws {
        try fixture.database.addServer(name: "bob-laptop", url: "http://127.0.0.1:1", token: token)
        try await fixture.withRouter { client in
            try await client.execute(uri: "/api/peers", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/peers", method: .get, headers: session.read) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains(token))
                let peers = try #require(try object(response)["peers"] as? [[String: Any]])
                #expect(peers.count == 1)
                #expect(peers.first?["name"] as? String == "bob-laptop")
                #expect(peers.first?["url"] as? String == "http://127.0.0.1:1")
                #expect(peers.first?["lastSynced"] is NSNull)
                #expect(peers.first?.keys.sorted() == ["added", "lastSynced", "name", "url"])
            }
        }
    }

    @Test("Sync now pulls bob's annotation and pushes the reader's, answering what moved in one sentence")
    func syncNow() async throws {
        try await withBobServing { url in
            try fixture.database.addServer(name: "bob-laptop", url: url, token: token)
            try await fixture.withRouter { client in
                let session = try await fixture.login(client)
                let (status, answer) = try await sync(client, session, "bob-laptop")
                #expect(status == .ok)
                #expect(answer["peer"] as? String == "bob-laptop")
                let received = try #require(answer["received"] as? Int)
                #expect(received >= 1)
                #expect(answer["sent"] as? Int ?? -1 >= 0)
                #expect(answer["conflicts"] as? Int == 0)
                #expect(
                    answer["message"] as? String
                        == "Sent \(answer["sent"] ?? ""), received \(received) from bob-laptop.")
                let pulled = try fixture.database.annotations()
                #expect(pulled.map(\.author) == ["bob"])
                #expect(pulled.first?.note == "Which gate?")

                _ = try fixture.database.annotate(AnnotationDraft(article: fixture.articleID, quote: "third day"))
                let (again, second) = try await sync(client, session, "bob-laptop")
                #expect(again == .ok)
                #expect(second["message"] as? String == "Sent 1, received 0 from bob-laptop.")
                #expect(try bob.annotations().map(\.author).sorted() == ["alice", "bob"])
                try await client.execute(uri: "/api/peers", method: .get, headers: session.read) { response in
                    let peers = try #require(try object(response)["peers"] as? [[String: Any]])
                    #expect(peers.first?["lastSynced"] is String)
                }
            }
        }
    }

    @Test("Sync now refuses without the cookie (401), without the CSRF header (403) and for an unknown server (404)")
    func refusals() async throws {
        try await withBobServing { url in
            try fixture.database.addServer(name: "bob-laptop", url: url, token: token)
            try await fixture.withRouter { client in
                let session = try await fixture.login(client)
                let before = try fixture.snapshot()
                try await client.execute(uri: "/api/peers/bob-laptop/sync", method: .post) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/api/peers/bob-laptop/sync", method: .post, headers: session.read) {
                    response in
                    #expect(response.status == .forbidden)
                    try #expect(errorMessage(response).contains("X-CSRF-Token"))
                }
                let (status, answer) = try await sync(client, session, "carol")
                #expect(status == .notFound)
                #expect(answer["error"] as? String == "no server is called 'carol' (servers: bob-laptop)")
                #expect(try fixture.snapshot() == before)
                #expect(try bob.annotations().count == 1)
            }
        }
    }

    @Test("A server that does not answer, or refuses the token, is a 502 saying so, and nothing changes")
    func upstreamFailures() async throws {
        // A port nothing listens on: bob's server, stopped.
        var stopped = ""
        try await withBobServing { url in stopped = url }
        let stoppedURL = stopped
        try fixture.database.addServer(name: "gone", url: stoppedURL, token: token)
        try await withBobServing { url in
            try fixture.database.addServer(name: "wrong-token", url: url, token: "not-the-token")
            try await fixture.withRouter { client in
                let session = try await fixture.login(client)
                _ = try fixture.database.annotate(AnnotationDraft(article: fixture.articleID, quote: "third day"))
                let before = try fixture.snapshot()
                let (gone, unreachable) = try await sync(client, session, "gone")
                #expect(gone == .badGateway)
                #expect((unreachable["error"] as? String)?.hasPrefix("cannot reach \(stoppedURL)") == true)
                let (refused, token) = try await sync(client, session, "wrong-token")
                #expect(refused == .badGateway)
                #expect((token["error"] as? String)?.contains("refused the token (401)") == true)
                #expect(try fixture.snapshot() == before)
                #expect(try bob.annotations().count == 1)
            }
        }
    }

    @Test("A second Sync now with a server while one runs is refused (409), not run beside it")
    func oneAtATime() async throws {
        try fixture.database.addServer(name: "bob-laptop", url: "http://127.0.0.1:1", token: token)
        let gate = SyncGate()
        try await fixture.withRouter(syncing: gate) { client in
            let session = try await fixture.login(client)
            async let first = sync(client, session, "bob-laptop")
            await gate.waitUntilStarted()
            let (second, answer) = try await sync(client, session, "bob-laptop")
            #expect(second == .conflict)
            #expect(answer["error"] as? String == "a sync with bob-laptop is already running; wait for it to finish")
            gate.release()
            let (status, done) = try await first
            #expect(status == .ok)
            #expect(done["message"] as? String == "Sent 2, received 5 from bob-laptop; 1 conflict to look at.")
        }
    }
}

/// A sync that holds until released, so that a test can send a second one meanwhile.
final class SyncGate: ReaderSyncing {
    private let started = AsyncStream<Void>.makeStream()
    private let released = AsyncStream<Void>.makeStream()

    func sync(_ database: NewsDatabase, with server: PeerServer) async throws -> PeerSyncOutcome {
        started.continuation.yield()
        var waiting = released.stream.makeAsyncIterator()
        _ = await waiting.next()
        return PeerSyncOutcome(sent: 2, received: 5, conflicts: 1, waiting: 0)
    }

    func waitUntilStarted() async {
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    func release() { released.continuation.yield() }
}
