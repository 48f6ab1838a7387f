import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Reader

/// Exports from the page: an article's annotations, or those of the library's current filter, as the bytes
/// `newsdb annotations export` writes, as a download.
@Suite struct ReaderExportTests {
    let fixture: ReaderFixture
    let gate: Annotation
    let third: Annotation
    let vote: Annotation

    init() throws {
        fixture = try ReaderFixture()
        gate = try fixture.database.annotate(
            AnnotationDraft(
                article: fixture.articleID, quote: "main gate", note: "Which *gate*?", tags: ["place"], color: .pink))
        third = try fixture.database.annotate(AnnotationDraft(article: fixture.articleID, quote: "third day"))
        vote = try fixture.database.annotate(
            AnnotationDraft(article: fixture.otherID, quote: "nine to four", tags: ["vote"]))
    }

    /// `GET path`: its status, headers and body.
    func fetch(_ client: any TestClientProtocol, _ session: Session?, _ path: String) async throws -> (
        HTTPResponse.Status, HTTPFields, Data
    ) {
        try await client.execute(uri: path, method: .get, headers: session?.read ?? [:]) { response in
            (response.status, response.headers, Data(buffer: response.body))
        }
    }

    /// The ids of the annotations in a W3C export, and the export without its collection's own (random) id.
    func w3c(_ data: Data) throws -> (ids: [String], rest: NSDictionary) {
        var document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        document["id"] = nil
        var first = try #require(document["first"] as? [String: Any])
        first["id"] = nil
        let items = try #require(first["items"] as? [[String: Any]])
        document["first"] = first
        return (
            items.compactMap { ($0["id"] as? String)?.split(separator: ":").last.map(String.init) },
            document as NSDictionary
        )
    }

    @Test("An article's export is the CLI's Markdown or W3C JSON-LD, as a named download")
    func articleExport() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let id = fixture.articleID
            let (status, headers, markdown) = try await fetch(
                client, session, "/api/articles/\(id)/export?format=markdown")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/markdown; charset=utf-8")
            #expect(headers[.contentDisposition] == #"attachment; filename="newsdb-\#(id.prefix(8)).md""#)
            #expect(markdown == (try fixture.database.exportAnnotations(.markdown, article: id)))
            #expect(String(decoding: markdown, as: UTF8.self).contains("> main gate"))
            #expect(!String(decoding: markdown, as: UTF8.self).contains("nine to four"))

            let (_, jsonHeaders, json) = try await fetch(client, session, "/api/articles/\(id.prefix(6))/export")
            #expect(jsonHeaders[.contentType]?.hasPrefix("application/ld+json") == true)
            #expect(jsonHeaders[.contentDisposition] == #"attachment; filename="newsdb-\#(id.prefix(8)).jsonld""#)
            let served = try w3c(json)
            #expect(Set(served.ids) == [gate.id, third.id])
            #expect(served.rest == (try w3c(fixture.database.exportAnnotations(.w3c, article: id))).rest)
        }
    }

    @Test("The library's export holds the annotations its filters choose, on every article it lists")
    func filterExport() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            func ids(_ query: String) async throws -> Set<String> {
                let (status, headers, data) = try await fetch(client, session, "/api/export?\(query)")
                #expect(status == .ok, "\(query)")
                #expect(headers[.contentDisposition] == #"attachment; filename="newsdb-annotations.jsonld""#)
                return Set(try w3c(data).ids)
            }
            #expect(try await ids("") == [gate.id, third.id, vote.id])
            #expect(try await ids("tag=place") == [gate.id])
            #expect(try await ids("color=pink") == [gate.id])
            #expect(try await ids("q=council") == [vote.id])
            #expect(try await ids("q=tag:vote") == [vote.id])
            #expect(try await ids("q=strike&has=annotations") == [gate.id, third.id])
            #expect(try await ids("author=bob").isEmpty)
            #expect(try await ids("has=orphans").isEmpty)
            #expect(try await ids("sort=published&limit=1") == [gate.id, third.id, vote.id])

            let (_, headers, all) = try await fetch(client, session, "/api/export?format=markdown")
            #expect(headers[.contentDisposition] == #"attachment; filename="newsdb-annotations.md""#)
            #expect(all == (try fixture.database.exportAnnotations(.markdown)))
        }
    }

    @Test("Export refuses without the cookie (401), an unknown article (404), a bad format or filter (400)")
    func refusals() async throws {
        let before = try fixture.snapshot()
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let cases: [(Session?, String, HTTPResponse.Status, String)] = [
                (nil, "/api/export", .unauthorized, "no session"),
                (nil, "/api/articles/\(fixture.articleID)/export", .unauthorized, "no session"),
                (session, "/api/articles/ffffffff/export", .notFound, "ffffffff"),
                (session, "/api/articles/\(fixture.articleID)/export?format=pdf", .badRequest, "markdown"),
                (session, "/api/export?format=html", .badRequest, "w3c"),
                (session, "/api/export?color=black", .badRequest, "color"),
                (session, "/api/export?q=-only", .badRequest, "excludes"),
            ]
            for (who, path, expected, words) in cases {
                let (status, headers, data) = try await fetch(client, who, path)
                #expect(status == expected, "\(path)")
                #expect(headers[.contentType] == "application/json; charset=utf-8", "\(path)")
                let message = try #require(
                    try JSONSerialization.jsonObject(with: data) as? [String: String])["error"]
                #expect(message?.contains(words) == true, "\(path): \(message ?? "")")
            }
        }
        #expect(try fixture.snapshot() == before)
    }
}
