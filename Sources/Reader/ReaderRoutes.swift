import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Store

extension ReaderServer {
    /// The router of the reader: the page routes and `/assets/…` (the page's files), and the JSON API under
    /// `/api/`, behind the session cookie, with writes behind the CSRF token too. ``ReaderFrontDoor`` checks the
    /// Host of every request first and puts the security headers on every answer.
    /// - Parameter port: The port listened on, which the Host check compares with.
    func router(port: ListeningPort) -> Router<ReaderRequestContext> {
        let router = Router(context: ReaderRequestContext.self)
        router.add(
            middleware: ReaderFrontDoor(port: port, maxBodyBytes: configuration.maxBodyBytes, logger: logger))
        router.get("/") { request, _ in try self.home(request) }
        router.get("/assets/**") { _, context in try Self.asset(context.parameters.getCatchAll().joined(separator: "/"))
        }

        let pages = router.group().add(middleware: SessionCheck(sessions: sessions))
        pages.get("/articles/:id") { _, _ in try Self.indexPage() }
        pages.get("/articles/:id/diff") { _, _ in try Self.indexPage() }

        let api = router.group("/api")
            .add(middleware: SessionCheck(sessions: sessions))
            .add(middleware: WriteCheck(sessions: sessions, maxBodyBytes: configuration.maxBodyBytes))
        api.get("session") { _, context in try await self.session(context) }
        api.get("version") { _, _ in
            try Self.json(["version": try await self.run { try $0.dataVersion() }])
        }
        api.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: ReaderAssets.openAPI)))
        }
        addArticleRoutes(api)
        addAnnotationRoutes(api)
        addResolveRoute(api)
        addPeerRoutes(api)
        addExportRoutes(api)
        return router
    }

    /// `GET /`: with `?key=KEY` of this run, a new session's cookie and a redirect to `/` (so that the key leaves
    /// the address bar); without a key, the page for a valid session, else the 401 page.
    private func home(_ request: Request) throws -> Response {
        if let key = request.uri.queryParameters["key"] {
            guard let session = sessions.open(presenting: String(key)) else {
                throw ReaderError(
                    .unauthorized,
                    "this key is not the one of the running reader (it changes at each start); open the address `newsdb web` printed last"
                )
            }
            var response = Response(status: .seeOther, headers: [.location: "/", .cacheControl: "no-store"])
            response.setCookie(
                Cookie(name: SessionCheck.cookie, value: session, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        guard SessionCheck.session(of: request, in: sessions) != nil else {
            throw ReaderError(
                .unauthorized, "no session: open the address `newsdb web` printed (it ends in ?key=…) in this browser")
        }
        return try Self.indexPage()
    }

    /// `GET /api/session`: the CSRF token of the session and the name this replica's annotations are made under.
    private func session(_ context: ReaderRequestContext) async throws -> Response {
        guard let session = context.session, let csrf = sessions.csrfToken(session: session) else {
            throw ReaderError(.unauthorized, "no session: open the address `newsdb web` printed")
        }
        let author = try await run { try $0.replica().name }
        return try Self.json(["csrf": csrf, "author": author])
    }

    /// web/index.html, which every page route serves (the page routes on `location.pathname`).
    static func indexPage() throws -> Response {
        guard let index = ReaderAssets.index else {
            throw ReaderError(.failed, "this newsdb was built without web/index.html")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: index)))
    }

    /// `GET /assets/PATH`: web/PATH.
    static func asset(_ path: String) throws -> Response {
        guard let data = ReaderAssets.files[path] else {
            throw ReaderError(.notFound, "no such file: /assets/\(path)")
        }
        return Response(
            status: .ok, headers: [.contentType: ReaderAssets.contentType(of: path), .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

    /// `value` as a JSON answer with `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try ReaderJSON.encoder.encode(value))))
    }

    /// Runs a synchronous Store call off Swift's cooperative threads (GRDB blocks while SQLite works).
    func run<T: Sendable>(_ body: @escaping @Sendable (NewsDatabase) throws -> T) async throws -> T {
        let database = database
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body(database) })
            }
        }
    }

    /// The body of a request, decoded as `T`, at most the body limit.
    /// - Throws: ``ReaderError`` `.badRequest` naming `shape` when it is not that JSON; 413 when it is too large.
    func decode<T: Decodable>(_ type: T.Type, from request: Request, shape: String) async throws -> T {
        let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let error as ReaderError {
            throw error
        } catch {
            throw ReaderError(.badRequest, "the body is not JSON of the form \(shape)")
        }
    }
}
