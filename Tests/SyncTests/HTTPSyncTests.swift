import Foundation
import NIOCore
import NIOHTTP1
import Store
import Testing

@testable import Sync

@Suite struct HTTPSyncTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica
    let carol: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
        carol = try TestReplica("carol", in: folder, clock: clock.read)
    }

    func annotate(_ replica: TestReplica, _ quote: String, note: String? = nil) throws -> Annotation {
        try replica.database.annotate(AnnotationDraft(article: try replica.articleIDs[1], quote: quote, note: note))
    }

    @Test("Two replicas converge over HTTP, and a later sync moves only the new change, both ways")
    func twoReplicas() async throws {
        let server = try await RunningServer.start(alice)
        let token = try alice.database.createToken(name: "bob").token
        let shared = try annotate(alice, "3.2% pay offer", note: "alice's")
        _ = try annotate(bob, "main gate", note: "bob's")
        let first = try await bob.sync(with: server, token: token)
        #expect(first.server == "alice")
        #expect(first.pulled.applied > 0 && first.pushed.applied > 0)
        #expect(try alice.snapshot() == bob.snapshot())
        #expect(try bob.database.annotations(AnnotationFilter()).count == 2)

        clock.advance(1)
        try alice.database.editAnnotation(shared.id, AnnotationChanges(note: "edited by alice"))
        try bob.database.editAnnotation(shared.id, AnnotationChanges(addTags: ["checked"]))
        let second = try await bob.sync(with: server, token: token)
        #expect(second.pulled.changes == 1 && second.pushed.changes == 1)
        #expect(try alice.snapshot() == bob.snapshot())
        let merged = try alice.database.annotation(shared.id)
        #expect(merged.note == "edited by alice" && merged.tags == ["checked"])

        let idle = try await bob.sync(with: server, token: token)
        #expect(idle.pulled.changes == 0 && idle.pushed.changes == 0)
        #expect(try bob.database.peer("alice").missing == 0)
        #expect(try alice.database.peer("bob").missing == 0)
        try await server.stop()
    }

    @Test("Three replicas, two of them syncing at once with one server, all converge")
    func threeReplicasAtOnce() async throws {
        let server = try await RunningServer.start(alice, maxPageChanges: 4)
        let bobToken = try alice.database.createToken(name: "bob").token
        let carolToken = try alice.database.createToken(name: "carol").token
        for index in 0..<6 {
            _ = try annotate(alice, ["3.2% pay offer", "main gate", "north gate"][index % 3], note: "a\(index)")
        }
        for index in 0..<5 { _ = try annotate(bob, ["Dockworkers", "two vessels"][index % 2], note: "b\(index)") }
        for index in 0..<5 {
            _ = try annotate(carol, ["harbour authority", "emergency cargo"][index % 2], note: "c\(index)")
        }
        let (bob, carol) = (self.bob, self.carol)
        async let bobSync = bob.sync(with: server, token: bobToken, pageLimit: 3)
        async let carolSync = carol.sync(with: server, token: carolToken, pageLimit: 3)
        let (bobReport, carolReport) = try await (bobSync, carolSync)
        #expect(bobReport.pulled.pages > 1 && carolReport.pushed.pages > 1)
        // A second round brings each the other's changes through the server.
        try await bob.sync(with: server, token: bobToken)
        try await carol.sync(with: server, token: carolToken)
        try await bob.sync(with: server, token: bobToken)
        let expected = try alice.snapshot()
        #expect(expected.annotations.count == 16)
        #expect(try bob.snapshot() == expected)
        #expect(try carol.snapshot() == expected)
        try await server.stop()
    }

    @Test("Without a token, with a wrong or a revoked one: 401 with a JSON error, and nothing changes")
    func unauthorized() async throws {
        let server = try await RunningServer.start(alice)
        let token = try alice.database.createToken(name: "bob").token
        _ = try annotate(bob, "main gate")
        for (path, method) in [("/v1/sync", HTTPMethodName.get), ("/v1/sync/pull", .post), ("/v1/sync/push", .post)] {
            let answer = try await request(
                server.url + path, method.value, body: method == .post ? Array("{}".utf8) : nil)
            #expect(answer.status == 401 && answer.headers.first(name: "WWW-Authenticate") == #"Bearer realm="newsdb""#)
            #expect(answer.body.hasPrefix("{\"error\":\"a token is required"))
        }
        let health = try await request(server.url + "/healthz")
        #expect(health.status == 200 && health.body == #"{"status":"ok"}"#)

        let before = try alice.database.knowledge()
        await #expect { try await bob.sync(with: server, token: token + "x") } throws: { error in
            (error as? StoreError)?.message.contains("refused the token (401)") == true
        }
        try alice.database.revokeToken(name: "bob")
        await #expect { try await bob.sync(with: server, token: token) } throws: { error in
            (error as? StoreError)?.message.contains("revoked or mistyped") == true
        }
        #expect(try alice.database.knowledge() == before)
        #expect(try alice.database.annotations(AnnotationFilter()).isEmpty)
        #expect(try bob.database.peers().isEmpty)
        try await server.stop()
    }

    @Test("Limits: an oversized body is 413, bad JSON and a damaged or oversized page are 400, nothing is applied")
    func limits() async throws {
        let server = try await RunningServer.start(alice, maxPageChanges: 2, maxBodyBytes: 4096)
        let token = try alice.database.createToken(name: "bob").token
        let big = try await request(
            server.url + "/v1/sync/push", .POST, token: token, body: Array(repeating: 32, count: 5000))
        #expect(big.status == 413 && big.body.contains("larger than this server takes"))
        let notJSON = try await request(
            server.url + "/v1/sync/pull", .POST, token: token, body: Array("knowledge".utf8))
        #expect(notJSON.status == 400 && notJSON.body.contains("not JSON"))

        for quote in ["main gate", "north gate", "two vessels"] { _ = try annotate(bob, quote) }
        let page = try bob.database.exportPage(
            excluding: try alice.database.knowledge(), limit: 2, newsdbVersion: "test")
        var damaged = try ChangeFileWriter.encode(page)
        damaged[damaged.count / 2] ^= 0x20
        let altered = try await request(server.url + "/v1/sync/push", .POST, token: token, body: damaged)
        #expect(altered.status == 400 && altered.body.contains("SHA-256 does not match"))
        let whole = try bob.database.exportPage(
            excluding: try alice.database.knowledge(), limit: 10, newsdbVersion: "test")
        let tooMany = try await request(
            server.url + "/v1/sync/push", .POST, token: token, body: try ChangeFileWriter.encode(whole))
        #expect(tooMany.status == 400 && tooMany.body.contains("more than 2 changes"))
        // A page whose count line understates its changes, sealed again with a matching SHA-256.
        let lying = Array(
            resealed(
                String(decoding: try ChangeFileWriter.encode(whole), as: UTF8.self)
                    .replacingOccurrences(of: "\"count\": \(whole.changes.count),", with: "\"count\": 1,")))
        let understated = try await request(server.url + "/v1/sync/push", .POST, token: token, body: lying)
        #expect(understated.status == 400 && understated.body.contains("more than 2 changes"))
        #expect(try alice.database.annotations(AnnotationFilter()).isEmpty)
        let missing = try await request(server.url + "/v2/anything", token: token)
        #expect(missing.status == 404)
        try await server.stop()
    }

    @Test("A push declaring a body over the limit is refused at once from its Content-Length: 413, logged as 413")
    func declaredLengthOverTheLimit() async throws {
        // The idle timeout outlasts the test: a server waiting for the declared body would never answer in time.
        let server = try await RunningServer.start(alice, maxBodyBytes: 4096, idleTimeout: .seconds(600))
        let token = try alice.database.createToken(name: "bob").token
        let connection = try RawConnection(port: server.port)
        connection.send(
            "POST /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Length: 999999999999\r\n\r\n")
        let head = try #require(connection.readHead(seconds: 25))
        #expect(head.hasPrefix("HTTP/1.1 413"))
        #expect(server.log.all.contains { $0.hasPrefix("info POST /v1/sync/push 413 ") })
        #expect(!server.log.all.contains { $0.contains(" 500 ") })
        try await server.stop()
    }

    @Test("A pull's limit below 1 is 400 with the reason")
    func pullLimitBelowOne() async throws {
        let server = try await RunningServer.start(alice)
        let token = try alice.database.createToken(name: "bob").token
        for limit in [0, -1] {
            let pull = Array(try JSONEncoder().encode(PullRequest(knowledge: Knowledge(), limit: limit)))
            let answer = try await request(server.url + "/v1/sync/pull", .POST, token: token, body: pull)
            #expect(answer.status == 400, "limit \(limit)")
            #expect(answer.body.contains("limit must be at least 1"), "\(answer.body)")
        }
        try await server.stop()
    }

    @Test("A stalled client does not hold up others, and an oversized request head is refused")
    func slowAndOversizedClients() async throws {
        // When the stalled connection is closed is IdleConnectionTimeoutTests' to check, on a clock of its own;
        // here the timeout only has to outlast the test.
        let server = try await RunningServer.start(alice, idleTimeout: .seconds(600))
        let stalled = try RawConnection(port: server.port)
        stalled.send("POST /v1/sync/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ")
        // Answered while the stalled connection is still open, not after the server gave up on it: judged by the
        // connection, not by a wall-clock margin a busy machine can overrun. The request and the look at the
        // connection run on the servers' threads, so that blocked cooperative threads cannot delay one of them.
        let url = server.url
        let (status, stillOpen) = try await Task(executorPreference: ServerThreads.shared) {
            let health = try await request(url + "/healthz")
            return (health.status, stalled.readUntilClosed(seconds: 1) == nil)
        }.value
        #expect(status == 200)
        #expect(stillOpen, "the stalled connection was closed before /healthz answered")

        let huge = try RawConnection(port: server.port)
        huge.send(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(String(repeating: "a", count: 64 << 10))\r\n\r\n")
        let answer = try #require(huge.readUntilClosed(seconds: 30))
        #expect(!answer.contains("200 OK"))
        #expect(try await request(server.url + "/healthz").status == 200)
        try await server.stop()
    }

    @Test("Pulled pages are gzip-compressed when the client takes gzip, and each request is logged without its token")
    func gzipAndLogging() async throws {
        let server = try await RunningServer.start(alice)
        let token = try alice.database.createToken(name: "bob").token
        for quote in ["3.2% pay offer", "main gate", "north gate"] {
            _ = try annotate(alice, quote, note: String(repeating: "long note ", count: 50))
        }
        let pull = Array(try JSONEncoder().encode(PullRequest(knowledge: Knowledge(), limit: nil)))
        let plain = try await request(server.url + "/v1/sync/pull", .POST, token: token, body: pull)
        #expect(plain.status == 200 && plain.headers.first(name: "Content-Encoding") == nil)
        #expect(plain.headers.first(name: "Newsdb-Page") == "last")
        let packed = try await request(
            server.url + "/v1/sync/pull", .POST, token: token, body: pull, headers: [("Accept-Encoding", "gzip")])
        #expect(packed.status == 200 && packed.headers.first(name: "Content-Encoding") == "gzip")
        #expect(packed.size < plain.size / 2)
        let refused = try await request(
            server.url + "/v1/sync/pull", .POST, token: token, body: pull,
            headers: [("Accept-Encoding", "gzip;q=0, identity")])
        #expect(refused.status == 200 && refused.headers.first(name: "Content-Encoding") == nil)
        let lines = server.log.all
        #expect(lines.contains { $0.hasPrefix("info POST /v1/sync/pull 200 ") && $0.hasSuffix("ms bob") })
        #expect(!lines.contains { $0.contains(token) })
        try await server.stop()
    }

    @Test("The client names the failure: connection refused, unknown host, an incompatible server")
    func clientErrors() async throws {
        let server = try await RunningServer.start(alice)
        let url = server.url
        try await server.stop()
        await #expect {
            try await SyncClient.sync(
                bob.database, with: PeerServer(name: "x", url: url, token: "t"), newsdbVersion: "test")
        } throws: { error in
            (error as? StoreError)?.message.contains("connection refused") == true
        }
        // A name that does not resolve, without asking DNS: the line for what the connection came to.
        #expect(
            HTTPErrorText.describe(ConnectionFailure.unresolved, url: "http://no-such-host.invalid:8787")
                .hasPrefix("cannot find the server no-such-host.invalid (the name does not resolve)"))
        for (info, expected) in [
            (
                try serverInfoJSON(schema: 99, version: 1),
                "runs a newer newsdb (schema 99; this one has \(NewsDatabase.changeSchemaVersion)); upgrade newsdb"
            ),
            (
                try serverInfoJSON(schema: NewsDatabase.changeSchemaVersion, version: 2),
                "speaks change format 2, newer than this newsdb reads (1); upgrade newsdb"
            ),
            (
                try serverInfoJSON(schema: 2, version: 1),
                "runs an older newsdb (schema 2; this one has \(NewsDatabase.changeSchemaVersion)); upgrade newsdb there"
            ),
            ("<html>hello</html>", "is not a newsdb server"),
        ] {
            let fake = try await FakeServer.start(body: info)
            await #expect {
                try await SyncClient.sync(
                    bob.database, with: PeerServer(name: "x", url: fake.url, token: "t"), newsdbVersion: "test")
            } throws: { error in
                (error as? StoreError)?.message.hasPrefix("\(fake.url) " + expected) == true
            }
            try await fake.stop()
        }
        #expect(try bob.database.peers().isEmpty)
    }
}

