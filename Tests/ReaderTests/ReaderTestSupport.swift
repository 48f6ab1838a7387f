import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Sync
import Synchronization
@_exported import TestSupport
import Testing

@testable import Reader

/// The body of the test article: a paragraph, then one after an emoji with a skin tone and a letter with a
/// combining mark that has no precomposed form (q and U+0301, kept as two scalars in NFC), so that Unicode scalar
/// offsets differ from UTF-16 units and from characters.
let emojiBody = """
    Dockworkers at the port stayed off the job for a third day as talks over a 3.2% pay offer stalled.

    The union 👋🏽 said q\u{301}uay members would meet at the main gate on Friday.
    """

/// A database holding two articles, and the reader's router over it with a known key.
/// `@unchecked Sendable`: every property is a constant, and the one that is not Sendable (the temporary folder) is
/// only ever touched when the fixture is released.
final class ReaderFixture: @unchecked Sendable {
    let folder: TemporaryDirectory
    let database: NewsDatabase
    let sessions = ReaderSessions(key: "test-key")
    let log = LogLines()
    /// The article with the emoji, and the other one.
    let articleID: String
    let otherID: String

    /// The Host the tests' requests name unless they give `X-Test-Host`.
    static let host = "127.0.0.1:8788"

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.open(
            at: folder.path("reader.sqlite"),
            options: .init(backup: false, clock: { Date(timeIntervalSince1970: 1_790_000_000) }))
        try database.rename(to: "alice")
        _ = try database.importArticles([
            .data(Data("Port strike enters third day\n\n\(emojiBody)\n".utf8), name: "strike.txt"),
            .data(Data("Council approves cycle lanes\n\nThe council voted nine to four.\n".utf8), name: "lanes.txt"),
        ])
        let articles = try database.articles()
        articleID = try #require(articles.first { $0.title.hasPrefix("Port") }).id
        otherID = try #require(articles.first { $0.title.hasPrefix("Council") }).id
    }

    /// Runs `test` against the router, with a body limit of `maxBodyBytes`.
    func withRouter(
        maxBodyBytes: Int = 1 << 20, _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withRouter(maxBodyBytes: maxBodyBytes, syncing: ClientSyncing(), test)
    }

    /// Runs `test` against the router, with a body limit of `maxBodyBytes` and Sync now run by `syncing`.
    func withRouter(
        maxBodyBytes: Int = 1 << 20, syncing: any ReaderSyncing,
        _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "test.reader") { _ in log }
        logger.logLevel = .info
        let server = try ReaderServer(
            database: database, configuration: ReaderConfiguration(port: 8788, maxBodyBytes: maxBodyBytes),
            sessions: sessions, syncing: syncing, logger: logger)
        let responder = HostFromHeader(inner: server.router(port: ListeningPort(8788)).buildResponder())
        try await Application(responder: responder).test(.router, test)
    }

    /// A session's cookie and CSRF token, as a browser gets them.
    func login(_ client: any TestClientProtocol) async throws -> Session {
        let cookie = try await client.execute(uri: "/?key=test-key", method: .get) { response in
            #expect(response.status == .seeOther)
            let header = try #require(response.headers[.setCookie])
            return String(header.split(separator: ";")[0])
        }
        let csrf = try await client.execute(uri: "/api/session", method: .get, headers: [.cookie: cookie]) {
            response in
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String])[
                "csrf"]
        }
        return Session(cookie: cookie, csrf: try #require(csrf))
    }

    /// Everything the reader may write, to check that a refused request wrote nothing.
    func snapshot() throws -> String {
        let annotations = try database.annotations(AnnotationFilter(includeDeleted: true))
        return
            "\(try database.dataVersion()) \(annotations.map { "\($0.id) \($0.note ?? "-") \($0.deletedAt ?? "-")" })"
    }
}

/// Sync now as `newsdb web` runs it: Sync's client, over loopback.
struct ClientSyncing: ReaderSyncing {
    func sync(_ database: NewsDatabase, with server: PeerServer) async throws -> PeerSyncOutcome {
        let report = try await SyncClient.sync(database, with: server, newsdbVersion: "test")
        return PeerSyncOutcome(
            sent: report.pushed.changes, received: report.pulled.changes,
            conflicts: report.pulled.conflicts + report.pushed.conflicts, waiting: report.pulled.waiting)
    }
}

/// A logged-in browser's credentials.
struct Session: Sendable {
    let cookie: String
    let csrf: String

    /// The headers of a read.
    var read: HTTPFields { [.cookie: cookie] }
    /// The headers of a write.
    var write: HTTPFields { [.cookie: cookie, WriteCheck.header: csrf, .contentType: "application/json"] }
}

/// HummingbirdTesting's router client names the host `localhost` without a port; this puts `X-Test-Host` (or
/// ``ReaderFixture/host``) in its place, so that the Host check sees what a browser would send.
struct HostFromHeader<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context
    let inner: Inner
    static var header: HTTPField.Name { HTTPField.Name("X-Test-Host")! }

    func respond(to request: Request, context: Context) async throws -> Response {
        var head = request.head
        head.authority = request.headers[Self.header] ?? ReaderFixture.host
        head.headerFields[Self.header] = nil
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
    }
}

/// The JSON object of an answer.
func object(_ response: TestResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
}

/// The message of a JSON error answer.
func errorMessage(_ response: TestResponse) throws -> String {
    try #require(try object(response)["error"] as? String)
}

/// `value` as a JSON body.
func body(_ value: [String: Any]) throws -> ByteBuffer {
    ByteBuffer(data: try JSONSerialization.data(withJSONObject: value))
}
