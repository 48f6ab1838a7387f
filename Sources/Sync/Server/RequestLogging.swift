import Foundation
import Hummingbird
import Logging
import Store

/// Logs one line per request at info level, once it is answered: method, path, status, duration in milliseconds and
/// the teammate whose token it carried (`-` when none was accepted). Tokens are never logged. It is the outermost
/// middleware, so the line gives the status actually sent, errors included.
struct RequestLogging: RouterMiddleware {
    typealias Context = SyncRequestContext
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms \(context.logEntry.teammate ?? "-")"
        )
        return response
    }
}

/// Answers every error as JSON with its status (``SyncError``), so that nothing past it throws: a `StoreError` is
/// answered by its code, a path no route has is 404 and a path taken with another method 405. A failure of the
/// server itself is logged too.
struct ErrorResponses: RouterMiddleware {
    typealias Context = SyncRequestContext
    let logger: Logger
    let maxBodyBytes: Int
    /// The method each path takes, to tell a wrong method from a wrong path when no route matched.
    let methods: [String: HTTPRequest.Method]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Hummingbird's answer when no route matched the path and method.
            let path = request.uri.path
            if let method = methods[path] {
                return SyncError(.methodNotAllowed, "\(path) takes \(method), not \(request.method)").response
            }
            return SyncError(.notFound, "no such endpoint: \(path) (see docs/SYNC.md)").response
        } catch {
            let failure = SyncError(answering: error, maxBodyBytes: maxBodyBytes)
            if failure.code == .failed {
                let reason = failure.underlying.map(StoreError.describe) ?? failure.message
                logger.error("\(request.method) \(request.uri.path) failed: \(reason)")
            }
            return failure.response
        }
    }
}
