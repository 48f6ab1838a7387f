import Foundation
import Hummingbird
import Store

extension ReaderServer {
    /// `GET /api/articles`, `GET /api/articles/{id}`, `GET /api/tags`, `GET /api/authors`.
    func addArticleRoutes(_ api: RouterGroup<ReaderRequestContext>) {
        api.get("articles") { request, _ in
            let query = try Self.libraryQuery(Self.queryParameters(request))
            return try Self.json(ReaderJSON.LibraryJSON(page: try await self.run { try $0.library(query) }))
        }
        api.get("articles/:id") { request, context in
            let id = try context.parameters.require("id")
            let revision = try Self.revision(Self.queryParameters(request)["revision"], named: "revision")
            let view = try await self.run { try $0.articleView(id, revision: revision) }
            return try Self.json(ReaderJSON.ArticleJSON(view: view))
        }
        api.get("articles/:id/diff") { request, context in
            let id = try context.parameters.require("id")
            let parameters = try Self.queryParameters(request)
            let from = try Self.revision(parameters["from"], named: "from")
            let to = try Self.revision(parameters["to"], named: "to")
            return try Self.json(try await self.run { try $0.diff(id, from: from, to: to) })
        }
        api.get("tags") { _, _ in
            let tags = try await self.run { try $0.tagCounts() }
            return try Self.json(["tags": tags.map { TagCount(tag: $0.tag, count: $0.count) }])
        }
        api.get("authors") { _, _ in
            try Self.json(["authors": try await self.run { try $0.annotationAuthors() }])
        }
    }

    /// The query's parameters as a form encodes them (`+` a space, `%XX` a byte of UTF-8); the first of a name
    /// repeated counts.
    /// - Throws: ``ReaderError`` `.badRequest` for a value that is not percent-encoded UTF-8.
    static func queryParameters(_ request: Request) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decoded = try parts.map { part in
                guard let text = part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw ReaderError(
                        .badRequest, "the query parameter '\(pair.prefix(40))' is not percent-encoded UTF-8")
                }
                return text
            }
            if parameters[decoded[0]] == nil { parameters[decoded[0]] = decoded.count > 1 ? decoded[1] : "" }
        }
        return parameters
    }

    /// A revision number given as the query parameter `name`.
    /// - Throws: ``ReaderError`` `.badRequest` when it is not a whole number from 1.
    static func revision(_ value: String?, named name: String) throws -> Int? {
        guard let value, !value.isEmpty else { return nil }
        guard let number = Int(value), number >= 1 else {
            throw ReaderError(.badRequest, "\(name) must be a whole number from 1 (it was '\(value.prefix(40))')")
        }
        return number
    }

    /// A tag and how many live annotations carry it.
    struct TagCount: Encodable {
        let tag: String
        let count: Int
    }

    /// The library query of `GET /api/articles`'s parameters.
    /// - Throws: ``ReaderError`` `.badRequest` naming the parameter that is wrong.
    static func libraryQuery(_ parameters: [String: String]) throws -> LibraryQuery {
        func value(_ name: String) -> String? {
            parameters[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw ReaderError(
                    .badRequest, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T?
        where T.RawValue == String {
            guard let text = value(name) else { return nil }
            guard let chosen = T(rawValue: text) else {
                throw ReaderError(
                    .badRequest, "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return chosen
        }
        return LibraryQuery(
            search: try value("q").map { try SearchQuery($0) }, tag: value("tag"),
            color: try choice("color", AnnotationColor.self), author: value("author"),
            having: try choice("has", LibraryQuery.Having.self), sort: try choice("sort", LibraryQuery.Sort.self),
            limit: try number("limit", default: 50, in: 1...1000),
            offset: try number("offset", default: 0, in: 0...Int(Int32.max)))
    }
}
