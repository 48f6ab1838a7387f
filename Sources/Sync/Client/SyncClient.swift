import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import Store

/// Syncs a database with a `newsdb serve` server: pulls what it lacks, page by page, then pushes what the server
/// lacks. Every page is applied in one transaction that also records what the receiver now has, so an interrupted
/// sync loses nothing and the next one continues where it stopped, sending nothing twice.
public enum SyncClient {
    /// Seconds to wait for a connection, and for each request's answer.
    static let connectTimeout: Int64 = 10
    static let requestTimeout: Int64 = 300

    /// Syncs `database` with `remote`.
    /// - Parameters:
    ///   - pageLimit: The most changes per page (the server's cap applies too).
    ///   - progress: Called as pages move.
    /// - Returns: What moved each way.
    /// - Throws: `StoreError`: `.io` for a server that cannot be reached or fails, `.invalidInput` for one that
    ///   refuses the token or speaks another format or schema; each with one line naming the server.
    public static func sync(
        _ database: NewsDatabase, with remote: PeerServer, newsdbVersion: String, pageLimit: Int? = nil,
        progress: (@Sendable (SyncProgress) -> Void)? = nil
    ) async throws -> SyncReport {
        let http = makeHTTPClient()
        let session = Session(
            http: http, database: database, remote: remote, newsdbVersion: newsdbVersion, pageLimit: pageLimit,
            progress: progress)
        do {
            let report = try await session.run()
            try await http.shutdown()
            return report
        } catch {
            try await http.shutdown()
            throw error
        }
    }
}

extension SyncClient {
    /// The HTTP client of a sync or a clone: a server never redirects; a gzip answer may not expand past 200 times
    /// its size; a refused connection or an unknown host is reported at once, not retried until the connect timeout.
    static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(connectTimeout), read: .seconds(requestTimeout)),
            decompression: .enabled(limit: .ratio(200)))
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The error for an answer other than 200: the server's own message when it is a newsdb server's JSON error.
    static func failure(status: HTTPResponseStatus, body: Data, path: String, url: String) -> StoreError {
        let message = errorMessage(body)
        if status == .unauthorized {
            return StoreError(
                .invalidInput, "\(url) refused the token (401): \(message ?? "ask its owner for a new token")")
        }
        return StoreError(
            .io, "\(url) answered \(status.code) to \(path): \(message ?? "not a newsdb server's answer")")
    }

    /// The message of a newsdb server's JSON error, or nil when the body is not one (another server answered).
    private static func errorMessage(_ data: Data) -> String? {
        do {
            return try JSONDecoder().decode(ErrorBody.self, from: data).error
        } catch {
            return nil
        }
    }
}

/// One sync with one server.
private struct Session {
    let http: HTTPClient
    let database: NewsDatabase
    let remote: PeerServer
    let newsdbVersion: String
    let pageLimit: Int?
    let progress: (@Sendable (SyncProgress) -> Void)?

    func run() async throws -> SyncReport {
        let info = try await serverInfo()
        var report = SyncReport(url: remote.url, server: info.replica.name)
        let limit = min(pageLimit ?? info.maxPageChanges, info.maxPageChanges)
        let (pulled, serverKnows) = try await pull(info, limit: limit)
        report.pulled = pulled
        let (pushed, serverHas) = try await push(info, serverKnows: serverKnows, limit: limit)
        report.pushed = pushed
        try await database.async.recordServer(
            info.replica, knowledge: serverHas, newsdbVersion: info.newsdb,
            remote: remote.addedAt == nil ? nil : remote.name)
        return report
    }

    /// Asks the server who it is, and checks that this newsdb can sync with it.
    private func serverInfo() async throws -> ServerInfo {
        let (data, _) = try await send(.GET, SyncProtocol.info, body: nil)
        let info = try Self.decode(
            ServerInfo.self, data,
            else: StoreError(
                .invalidInput, "\(remote.url) is not a newsdb server (its \(SyncProtocol.info) answer is not newsdb's)")
        )
        guard info.format == ChangeFileFormat.name else {
            throw StoreError(.invalidInput, "\(remote.url) is not a newsdb server (it speaks \(info.format))")
        }
        guard info.version <= ChangeFileFormat.version else {
            throw StoreError(
                .invalidInput,
                "\(remote.url) speaks change format \(info.version), newer than this newsdb reads (\(ChangeFileFormat.version)); upgrade newsdb"
            )
        }
        guard info.schema <= NewsDatabase.changeSchemaVersion else {
            throw StoreError(
                .invalidInput,
                "\(remote.url) runs a newer newsdb (schema \(info.schema); this one has \(NewsDatabase.changeSchemaVersion)); upgrade newsdb"
            )
        }
        guard info.schema == NewsDatabase.changeSchemaVersion else {
            throw StoreError(
                .invalidInput,
                "\(remote.url) runs an older newsdb (schema \(info.schema); this one has \(NewsDatabase.changeSchemaVersion)); upgrade newsdb there"
            )
        }
        let me = try await database.async.replica()
        guard info.replica.id != me.id else {
            throw StoreError(.invalidInput, "\(remote.url) serves this same database; sync with a teammate's server")
        }
        return info
    }

