import Hummingbird
import NIOCore
import Store

/// Lets through only requests with `Authorization: Bearer TOKEN` of a teammate's token, and names the teammate in
/// the context; answers any other 401 and touches nothing. The reader's pages will sit behind a cookie's
/// authentication of their own, in a group of their own.
struct TokenAuthentication: RouterMiddleware {
    typealias Context = SyncRequestContext
    let store: any SyncStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("bearer ") else {
            throw SyncError(
                .unauthorized,
                "a token is required: the server's owner makes one with `newsdb tokens create NAME`; add it with `newsdb peers add NAME URL --token TOKEN`"
            )
        }
        let token = String(value.dropFirst("Bearer ".count))
        guard let owner = try await store.tokenOwner(token) else {
            throw SyncError(
                .unauthorized, "the token was not accepted (revoked or mistyped); ask the server's owner for a new one")
        }
        context.logEntry.teammate = owner
        return try await next(request, context)
    }
}

/// Refuses a body over the server's limit as 413 from its `Content-Length` alone, so that a client declaring a huge
/// body is answered at once instead of being waited for. A body that turns out longer than it said is refused
/// while it is read (``SyncRoutes``' handlers collect at most the limit).
struct BodyLimit: RouterMiddleware {
    typealias Context = SyncRequestContext
    let maxBodyBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw NIOTooManyBytesError(maxBytes: maxBodyBytes)
        }
        return try await next(request, context)
    }
}
