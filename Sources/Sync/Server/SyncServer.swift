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

/// The sync server: the endpoints of ``SyncProtocol`` over one store (a replica's database, or the team hub's), on
/// Hummingbird.
public struct SyncServer: Sendable {
    let store: any SyncStore
    let configuration: SyncServerConfiguration
    let logger: Logger
    /// The address listened on: `configuration.host`, resolved once, so that what was checked is what is bound.
    let address: String

    /// Prepares a server of a replica's own database. Refuses to listen beyond loopback while no teammate has a
    /// token, so that a server is never reachable from the network with nobody able to use it as intended.
    /// - Parameters:
    ///   - database: The database to serve, best opened with `.pool` connections.
    ///   - logger: Where each request gets its line (method, path, status, duration, teammate), at info level.
    /// - Throws: `StoreError` `.invalidInput`.
    public init(database: NewsDatabase, configuration: SyncServerConfiguration, logger: Logger) throws {
        let address = try Self.address(configuration, hasTokens: { try !database.tokens().isEmpty })
        self.init(store: DatabaseSyncStore(database), configuration: configuration, logger: logger, address: address)
    }

    /// Prepares a server of `store` (the team hub's, say), with the same refusal as
    /// ``init(database:configuration:logger:)``.
    /// - Throws: `StoreError` `.invalidInput`, or the store's error.
    public init(store: any SyncStore, configuration: SyncServerConfiguration, logger: Logger) async throws {
        let hasTokens = try await store.hasTokens()
        let address = try Self.address(configuration, hasTokens: { hasTokens })
        self.init(store: store, configuration: configuration, logger: logger, address: address)
    }

    private init(store: any SyncStore, configuration: SyncServerConfiguration, logger: Logger, address: String) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.address = address
    }

    /// The address to listen on, once the limits and the host are checked.
    private static func address(_ configuration: SyncServerConfiguration, hasTokens: () throws -> Bool) throws
        -> String
    {
        guard configuration.maxBodyBytes > 0, configuration.maxPageChanges > 0 else {
            throw StoreError(.invalidInput, "the body and page limits must be positive")
        }
        let resolved = try Self.resolve(configuration.host, port: configuration.port)
        if !Self.isLoopback(resolved), try !hasTokens() {
            throw StoreError(
                .invalidInput,
                "refusing to listen on \(configuration.host) while no teammate has a token; make one with `newsdb tokens create NAME`"
            )
        }
        guard let address = resolved.ipAddress else {
            throw StoreError(.invalidInput, "cannot listen on \(configuration.host): not an IP address")
        }
        return address
    }

    /// The address `host` names.
    /// - Throws: `StoreError` `.invalidInput` when it names none.
    /// - Parameter lookup: How a name becomes an address (the system's resolver; tests give their own).
    static func resolve(
        _ host: String, port: Int,
        lookup: (String, Int) throws -> SocketAddress = SocketAddress.makeAddressResolvingHost
    ) throws -> SocketAddress {
        do {
            return try lookup(host, port)
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
        let application = Application(
            router: router(),
            server: .http1(configuration: http1Configuration),
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

    /// How each connection is set up: the request head's limits, and the idle timeout counted on the connection's
    /// event loop (``IdleConnectionTimeout``) in place of Hummingbird's, which reads the system clock.
    var http1Configuration: HTTP1Channel.Configuration {
        let timeout = TimeAmount(configuration.idleTimeout)
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [IdleConnectionTimeout(timeout: timeout)],
            idleTimeout: nil,
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes,
                maxHeaderFieldCount: 100))
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
}
