import AsyncHTTPClient
import Foundation
import Glibc
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Store
import Sync
import Synchronization

/// A `SyncServer` running in this process on a free loopback port, over its own pool of connections to a replica's
/// file (as `newsdb serve` opens it beside command-line use of the same file).
struct RunningServer {
    let url: String
    var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }
    let database: NewsDatabase
    let log: LogLines
    private let task: Task<Void, any Error>

    static func start(
        _ replica: TestReplica, maxPageChanges: Int = 10_000, maxBodyBytes: Int = 64 << 20,
        idleTimeout: Duration = .seconds(30)
    ) async throws -> RunningServer {
        let database = try NewsDatabase.open(
            at: replica.database.path, options: .init(backup: false, connections: .pool))
        let log = LogLines()
        var logger = Logger(label: "test.server") { _ in log }
        logger.logLevel = .info
        let server = try SyncServer(
            database: database,
            configuration: SyncServerConfiguration(
                host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes, maxPageChanges: maxPageChanges,
                newsdbVersion: "test", idleTimeout: idleTimeout),
            logger: logger)
        let (port, task) = try await launch(server)
        return RunningServer(url: "http://127.0.0.1:\(port)", database: database, log: log, task: task)
    }

    /// Runs `server` on the servers' threads until the task is cancelled.
    /// - Returns: The port it listens on, once it listens, and its task.
    static func launch(_ server: SyncServer) async throws -> (port: Int, task: Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task(executorPreference: ServerThreads.shared) {
            try await server.run(handlingSignals: false) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
        return (port, task)
    }

    func stop() async throws {
        task.cancel()
        try await task.value
    }
}

extension TestReplica {
    /// Syncs with `server`, as `newsdb sync URL --token TOKEN` does.
    @discardableResult
    func sync(with server: RunningServer, token: String, pageLimit: Int? = nil) async throws -> SyncReport {
        try await SyncClient.sync(
            database, with: PeerServer(name: "server", url: server.url, token: token), newsdbVersion: "test",
            pageLimit: pageLimit)
    }
}

/// A raw HTTP request to a test server, for status codes and bodies.
func request(
    _ url: String, _ method: HTTPMethod = .GET, token: String? = nil, body: [UInt8]? = nil,
    headers: [(String, String)] = []
) async throws -> (status: Int, headers: HTTPHeaders, body: String, size: Int) {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 1 << 30)
        try await client.shutdown()
        return (Int(response.status.code), response.headers, String(buffer: buffer), buffer.readableBytes)
    } catch {
        try await client.shutdown()
        throw error
    }
}

/// An HTTP server on a free loopback port that answers every request with `status` and `body`: another server than
/// newsdb's, or a newsdb server from another version.
struct FakeServer {
    let url: String
    private let task: Task<Void, any Error>

    static func start(status: HTTPResponse.Status = .ok, body: String) async throws -> FakeServer {
        try await start {
            Response(
                status: status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
    }

    /// A server answering every request with what `answer` makes.
    static func start(answering answer: @escaping @Sendable () -> Response) async throws -> FakeServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { _, _ in answer() },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task(executorPreference: ServerThreads.shared) {
            try await application.runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the fake server did not start") }
        return FakeServer(url: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() async throws {
        task.cancel()
        try await task.value
    }
}

/// A newsdb server's description, as JSON, with `schema` and format `version` as given.
func serverInfoJSON(schema: Int, version: Int) throws -> String {
    let info = ServerInfo(
        format: ChangeFileFormat.name, version: version, schema: schema, newsdb: "9.9.9",
        replica: Replica(id: "00000000-0000-4000-8000-000000000000", name: "future", createdAt: ""),
        knowledge: Knowledge(), maxPageChanges: 10, maxBodyBytes: 1 << 20)
    return String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
}

/// A raw TCP connection to a loopback port, to behave as no HTTP client library would: stall, or send a huge head.
// @unchecked Sendable: a socket that one task at a time uses; a test hands it to another task only while it waits.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestFailure("cannot connect to port \(port)") }
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer {
            Glibc.send(socket, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL))
        }
    }

    /// What the server sends until it closes the connection, or nil if it sends nothing and keeps it open for
    /// `seconds`.
    func readUntilClosed(seconds: Int) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return String(decoding: received, as: UTF8.self)
            } else {
                return nil
            }
        }
    }

    /// What the server sends until the end of a response head (a blank line), or nil if it is not there within
    /// `seconds`; the connection may stay open.
    func readHead(seconds: Int) -> String? {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    deinit { close(socket) }
}

/// Threads of their own for the servers the tests start in this process. Every test suite runs in one process, on
/// Swift's cooperative threads, one per core; a test that blocks one (a child process awaited, a socket read) would
/// otherwise hold up a server's answers for seconds on a 2-core machine, and the tests that time those answers
/// would fail by load. Tasks started with this preference, and the child tasks of a server's connections, run
/// here: on serial dispatch queues taken in turn, each with a thread of its own whenever it has work (serial queues
/// are not limited to one thread per core, as the cooperative and the global concurrent queues are).
final class ServerThreads: TaskExecutor {
    static let shared = ServerThreads()
    private let queues = (0..<4).map { DispatchQueue(label: "newsdb.test-server-\($0)") }
    private let next = Atomic<Int>(0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let queue = queues[next.add(1, ordering: .relaxed).oldValue % queues.count]
        queue.async { job.runSynchronously(on: executor) }
    }
}
