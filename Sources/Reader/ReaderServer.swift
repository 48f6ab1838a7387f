import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Store
import Synchronization

/// How `newsdb web` listens.
public struct ReaderConfiguration: Sendable {
    /// The port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    /// The largest request body taken, in bytes.
    public var maxBodyBytes: Int

    /// The defaults: port 8788, 1 MiB bodies.
    public init(port: Int = 8788, maxBodyBytes: Int = 1 << 20) {
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The reader's server: the page and its JSON API over one database, on 127.0.0.1 only.
public struct ReaderServer: Sendable {
    let database: NewsDatabase
    let configuration: ReaderConfiguration
    /// The key of this run and the sessions it was traded for.
    public let sessions: ReaderSessions
    /// Runs Sync now.
    let syncing: any ReaderSyncing
    /// The servers a sync is running with, so that a second click waits for the first rather than racing it.
    let syncsRunning = RunningSyncs()
    let logger: Logger

    /// Prepares a server.
    /// - Parameters:
    ///   - database: The database to serve, best opened with `.pool` connections.
    ///   - sessions: The key and sessions of this run (a new random key by default).
    ///   - syncing: What runs a sync with a stored server (`POST /api/peers/{name}/sync`).
    ///   - logger: Where each request gets its line, at info level.
    /// - Throws: `StoreError` `.invalidInput` for a port out of range or a body limit that is not positive.
    public init(
        database: NewsDatabase, configuration: ReaderConfiguration = ReaderConfiguration(),
        sessions: ReaderSessions = ReaderSessions(), syncing: any ReaderSyncing, logger: Logger
    ) throws {
        guard (0...65535).contains(configuration.port), configuration.maxBodyBytes > 0 else {
            throw StoreError(.invalidInput, "the port must be between 0 and 65535 and the body limit positive")
        }
        self.database = database
        self.configuration = configuration
        self.sessions = sessions
        self.syncing = syncing
        self.logger = logger
    }

    /// The address to open, with this run's key: `http://127.0.0.1:PORT/?key=KEY`.
    public func address(port: Int) -> String {
        "http://127.0.0.1:\(port)/?key=\(sessions.key)"
    }

    /// Serves until the task is cancelled or, with `handlingSignals`, until SIGINT or SIGTERM, letting requests in
    /// progress finish.
    /// - Parameter onListening: Called with the port once the server listens.
    /// - Throws: `StoreError` `.io` when the port cannot be listened on.
    public func run(handlingSignals: Bool, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let port = ListeningPort(configuration.port)
        let application = Application(
            router: router(port: port),
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: "newsdb"),
            onServerRunning: { channel in
                // With port 0 the port is known only now; the Host check reads it from here on.
                let bound = channel.localAddress?.port ?? configuration.port
                port.value = bound
                await onListening(bound)
            },
            logger: quiet)
        var group = ServiceGroupConfiguration(
            services: [.init(service: application)],
            gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
            cancellationSignals: [], logger: quiet)
        group.maximumGracefulShutdownDuration = .seconds(10)
        do {
            try await ServiceGroup(configuration: group).run()
        } catch let error as IOError {
            throw StoreError(
                .io, "cannot listen on 127.0.0.1:\(configuration.port): \(String(cString: strerror(error.errnoCode)))")
        } catch let error as SocketAddressError {
            throw StoreError(.io, "cannot listen on 127.0.0.1:\(configuration.port): \(error)")
        }
    }
}

/// The port the server listens on, which the Host check compares with; set once listening when it was 0.
final class ListeningPort: Sendable {
    private let port: Mutex<Int>

    init(_ port: Int) { self.port = Mutex(port) }

    var value: Int {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }

    /// The Host values accepted.
    var hosts: Set<String> { ["127.0.0.1:\(value)", "localhost:\(value)"] }
}
