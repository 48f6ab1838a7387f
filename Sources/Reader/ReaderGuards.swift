import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The outermost middleware: refuses a Host that is not this server's loopback address (DNS rebinding), answers
/// every error (JSON under `/api/`, a small HTML page elsewhere), puts the security headers on every answer, and
/// logs one line per request (method, path without its query, status, milliseconds; never the key or a cookie).
struct ReaderFrontDoor: RouterMiddleware {
    typealias Context = ReaderRequestContext
    /// The port listened on: the Host must be `127.0.0.1:PORT` or `localhost:PORT`.
    let port: ListeningPort
    let maxBodyBytes: Int
    let logger: Logger

    /// The headers every answer carries. No CORS header is ever sent.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            try checkHost(request)
            response = try await next(request, context)
        } catch {
            response = answer(error, to: request)
        }
        for field in Self.securityHeaders { response.headers[field.name] = field.value }
        let elapsed = start.duration(to: .now).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        logger.info(
            "\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", milliseconds))ms")
        return response
    }

    /// Refuses a request whose Host (and any repeated Host header) is not one of ``hosts``.
    private func checkHost(_ request: Request) throws {
        let hosts = port.hosts
        let repeated = HTTPField.Name("Host").map { request.headers[values: $0] } ?? []
        guard let host = request.head.authority, hosts.contains(host.lowercased()),
            repeated.allSatisfy({ hosts.contains($0.lowercased()) })
        else {
            throw ReaderError(
                .forbidden,
                "this reader answers only at \(hosts.sorted().joined(separator: " or ")); open the address `newsdb web` printed"
            )
        }
    }

    private func answer(_ error: any Error, to request: Request) -> Response {
        let failure: ReaderError
        if let error = error as? HTTPError, error.status == .notFound {
            failure = ReaderError(.notFound, "no such page or endpoint: \(request.uri.path) (see /api/openapi.json)")
        } else {
            failure = ReaderError(answering: error, maxBodyBytes: maxBodyBytes)
        }
        if failure.code == .failed { logger.error("\(request.method) \(request.uri.path) failed: \(failure.message)") }
        guard !request.uri.path.hasPrefix("/api/") else { return failure.response }
        return Self.page(status: failure.status, title: "newsdb reader", message: failure.message)
    }

    /// A small HTML page saying `message`, with no script or style of its own.
    static func page(status: HTTPResponse.Status, title: String, message: String) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escapeHTML(title))</title></head>
            <body><h1>\(escapeHTML(title))</h1><p>\(escapeHTML(message))</p></body></html>

            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

/// Lets through only requests with the `newsdb_session` cookie of a session of this run, naming it in the context.
struct SessionCheck: RouterMiddleware {
    typealias Context = ReaderRequestContext
    let sessions: ReaderSessions

    /// The cookie's name.
    static let cookie = "newsdb_session"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let session = Self.session(of: request, in: sessions) else {
            throw ReaderError(
                .unauthorized, "no session: open the address `newsdb web` printed (it ends in ?key=…) in this browser")
        }
        var context = context
        context.session = session
        return try await next(request, context)
    }

    /// The session the request's cookie names, when it is one of this run's.
    static func session(of request: Request, in sessions: ReaderSessions) -> String? {
        guard let value = request.cookies[cookie]?.value, sessions.csrfToken(session: value) != nil else { return nil }
        return value
    }
}

/// Refuses a write (any method but GET and HEAD) without the session's token in `X-CSRF-Token` (403), and a body
/// declared over the limit (413) before it is read. A body longer than it said is refused while it is read.
struct WriteCheck: RouterMiddleware {
    typealias Context = ReaderRequestContext
    let sessions: ReaderSessions
    let maxBodyBytes: Int

    /// The header the page sends its token in.
    static let header = HTTPField.Name("X-CSRF-Token")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.method != .get && request.method != .head {
            guard let session = context.session, let token = request.headers[Self.header],
                sessions.accepts(csrf: token, session: session)
            else {
                throw ReaderError(
                    .forbidden,
                    "a change needs the X-CSRF-Token header with the token from /api/session; reload the page")
            }
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw NIOTooManyBytesError(maxBytes: maxBodyBytes)
        }
        return try await next(request, context)
    }
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references, so that it is text wherever it is put in HTML.
func escapeHTML(_ text: some StringProtocol) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}
