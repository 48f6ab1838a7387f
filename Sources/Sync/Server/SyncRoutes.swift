import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Store

extension SyncServer {
    /// The methods other than its own that an endpoint behind a token answers 405 to, once the token is accepted (a
    /// method outside these is 405 too, before the token is looked at).
    private static let otherMethods: [HTTPRequest.Method] = [
        .get, .head, .post, .put, .delete, .patch, .options, .trace,
    ]

    /// The router of every endpoint: `/healthz` open to all, the sync endpoints in a group behind a teammate's
    /// token. Every answer, errors included, is logged (``RequestLogging``) and every error is JSON with its status
    /// (``ErrorResponses``). Another kind of endpoint (the reader's pages, with a cookie of their own) is another
    /// group with its own authentication middleware.
    func router() -> Router<SyncRequestContext> {
        let endpoints: [(path: String, method: HTTPRequest.Method)] = [
            (SyncProtocol.health, .get), (SyncProtocol.info, .get), (SyncProtocol.pull, .post),
            (SyncProtocol.push, .post), (SyncProtocol.snapshot, .get),
        ]
        let router = Router(context: SyncRequestContext.self)
        router.add(middleware: RequestLogging(logger: logger))
        router.add(
            middleware: ErrorResponses(
                logger: logger, maxBodyBytes: configuration.maxBodyBytes,
                methods: Dictionary(uniqueKeysWithValues: endpoints.map { ($0.path, $0.method) })))
        router.get(RouterPath(SyncProtocol.health)) { _, _ in Self.json(Data(#"{"status":"ok"}"#.utf8)) }

        let sync = router.group()
            .add(middleware: TokenAuthentication(store: store))
            .add(middleware: BodyLimit(maxBodyBytes: configuration.maxBodyBytes))
        sync.get(RouterPath(SyncProtocol.info)) { _, _ in try await self.info() }
        sync.post(RouterPath(SyncProtocol.pull)) { request, _ in try await self.pull(request) }
        sync.post(RouterPath(SyncProtocol.push)) { request, context in
            try await self.push(request, teammate: context.teammate)
        }
        sync.get(RouterPath(SyncProtocol.snapshot)) { _, _ in try await self.snapshot() }
        for (path, method) in endpoints.dropFirst() {
            for other in Self.otherMethods where other != method {
                sync.on(RouterPath(path), method: other) { request, _ -> Response in
                    throw SyncError(.methodNotAllowed, "\(path) takes \(method), not \(request.method)")
                }
            }
        }
        return router
    }

    /// `GET /v1/sync`: the server's description.
    private func info() async throws -> Response {
        let (replica, knowledge) = try await store.replicaAndKnowledge()
        let info = ServerInfo(
            format: ChangeFileFormat.name, version: ChangeFileFormat.version, schema: NewsDatabase.changeSchemaVersion,
            newsdb: configuration.newsdbVersion, replica: replica, knowledge: knowledge,
            maxPageChanges: configuration.maxPageChanges, maxBodyBytes: configuration.maxBodyBytes)
        return Self.json(try JSONEncoder().encode(info))
    }

    /// `POST /v1/sync/pull`: the first page of the changes the client lacks.
    private func pull(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let pull: PullRequest
        do {
            pull = try JSONDecoder().decode(PullRequest.self, from: Data(buffer: body))
        } catch {
            throw SyncError(
                .badRequest, "the pull request is not JSON of the form {\"knowledge\": {...}, \"limit\": N}")
        }
        if let limit = pull.limit, limit < 1 {
            throw SyncError(.badRequest, "the pull's limit must be at least 1 (it was \(limit))")
        }
        let limit = min(pull.limit ?? configuration.maxPageChanges, configuration.maxPageChanges)
        let page = try await store.pullPage(
            excluding: pull.knowledge, limit: limit, newsdbVersion: configuration.newsdbVersion)
        var response = try Self.body(try ChangeFileWriter.encode(page), compressing: Self.acceptsGzip(request))
        response.headers[HTTPField.Name(SyncProtocol.pageHeader)!] = page.isLast ? "last" : "more"
        return response
    }

    /// `POST /v1/sync/push`: a page applied in one transaction, and what the server has after it.
    private func push(_ request: Request, teammate: String?) async throws -> Response {
        let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let (report, knowledge) = try await store.pushPage(
            Data(buffer: body), named: "the pushed page", maxChanges: configuration.maxPageChanges,
            teammate: teammate)
        let result = PushResult(
            applied: report.applied, duplicates: report.duplicates, waiting: report.waiting, released: report.released,
            conflicts: report.conflicts, knowledge: knowledge)
        return Self.json(try JSONEncoder().encode(result))
    }

    /// `GET /v1/sync/snapshot`: the snapshot of the database as it is (sealed again only when something was
    /// committed since the last one, ``SnapshotCache``), streamed from its file a block at a time, never held in
    /// memory.
    private func snapshot() async throws -> Response {
        // A hub on PostgreSQL relays changes and holds no database to copy: a new teammate syncs from it instead.
        guard let store = store as? DatabaseSyncStore else {
            throw SyncError(
                .notFound,
                "this server is a team hub, which offers no snapshot; make an empty database and `newsdb sync` with it instead"
            )
        }
        let sealed = try await store.snapshots.snapshot(newsdbVersion: configuration.newsdbVersion)
        let body = ResponseBody(contentLength: Int(sealed.bytes)) { writer in
            var offset: Int64 = 0
            while offset < sealed.bytes {
                var buffer = ByteBufferAllocator().buffer(capacity: Self.snapshotBlockBytes)
                let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.snapshotBlockBytes) {
                    try sealed.read(
                        at: offset, into: UnsafeMutableRawBufferPointer(rebasing: $0.prefix(Self.snapshotBlockBytes)))
                }
                offset += Int64(count)
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
    }

    /// How much of a snapshot is read and written at a time.
    private static let snapshotBlockBytes = 1 << 20

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
}
