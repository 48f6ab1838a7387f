import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Store
import Testing

@testable import Sync

/// The server's idle timeout, on the connection set-up `newsdb serve` uses, with time advanced by NIO's testing event
/// loop: no test waits on the wall clock for it.
@Suite struct IdleConnectionTimeoutTests {
    let folder: TemporaryDirectory
    let alice: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: TestClock().read)
    }

    /// A connection set up as the server sets up each one (its channel handlers, on the same codec), with a 20 s idle timeout, its requests left unanswered.
    func connection() async throws -> NIOAsyncTestingChannel {
        let server = try SyncServer(
            database: alice.database,
            configuration: SyncServerConfiguration(port: 0, newsdbVersion: "test", idleTimeout: .seconds(20)),
            logger: Logger(label: "test.idle"))
        let channel = NIOAsyncTestingChannel()
        let configuration = server.http1Configuration
        // The pipeline of Hummingbird's HTTP1Channel up to where requests leave it for the router, set up on the
        // channel's event loop as the server's listener does.
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(withErrorHandling: false)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(configuration.additionalChannelHandlers())
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8787))
        return channel
    }

    @Test(
        "A client silent in the middle of a request is disconnected at the timeout, not before; each read restarts it")
    func stalledRequest() async throws {
        let channel = try await connection()
        try await channel.writeInbound(
            ByteBuffer(string: "POST /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc"))
        await channel.testingEventLoop.advanceTime(by: .seconds(19))
        #expect(channel.isActive)
        try await channel.writeInbound(ByteBuffer(string: "def"))
        await channel.testingEventLoop.advanceTime(by: .seconds(19))
        #expect(channel.isActive, "a read restarts the wait")
        await channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test("A connection that never sends a whole request head is disconnected at the timeout")
    func stalledHead() async throws {
        let channel = try await connection()
        try await channel.writeInbound(ByteBuffer(string: "POST /v1/sync/pull HTTP/1.1\r\nAuthorization: Bearer "))
        await channel.testingEventLoop.advanceTime(by: .seconds(19))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test(
        "While a whole request is being answered the connection stays open however long; once answered, the wait starts"
    )
    func answering() async throws {
        let channel = try await connection()
        try await channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
        await channel.testingEventLoop.advanceTime(by: .seconds(600))
        #expect(channel.isActive, "closed while the server owed an answer")
        try await channel.writeOutbound(
            HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.contentLength: "0"])))
        try await channel.writeOutbound(HTTPResponsePart.end(nil))
        await channel.testingEventLoop.advanceTime(by: .seconds(19))
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }
}