@Suite struct ListenAddressTests {
    @Test("Loopback is decided on the address a host resolves to, not on how it is spelled")
    func loopback() throws {
        for host in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            #expect(SyncServer.isLoopback(try SyncServer.resolve(host, port: 0)), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.20", "::ffff:10.0.0.1"] {
            #expect(!SyncServer.isLoopback(try SyncServer.resolve(host, port: 0)), "\(host)")
        }
        // Names go through the lookup; these tests give their own, so that none asks DNS.
        let names: @Sendable (String, Int) throws -> SocketAddress = { name, port in
            switch name {
            case "my-laptop": try SocketAddress(ipAddress: "127.0.1.1", port: port)
            case "127.0.0.1.example.invalid": try SocketAddress(ipAddress: "203.0.113.7", port: port)
            default: throw SocketAddressError.unknown(host: name, port: port)
            }
        }
        #expect(SyncServer.isLoopback(try SyncServer.resolve("my-laptop", port: 0, lookup: names)))
        #expect(!SyncServer.isLoopback(try SyncServer.resolve("127.0.0.1.example.invalid", port: 0, lookup: names)))
        let error = try #require(throws: StoreError.self) {
            try SyncServer.resolve("no-such-host.invalid", port: 0, lookup: names)
        }
        #expect(error.message.hasPrefix("cannot listen on no-such-host.invalid: it is not an address of this machine"))
    }
}

/// The two methods the tests send without a body (GET) or with one (POST).
enum HTTPMethodName {
    case get, post
    var value: HTTPMethod { self == .get ? .GET : .POST }
}
