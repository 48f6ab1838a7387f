import NIOCore
import NIOHTTPTypes

/// Closes a connection that has been silent for `timeout` while the server owes it no answer: a client stalled in
/// the middle of a request, or one holding an idle connection open between requests. While a request that was read
/// whole is being answered (a large push being applied), the connection is never closed for silence.
///
/// It counts time on the channel's event loop, so tests drive it with NIO's testing event loop instead of waiting
/// on the wall clock (Hummingbird's own idle timeout reads the system clock; the server turns it off).
final class IdleConnectionTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    /// Requests whose head was read and whose answer has not been written to its end.
    private var owed = 0
    /// Whether a request's head was read and its end not yet.
    private var midRequest = false
    private var closing: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { restart(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        restart(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            owed += 1
            midRequest = true
            restart(context)
        case .body:
            if midRequest || owed == 0 { restart(context) }
        case .end:
            midRequest = false
            // Answered already (an early refusal): the connection waits for the next request; otherwise the
            // server is at work and silence is expected.
            if owed == 0 { restart(context) } else { cancel() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            owed = max(0, owed - 1)
            if owed == 0 || midRequest { restart(context) }
        }
        context.write(data, promise: promise)
    }

    /// Starts the wait anew: the connection is closed once `timeout` passes with nothing read.
    private func restart(_ context: ChannelHandlerContext) {
        cancel()
        let loop = context.eventLoop.assumeIsolated()
        closing = loop.scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func cancel() {
        closing?.cancel()
        closing = nil
    }
}