    /// Pulls pages until the server says the last one came. The next page is asked for while one is applied: what
    /// this replica will have once it is applied is what it had plus what the page covers, so the server can
    /// prepare the next page meanwhile (and a page that fails to apply ends the sync; the next page is dropped).
    /// - Returns: What moved, and what the server said it has (in its description and in every page).
    private func pull(_ info: ServerInfo, limit: Int) async throws -> (SyncReport.Direction, Knowledge) {
        let database = self.database
        var pulled = SyncReport.Direction()
        var serverKnows = info.knowledge
        var asked = try await database.async.knowledge()
        let total = Int(info.knowledge.subtracting(asked).total)
        var next: Task<(Data, HTTPHeaders), any Error>? = fetch(excluding: asked, limit: limit)
        defer { next?.cancel() }
        while let current = next {
            let (data, headers) = try await current.value
            next = nil
            let name = "page \(pulled.pages + 1) from \(remote.url)"
            let last = headers.first(name: SyncProtocol.pageHeader) == "last"
            let header = try Self.header(of: data, name: name)
            serverKnows = serverKnows.union(header.knowledge)
            if !last {
                asked = asked.union(header.covers)
                next = fetch(excluding: asked, limit: limit)
            }
            let report = try await ChangeFileReader.applyPage(data, named: name, to: database)
            let changes = report.applied + report.duplicates + report.waiting
            pulled.pages += 1
            pulled.changes += changes
            pulled.add(report)
            progress?(SyncProgress(phase: .pull, done: pulled.changes, total: max(total, pulled.changes)))
            guard last || report.applied + report.waiting > 0 else {
                throw StoreError(
                    .io, "\(remote.url) sent a page with nothing new that is not its last; try again later")
            }
        }
        return (pulled, serverKnows)
    }

    /// Asks for the page of changes missing from `known`.
    private func fetch(excluding known: Knowledge, limit: Int) -> Task<(Data, HTTPHeaders), any Error> {
        Task {
            let request = try JSONEncoder().encode(PullRequest(knowledge: known, limit: limit))
            return try await send(.POST, SyncProtocol.pull, body: Array(request))
        }
    }

    /// A pulled page's header line: what the server has, and what the page accounts for.
    private static func header(of page: Data, name: String) throws -> ChangeSetHeader {
        try ChangeFileReader.header(of: page, named: name)
    }

    /// Pushes pages of what the server lacks.
    /// - Returns: What moved, and what the server has after it.
    private func push(_ info: ServerInfo, serverKnows: Knowledge, limit: Int) async throws -> (
        SyncReport.Direction, Knowledge
    ) {
        let database = self.database
        let newsdbVersion = self.newsdbVersion
        var pushed = SyncReport.Direction()
        var serverHas = serverKnows
        var limit = limit
        let total = Int(try await database.async.knowledge().subtracting(serverHas).total)
        while true {
            let known = serverHas
            let pageLimit = limit
            let page = try await database.async.exportPage(
                excluding: known, limit: pageLimit, newsdbVersion: newsdbVersion)
            let bytes = try ChangeFileWriter.encode(page)
            if page.header.covers.isEmpty { break }
            if bytes.count > info.maxBodyBytes {
                guard limit > 1 else {
                    throw StoreError(
                        .invalidInput,
                        "a change is larger than \(remote.url) takes (\(info.maxBodyBytes) bytes); raise its `newsdb serve --max-body`"
                    )
                }
                limit = max(1, limit / 2)
                continue
            }
            let (data, _) = try await send(.POST, SyncProtocol.push, body: bytes)
            let result = try Self.decode(
                PushResult.self, data,
                else: StoreError(
                    .io, "\(remote.url) answered a push with something newsdb does not read"))
            guard
                result.knowledge.subtracting(serverHas).total > 0
                    || page.header.covers.subtracting(result.knowledge).isEmpty
            else {
                throw StoreError(.io, "\(remote.url) did not take the changes pushed to it; try again later")
            }
            serverHas = result.knowledge
            pushed.pages += 1
            pushed.changes += page.changes.count
            pushed.add(result)
            progress?(SyncProgress(phase: .push, done: pushed.changes, total: max(total, pushed.changes)))
            if page.isLast { break }
        }
        return (pushed, serverHas)
    }

    /// Sends one request with the token, and returns the answer's body when it is a success.
    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws -> (Data, HTTPHeaders) {
        var request = HTTPClientRequest(url: remote.url + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(remote.token)")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        request.headers.add(name: "User-Agent", value: "newsdb/\(newsdbVersion)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let buffer: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .seconds(SyncClient.requestTimeout))
            buffer = try await response.body.collect(upTo: 1 << 31)
        } catch {
            throw StoreError(.io, HTTPErrorText.describe(error, url: remote.url), underlying: error)
        }
        let data = Data(buffer: buffer)
        guard response.status == .ok else {
            throw SyncClient.failure(status: response.status, body: data, path: path, url: remote.url)
        }
        return (data, response.headers)
    }

    /// `data` decoded as the JSON of `type`, or `failure` thrown.
    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data, else failure: StoreError) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw failure
        }
    }
}
