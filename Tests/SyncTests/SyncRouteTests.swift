import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Testing

@testable import Sync

/// The server's router, driven without a socket (HummingbirdTesting's `.router`): each endpoint's status, headers and
/// JSON errors, and which middleware answers what. The live loopback tests are in ``HTTPSyncTests``.
@Suite struct SyncRouteTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica
    let log = LogLines()

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
    }

    /// Runs `test` against alice's server's router, with `maxPageChanges` and `maxBodyBytes` as limits.
    func withRouter(
        maxPageChanges: Int = 10_000, maxBodyBytes: Int = 64 << 20,
        _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.routes") { _ in log }
        logger.logLevel = .info
        let server = try SyncServer(
            database: alice.database,
            configuration: SyncServerConfiguration(
                port: 0, maxBodyBytes: maxBodyBytes, maxPageChanges: maxPageChanges, newsdbVersion: "test"),
            logger: logger)
        try await Application(router: server.router()).test(.router, test)
    }

    func annotate(_ replica: TestReplica, _ quote: String) throws {
        _ = try replica.database.annotate(AnnotationDraft(article: try replica.articleIDs[1], quote: quote))
    }

    @Test("/healthz answers without a token; the sync endpoints refuse a missing or unknown token with 401")
    func authentication() async throws {
        _ = try alice.database.createToken(name: "bob")
        try await withRouter { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            for headers in [HTTPFields(), bearer("not-a-token"), [.authorization: "Basic Ym9iOmJvYg=="]] {
                try await client.execute(uri: "/v1/sync", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="newsdb""#)
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(errorMessage(response)?.contains("token") == true, "\(String(buffer: response.body))")
                }
            }
        }
        #expect(log.all.contains { $0.hasPrefix("info GET /v1/sync 401 ") && $0.hasSuffix("ms -") })
    }

    @Test("With a teammate's token, /v1/sync describes the server and the request is logged under the teammate")
    func info() async throws {
        let token = try alice.database.createToken(name: "bob").token
        let replica = try alice.database.replica()
        try await withRouter(maxPageChanges: 7, maxBodyBytes: 9000) { client in
            try await client.execute(uri: "/v1/sync", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                let info = try JSONDecoder().decode(ServerInfo.self, from: Data(buffer: response.body))
                #expect(info.replica == replica)
                #expect(info.maxPageChanges == 7 && info.maxBodyBytes == 9000)
                #expect(info.schema == NewsDatabase.changeSchemaVersion)
            }
        }
        #expect(log.all.contains { $0.hasPrefix("info GET /v1/sync 200 ") && $0.hasSuffix("ms bob") })
        #expect(!log.all.contains { $0.contains(token) })
    }

    @Test("A path no endpoint has is 404 and an endpoint's other methods are 405, each as a JSON error")
    func unknownPathsAndMethods() async throws {
        let token = try alice.database.createToken(name: "bob").token
        try await withRouter { client in
            try await client.execute(uri: "/v2/anything", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .notFound)
                #expect(errorMessage(response)?.contains("no such endpoint: /v2/anything") == true)
            }
            for (uri, method) in [
                ("/v1/sync/pull", HTTPRequest.Method.get), ("/v1/sync/push", .put), ("/v1/sync", .post),
                ("/healthz", .delete),
            ] {
                try await client.execute(uri: uri, method: method, headers: bearer(token)) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(errorMessage(response)?.contains("\(uri) takes") == true, "\(method) \(uri)")
                }
            }
        }
    }

    @Test("A pull answers a page with its Newsdb-Page header; a malformed pull or a limit under 1 is 400")
    func pull() async throws {
        let token = try alice.database.createToken(name: "bob").token
        for quote in ["3.2% pay offer", "main gate", "north gate"] { try annotate(alice, quote) }
        try await withRouter { client in
            let first = try JSONEncoder().encode(PullRequest(knowledge: Knowledge(), limit: 1))
            try await client.execute(
                uri: "/v1/sync/pull", method: .post, headers: bearer(token), body: ByteBuffer(data: first)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name(SyncProtocol.pageHeader)!] == "more")
                #expect(String(buffer: response.body).contains("\"format\""))
            }
            let all = try JSONEncoder().encode(PullRequest(knowledge: Knowledge(), limit: nil))
            try await client.execute(
                uri: "/v1/sync/pull", method: .post, headers: bearer(token), body: ByteBuffer(data: all)
            ) { response in
                #expect(response.headers[HTTPField.Name(SyncProtocol.pageHeader)!] == "last")
            }
            for (body, expected) in [
                ("knowledge", "not JSON"), (#"{"knowledge": {}, "limit": 0}"#, "limit must be at least 1"),
            ] {
                try await client.execute(
                    uri: "/v1/sync/pull", method: .post, headers: bearer(token), body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(errorMessage(response)?.contains(expected) == true, "\(body)")
                }
            }
        }
    }

    @Test("A push is applied and answered with what the server has; a body over the limit is 413 and changes nothing")
    func push() async throws {
        let token = try alice.database.createToken(name: "bob").token
        for quote in ["main gate", "north gate"] { try annotate(bob, quote) }
        let page = try bob.database.exportPage(excluding: Knowledge(), limit: 10, newsdbVersion: "test")
        let body = try ChangeFileWriter.encode(page)
        try await withRouter(maxBodyBytes: body.count - 1) { client in
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: bearer(token), body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(errorMessage(response)?.contains("larger than this server takes") == true)
            }
        }
        #expect(try alice.database.annotations(AnnotationFilter()).isEmpty)
        let database = alice.database
        try await withRouter { client in
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: bearer(token), body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .ok)
                let result = try JSONDecoder().decode(PushResult.self, from: Data(buffer: response.body))
                #expect(result.applied == page.changes.count && result.duplicates == 0)
                #expect(result.knowledge == (try database.knowledge()))
            }
        }
        #expect(try alice.database.annotations(AnnotationFilter()).count == 2)
    }

    @Test("A push stamped more than a day ahead of the server's clock is 409, naming the replica, and changes nothing")
    func pushFromTheFuture() async throws {
        let token = try alice.database.createToken(name: "bob").token
        let ahead = TestClock()
        ahead.advance(2 * 86_400)
        let skewed = try TestReplica("skewed", in: folder, clock: ahead.read)
        try annotate(skewed, "3.2% pay offer")
        let page = try skewed.database.exportPage(excluding: Knowledge(), limit: 10, newsdbVersion: "test")
        let before = try alice.snapshot()
        try await withRouter { client in
            try await client.execute(
                uri: "/v1/sync/push", method: .post, headers: bearer(token),
                body: ByteBuffer(bytes: try ChangeFileWriter.encode(page))
            ) { response in
                #expect(response.status == .conflict)
                #expect(errorMessage(response)?.contains("skewed") == true, "\(String(buffer: response.body))")
            }
        }
        #expect(try alice.snapshot() == before)
    }

    @Test("A StoreError is answered by its code, never by its wording: busy is 503 with Retry-After")
    func storeErrorsByCode() {
        let busy = SyncError(
            answering: StoreError(.busy, "reading the change log: the database is locked"), maxBodyBytes: 1)
        #expect(busy.status == .serviceUnavailable && busy.response.headers[.retryAfter] == "5")
        // The wording that once chose 503, under another code.
        let worded = SyncError(answering: StoreError(.io, "the database stayed busy; try again"), maxBodyBytes: 1)
        #expect(worded.status == .internalServerError)
        #expect(SyncError(answering: StoreError(.invalidInput, "bad"), maxBodyBytes: 1).status == .badRequest)
        #expect(SyncError(answering: StoreError(.replicaReused, "reused"), maxBodyBytes: 1).status == .conflict)
        #expect(SyncError(answering: StoreError(.clockAhead, "ahead"), maxBodyBytes: 1).status == .conflict)
        #expect(SyncError(answering: NIOTooManyBytesError(maxBytes: 10), maxBodyBytes: 10).status == .contentTooLarge)
        #expect(SyncError(answering: CancellationError(), maxBodyBytes: 1).status == .internalServerError)
    }
}

/// The `Authorization` header of `token`.
private func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// The message of a JSON error answer, or nil when the body is not one.
private func errorMessage(_ response: TestResponse) -> String? {
    guard let body = try? JSONDecoder().decode([String: String].self, from: Data(buffer: response.body)) else {
        return nil
    }
    return body["error"]
}
