import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOPosix
import ServiceLifecycle
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
    /// The address listened on: `configuration.host`, resolved once, so that what was checked is what is bound.
    let address: String

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
        let resolved = try Self.resolve(configuration.host, port: configuration.port)
        if !Self.isLoopback(resolved), try database.tokens().isEmpty {
            throw StoreError(
                .invalidInput,
                "refusing to listen on \(configuration.host) while no teammate has a token; make one with `newsdb tokens create NAME`"
            )
        }
        guard let address = resolved.ipAddress else {
            throw StoreError(.invalidInput, "cannot listen on \(configuration.host): not an IP address")
        }
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.address = address
    }

    /// The address `host` names.
    /// - Throws: `StoreError` `.invalidInput` when it names none.
    static func resolve(_ host: String, port: Int) throws -> SocketAddress {
        do {
            return try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            throw StoreError(.invalidInput, "cannot listen on \(host): it is not an address of this machine (\(error))")
        }
    }

    /// Whether `address` is a loopback address: 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104.
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            return bytes == Array(repeating: 0, count: 15) + [1] || (mapped && bytes[12] == 127)
        default:
            return false
        }
    }

    /// The URL the server is reached at on `port`.
    public func url(port: Int) -> String {
        "http://\(address.contains(":") ? "[\(address)]" : address):\(port)"
    }

    /// Serves until the task is cancelled or, with `handlingSignals`, until SIGINT or SIGTERM. Shutting down lets
    /// requests in progress finish; a page is applied in one transaction either way, so none is ever half applied.
    /// - Parameter onListening: Called with the port once the server listens.
    /// - Throws: `StoreError` `.io` when the address cannot be listened on.
    public func run(handlingSignals: Bool, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
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
            configuration: .init(address: .hostname(address, port: configuration.port), serverName: "newsdb"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: quiet)
        // Requests in progress get 30 s to finish; then they are cancelled (a page being applied is rolled back).
        var group = ServiceGroupConfiguration(
            services: [.init(service: application)],
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
            cancellationSignals: [], logger: quiet)
        group.maximumGracefulShutdownDuration = .seconds(30)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as IOError {
            throw StoreError(
                .io,
                "cannot listen on \(configuration.host):\(configuration.port): \(String(cString: strerror(error.errnoCode)))"
            )
        } catch let error as SocketAddressError {
            throw StoreError(.io, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Answers one request, turning every failure into a JSON error, and logs it.
    func respond(to request: Request) async -> Response {
        let start = ContinuousClock.now
        var teammate: String?
        var response: Response
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
            case .replicaReused, .clockAhead: response = Self.error(.conflict, error.message)
            case .database where error.message.hasSuffix("stayed busy; try again"):
                response = Self.error(.serviceUnavailable, "the server's database is busy; try again shortly")
                response.headers[.retryAfter] = "5"
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
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms \(teammate ?? "-")"
        )
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
            let body = try await collectBody(request)
            let gzip = Self.acceptsGzip(request)
            return try await blocking {
                let pull: PullRequest
                do {
                    pull = try JSONDecoder().decode(PullRequest.self, from: Data(buffer: body))
                } catch {
                    throw HTTPFailure(
                        .badRequest, "the pull request is not JSON of the form {\"knowledge\": {...}, \"limit\": N}")
                }
                if let limit = pull.limit, limit < 1 {
                    throw HTTPFailure(.badRequest, "the pull's limit must be at least 1 (it was \(limit))")
                }
                let limit = min(pull.limit ?? self.configuration.maxPageChanges, self.configuration.maxPageChanges)
                let page = try self.database.exportPage(
                    excluding: pull.knowledge, limit: limit, newsdbVersion: self.configuration.newsdbVersion)
                var response = try Self.body(try ChangeFileWriter.encode(page), compressing: gzip)
                response.headers[HTTPField.Name(SyncProtocol.pageHeader)!] = page.isLast ? "last" : "more"
                return response
            }
        default:
            try Self.expect(.post, request)
            let body = try await collectBody(request)
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

    /// The request's body, refused from its `Content-Length` alone when that is over the limit, so that a client
    /// declaring a huge body is answered at once instead of being waited for.
    private func collectBody(_ request: Request) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > configuration.maxBodyBytes {
            throw NIOTooManyBytesError(maxBytes: configuration.maxBodyBytes)  // answered 413, as a body found too long
        }
        return try await request.body.collect(upTo: configuration.maxBodyBytes)
    }

    private func info() throws -> ServerInfo {
        ServerInfo(
            format: ChangeFileFormat.name, version: ChangeFileFormat.version, schema: NewsDatabase.changeSchemaVersion,
            newsdb: configuration.newsdbVersion, replica: try database.replica(), knowledge: try database.knowledge(),
            maxPageChanges: configuration.maxPageChanges, maxBodyBytes: configuration.maxBodyBytes)
    }

    /// The teammate whose bearer token the request carries.
    private func authenticate(_ request: Request) async throws -> String {
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("bearer ") else {
            throw HTTPFailure(
                .unauthorized,
                "a token is required: the server's owner makes one with `newsdb tokens create NAME`; add it with `newsdb peers add NAME URL --token TOKEN`"
            )
        }
        let token = String(value.dropFirst("Bearer ".count))
        guard let owner = try await blocking({ try self.database.tokenOwner(token) }) else {
            throw HTTPFailure(
                .unauthorized, "the token was not accepted (revoked or mistyped); ask the server's owner for a new one")
        }
        return owner
    }

    private static func expect(_ method: HTTPRequest.Method, _ request: Request) throws {
        guard request.method == method else {
            throw HTTPFailure(.methodNotAllowed, "\(request.uri.path) takes \(method), not \(request.method)")
        }
    }

    /// Whether the request's `Accept-Encoding` takes gzip (`gzip` or `*`, without `q=0`).
    static func acceptsGzip(_ request: Request) -> Bool {
        guard let header = request.headers[.acceptEncoding] else { return false }
        return header.lowercased().split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, name == "gzip" || name == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
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
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="newsdb""# }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A request the server refuses, with the status and the message to answer.
struct HTTPFailure: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
