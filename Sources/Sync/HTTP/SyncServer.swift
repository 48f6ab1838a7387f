import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOPosix
import Store

/// How `newsdb serve` listens and what it takes.
public struct SyncServerConfiguration: Sendable {
    /// The address to listen on; anything but loopback needs at least one token.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// The largest request body taken, in bytes.
    public var maxBodyBytes: Int
    /// The most changes in one page, pulled or pushed.
    public var maxPageChanges: Int
    /// This newsdb's version, for the server's description and its pages.
    public var newsdbVersion: String
    /// How long a connection may stay silent, between requests or in the middle of sending one, before it is
    /// closed: a slow or stalled client holds a connection, never the server.
    public var idleTimeout: Duration
    /// The largest request head (request line and headers) taken, in bytes.
    public var maxHeaderBytes: Int

    /// The defaults: 127.0.0.1:8787, 64 MiB bodies, pages of at most 10,000 changes, 30 s of silence, 16 KiB heads.
    public init(
        host: String = "127.0.0.1", port: Int = 8787, maxBodyBytes: Int = 64 << 20, maxPageChanges: Int = 10_000,
        newsdbVersion: String, idleTimeout: Duration = .seconds(30), maxHeaderBytes: Int = 16 << 10
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxPageChanges = maxPageChanges
        self.newsdbVersion = newsdbVersion
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
    }
}

/// The sync server: the endpoints of ``SyncProtocol`` over one database, on Hummingbird.
public struct SyncServer: Sendable {
    let database: NewsDatabase
    let configuration: SyncServerConfiguration
    let logger: Logger

