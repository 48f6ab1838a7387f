import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

extension ReaderServer {
    /// `GET /api/articles/{id}/export` and `GET /api/export` (the library's current filter): the annotations as
    /// `newsdb annotations export` writes them, Markdown or W3C JSON-LD, as a download.
    func addExportRoutes(_ api: RouterGroup<ReaderRequestContext>) {
        api.get("articles/:id/export") { request, context in
            let id = try context.parameters.require("id")
            let format = try Self.exportFormat(Self.queryParameters(request))
            let (data, article) = try await self.run { database in
                (try database.exportAnnotations(format, article: id), try database.article(id).id)
            }
            return Self.download(data, format: format, name: "newsdb-\(article.prefix(8))")
        }
        api.get("export") { request, _ in
            let parameters = try Self.queryParameters(request)
            let format = try Self.exportFormat(parameters)
            let query = try Self.libraryQuery(parameters)
            let data = try await self.run { try $0.exportAnnotations(format, matching: query) }
            return Self.download(data, format: format, name: "newsdb-annotations")
        }
    }

    /// The `format` parameter: `markdown` or `w3c` (the default, as the CLI's).
    /// - Throws: ``ReaderError`` `.badRequest` for another value.
    static func exportFormat(_ parameters: [String: String]) throws -> AnnotationExportFormat {
        guard let name = parameters["format"], !name.isEmpty else { return .w3c }
        guard let format = AnnotationExportFormat(rawValue: name) else {
            throw ReaderError(
                .badRequest,
                "format must be one of \(AnnotationExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }

    /// An export as a file to save: `NAME.md` or `NAME.jsonld`.
    static func download(_ data: Data, format: AnnotationExportFormat, name: String) -> Response {
        let (type, suffix) =
            switch format {
            case .markdown: ("text/markdown; charset=utf-8", "md")
            case .w3c: (#"application/ld+json; profile="http://www.w3.org/ns/anno.jsonld""#, "jsonld")
            }
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-store",
                .contentDisposition: #"attachment; filename="\#(name).\#(suffix)""#,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}