    /// Prepares a server. Refuses to listen beyond loopback while no teammate has a token, so that a server is
    /// never reachable from the network with nobody able to use it as intended.
    /// - Parameters:
    ///   - database: The database to serve, best opened with `.pool` connections.
    ///   - logger: Where each request gets its line (method, path, status, duration, teammate), at info level.
    /// - Throws: `StoreError` `.invalidInput`.
    public init(database: NewsDatabase, configuration: SyncServerConfiguration, logger: Logger) throws {
        guard configuration.maxBodyBytes > 0, configuration.maxPageChanges > 0 else {
            throw StoreError(.invalidInput, "the body and page limits must be positive")
        }
        if !Self.isLoopback(configuration.host), try database.tokens().isEmpty {
            throw StoreError(
                .invalidInput,
                "refusing to listen on \(configuration.host) while no teammate has a token; make one with `newsdb tokens create NAME`")
        }
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Serves until the task is cancelled or, with `handlingSignals`, until SIGINT or SIGTERM. Shutting down lets
    /// requests in progress finish; a page is applied in one transaction either way, so none is ever half applied.
    /// - Parameter onListening: Called with the port once the server listens.
    /// - Throws: `StoreError` `.io` when the address cannot be listened on.
    public func run(handlingSignals: Bool, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: TimeAmount(configuration.idleTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes,
                maxHeaderFieldCount: 100))
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await self.respond(to: request) },
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "newsdb"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: quiet)
        do {
            try await application.runService(gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [])
        } catch let error as IOError {
            throw StoreError(.io, "cannot listen on \(configuration.host):\(configuration.port): \(String(cString: strerror(error.errnoCode)))")
        } catch let error as SocketAddressError {
            throw StoreError(.io, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Answers one request, turning every failure into a JSON error, and logs it.
    func respond(to request: Request) async -> Response {
        let start = ContinuousClock.now
        var teammate: String?
        let response: Response
        do {
            response = try await route(request, teammate: &teammate)
        } catch let failure as HTTPFailure {
            response = Self.error(failure.status, failure.message)
        } catch is NIOTooManyBytesError {
            response = Self.error(
                .contentTooLarge, "the request is larger than this server takes (\(configuration.maxBodyBytes) bytes)")
        } catch let error as StoreError {
            switch error.code {
            case .invalidInput: response = Self.error(.badRequest, error.message)
            default:
                logger.error("\(request.method) \(request.uri.path) failed: \(error.message)")
                response = Self.error(.internalServerError, "the server failed: \(error.message)")
            }
        } catch {
            logger.error("\(request.method) \(request.uri.path) failed: \(StoreError.describe(error))")
            response = Self.error(.internalServerError, "the server failed: \(StoreError.describe(error))")
        }
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms \(teammate ?? "-")")
        return response
    }

    private func route(_ request: Request, teammate: inout String?) async throws -> Response {
        let path = request.uri.path
        if path == SyncProtocol.health {
            try Self.expect(.get, request)
            return Self.json(#"{"status":"ok"}"#)
        }
        guard [SyncProtocol.info, SyncProtocol.pull, SyncProtocol.push].contains(path) else {
            throw HTTPFailure(.notFound, "no such endpoint: \(path) (see docs/SYNC.md)")
        }
        teammate = try await authenticate(request)
        switch path {
        case SyncProtocol.info:
            try Self.expect(.get, request)
            return Self.json(try JSONEncoder().encode(try await blocking { try self.info() }))
        case SyncProtocol.pull:
            try Self.expect(.post, request)
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            let pull: PullRequest
            do {
                pull = try JSONDecoder().decode(PullRequest.self, from: Data(buffer: body))
            } catch {
                throw HTTPFailure(.badRequest, "the pull request is not JSON of the form {\"knowledge\": {...}, \"limit\": N}")
            }
            let limit = min(max(1, pull.limit ?? configuration.maxPageChanges), configuration.maxPageChanges)
            let (page, last) = try await blocking {
                let page = try self.database.exportPage(
                    excluding: pull.knowledge, limit: limit, newsdbVersion: self.configuration.newsdbVersion)
                return (try ChangeFileWriter.encode(page), page.isLast)
            }
            var response = try Self.body(page, compressing: Self.acceptsGzip(request))
            response.headers[HTTPField.Name(SyncProtocol.pageHeader)!] = last ? "last" : "more"
            return response
        default:
            try Self.expect(.post, request)
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            let result = try await blocking {
                let report = try ChangeFileReader.apply(
                    Data(buffer: body), named: "the pushed page", to: self.database,
                    maxChanges: self.configuration.maxPageChanges)
                return PushResult(
                    applied: report.applied, duplicates: report.duplicates, waiting: report.waiting,
                    released: report.released, conflicts: report.conflicts, knowledge: try self.database.knowledge())
            }
            return Self.json(try JSONEncoder().encode(result))
        }
    }

    private func info() throws -> ServerInfo {
        ServerInfo(
            format: ChangeFileFormat.name, version: ChangeFileFormat.version, schema: NewsDatabase.schemaVersion,
            newsdb: configuration.newsdbVersion, replica: try database.replica(), knowledge: try database.knowledge(),
            maxPageChanges: configuration.maxPageChanges, maxBodyBytes: configuration.maxBodyBytes)
    }

    /// The teammate whose bearer token the request carries.
    private func authenticate(_ request: Request) async throws -> String {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else {
            throw HTTPFailure(
                .unauthorized,
                "a token is required: the server's owner makes one with `newsdb tokens create NAME`; add it with `newsdb peers add NAME URL --token TOKEN`")
        }
        let token = String(value.dropFirst("Bearer ".count))
        guard let owner = try await blocking({ try self.database.tokenOwner(token) }) else {
            throw HTTPFailure(.unauthorized, "the token was not accepted (revoked or mistyped); ask the server's owner for a new one")
        }
        return owner
    }

    private static func expect(_ method: HTTPRequest.Method, _ request: Request) throws {
        guard request.method == method else {
            throw HTTPFailure(.methodNotAllowed, "\(request.uri.path) takes \(method), not \(request.method)")
        }
    }

    private static func acceptsGzip(_ request: Request) -> Bool {
        request.headers[.acceptEncoding].map { $0.lowercased().contains("gzip") } ?? false
    }

    private static func json(_ text: String) -> Response { json(Data(text.utf8)) }

    private static func json(_ data: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A change file answer, gzip-compressed (fastest level: pages are made per request) when the client takes it.
    private static func body(_ bytes: [UInt8], compressing: Bool) throws -> Response {
        var buffer = ByteBuffer(bytes: bytes)
        var headers: HTTPFields = [.contentType: "application/json"]
        if compressing && bytes.count > 1024 {
            buffer = try buffer.compress(with: .gzip(configuration: .init(compressionLevel: 1)))
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let data = Data((#"{"error":"# + JSONText.quoted(message) + "}").utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A request the server refuses, with the status and the message to answer.
struct HTTPFailure: Error {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
