import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Reader

/// The API's other routes: edits, deletion and its undo, tags, authors, the library's filters and order, and
/// revisions, each going through the Store functions the CLI calls (so each is a recorded change).
@Suite struct ReaderAPITests {
    let fixture: ReaderFixture

    init() throws {
        fixture = try ReaderFixture()
    }

    func annotate(_ quote: String, article: String? = nil, tags: [String] = [], color: AnnotationColor = .yellow)
        throws -> Annotation
    {
        try fixture.database.annotate(
            AnnotationDraft(article: article ?? fixture.articleID, quote: quote, tags: tags, color: color))
    }

    /// Imports a second revision of the test article, in which the main gate is the north gate.
    func reviseGate() throws {
        let revised = emojiBody.replacingOccurrences(of: "main gate", with: "north gate")
        _ = try fixture.database.importArticles(
            [.data(Data("Port strike enters third day\n\n\(revised)\n".utf8), name: "fix.txt")],
            revisionOf: fixture.articleID)
    }

    /// The ids of the articles `GET path` lists, in order, and its total.
    func listed(_ client: any TestClientProtocol, _ session: Session, _ path: String) async throws -> (
        ids: [String], total: Int
    ) {
        try await client.execute(uri: path, method: .get, headers: session.read) { response in
            #expect(response.status == .ok, "\(path)")
            let body = try object(response)
            let articles = try #require(body["articles"] as? [[String: Any]])
            return (articles.compactMap { $0["id"] as? String }, try #require(body["total"] as? Int))
        }
    }

    @Test("PATCH changes note, tags, color and motivation as recorded changes; an empty or bad PATCH is 400")
    func edit() async throws {
        let made = try annotate("main gate", tags: ["place", "old"])
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(
                uri: "/api/annotations/\(made.id)", method: .patch, headers: session.write,
                body: try body(["note": "<b>bold</b> *claim*", "tags": ["place", "new"], "color": "pink"])
            ) { response in
                #expect(response.status == .ok)
                let annotation = try object(response)
                #expect(annotation["tags"] as? [String] == ["new", "place"])
                #expect(annotation["noteHTML"] as? String == "<p>&lt;b&gt;bold&lt;/b&gt; <em>claim</em></p>")
            }
            let before = try fixture.snapshot()
            for request in [[:], ["color": "black"], ["motivation": "shouting"], ["tags": ["two words"]]] {
                try await client.execute(
                    uri: "/api/annotations/\(made.id)", method: .patch, headers: session.write, body: try body(request)
                ) { response in
                    #expect(response.status == .badRequest, "\(request)")
                }
            }
            #expect(try fixture.snapshot() == before)
            try await client.execute(
                uri: "/api/annotations/\(made.id)", method: .patch, headers: session.write,
                body: ByteBuffer(string: #"{"note": null, "motivation": "questioning"}"#)
            ) { response in
                let annotation = try object(response)
                #expect(annotation["note"] is NSNull && annotation["noteHTML"] is NSNull)
                #expect(annotation["motivation"] as? String == "questioning")
            }
        }
        let stored = try fixture.database.annotation(made.id)
        #expect(stored.tags == ["new", "place"] && stored.color == .pink && stored.note == nil)
        #expect(stored.motivation == .questioning)
    }

    @Test("DELETE answers the deleted annotation and restore brings it back; each again is 409; unknown is 404")
    func deleteAndRestore() async throws {
        let made = try annotate("main gate")
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/annotations/\(made.id)", method: .delete, headers: session.write) {
                response in
                #expect(response.status == .ok)
                try #expect(object(response)["deleted"] as? Bool == true)
            }
            #expect(try fixture.database.annotations().isEmpty)
            let before = try fixture.snapshot()
            for (path, method) in [
                ("/api/annotations/\(made.id)", HTTPRequest.Method.delete),
                ("/api/annotations/\(made.id)", .patch),
            ] {
                try await client.execute(
                    uri: path, method: method, headers: session.write, body: try body(["color": "blue"])
                ) { response in
                    #expect(response.status == .conflict, "\(method)")
                    try #expect(errorMessage(response).contains("deleted"))
                }
            }
            #expect(try fixture.snapshot() == before)
            try await client.execute(
                uri: "/api/annotations/\(made.id)/restore", method: .post, headers: session.write
            ) { response in
                #expect(response.status == .ok)
                try #expect(object(response)["deleted"] as? Bool == false)
            }
            try await client.execute(
                uri: "/api/annotations/\(made.id)/restore", method: .post, headers: session.write
            ) { response in
                #expect(response.status == .conflict)
            }
            let unknown = "00000000-0000-4000-8000-000000000000"
            for (path, method) in [
                ("/api/annotations/\(unknown)", HTTPRequest.Method.delete), ("/api/annotations/\(unknown)", .patch),
                ("/api/annotations/\(unknown)/restore", .post),
            ] {
                try await client.execute(
                    uri: path, method: method, headers: session.write, body: try body(["color": "blue"])
                ) { response in
                    #expect(response.status == .notFound, "\(method) \(path)")
                }
            }
        }
        #expect(try fixture.database.annotations().map(\.id) == [made.id])
    }

    @Test("GET /api/tags counts live annotations per tag; GET /api/authors names who annotated")
    func tagsAndAuthors() async throws {
        _ = try annotate("main gate", tags: ["place", "check"])
        _ = try annotate("pay offer", tags: ["check"])
        let gone = try annotate("third day", tags: ["gone"])
        try fixture.database.deleteAnnotations([gone.id])
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/tags", method: .get, headers: session.read) { response in
                let tags = try #require(try object(response)["tags"] as? [[String: Any]])
                #expect(tags.map { $0["tag"] as? String } == ["check", "place"])
                #expect(tags.map { $0["count"] as? Int } == [2, 1])
            }
            try await client.execute(uri: "/api/authors", method: .get, headers: session.read) { response in
                try #expect(object(response)["authors"] as? [String] == ["alice"])
            }
        }
    }

    @Test("The library filters by search, tag, color, author, annotations and orphans, sorts, and pages")
    func libraryFilters() async throws {
        _ = try annotate("main gate", tags: ["place"], color: .pink)
        _ = try annotate("council voted", article: fixture.otherID, tags: ["vote"])
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let (strike, council) = (fixture.articleID, fixture.otherID)
            #expect(try await listed(client, session, "/api/articles?q=gate").ids == [strike])
            #expect(try await listed(client, session, "/api/articles?q=tag:vote").ids == [council])
            #expect(try await listed(client, session, "/api/articles?q=council+tag:place").ids.isEmpty)
            #expect(try await listed(client, session, "/api/articles?tag=place").ids == [strike])
            #expect(try await listed(client, session, "/api/articles?color=pink").ids == [strike])
            #expect(try await listed(client, session, "/api/articles?color=pink&tag=vote").ids.isEmpty)
            #expect(try await listed(client, session, "/api/articles?author=alice").total == 2)
            #expect(try await listed(client, session, "/api/articles?author=bob").total == 0)
            #expect(try await listed(client, session, "/api/articles?has=annotations").total == 2)
            #expect(try await listed(client, session, "/api/articles?has=orphans").total == 0)
            let page = try await listed(client, session, "/api/articles?limit=1&offset=1&sort=published")
            #expect(page.total == 2 && page.ids.count == 1)
            try await client.execute(uri: "/api/articles?q=gate", method: .get, headers: session.read) { response in
                let articles = try #require(try object(response)["articles"] as? [[String: Any]])
                #expect((articles.first?["snippet"] as? String)?.contains("main <mark>gate</mark>") == true)
            }
            for bad in ["limit=0", "limit=x", "offset=-1", "sort=title", "has=notes", "color=black", "q=-only"] {
                try await client.execute(uri: "/api/articles?\(bad)", method: .get, headers: session.read) {
                    response in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test("A search snippet is HTML-escaped around its marks")
    func snippetEscaped() {
        let snippet = "<script>" + SearchHit.matchStart + "gate" + SearchHit.matchEnd + " & co"
        #expect(ReaderJSON.LibraryJSON.snippetHTML(snippet) == "&lt;script&gt;<mark>gate</mark> &amp; co")
    }

    @Test("An earlier revision reads with its own text and the annotations as they stood on it")
    func revisions() async throws {
        let made = try annotate("main gate")
        try reviseGate()
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/articles/\(fixture.articleID)", method: .get, headers: session.read) {
                response in
                let article = try object(response)
                #expect(article["revision"] as? Int == 2)
                #expect((article["revisions"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1, 2])
                let annotation = try #require((article["annotations"] as? [[String: Any]])?.first)
                #expect(annotation["state"] as? String == "fuzzy")
            }
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)?revision=1", method: .get, headers: session.read
            ) { response in
                let article = try object(response)
                #expect(article["revision"] as? Int == 1)
                #expect(article["body"] as? String == emojiBody)
                let annotation = try #require((article["annotations"] as? [[String: Any]])?.first)
                #expect(annotation["id"] as? String == made.id)
                #expect(annotation["state"] as? String == "anchored")
                #expect(annotation["start"] as? Int == made.selector.start)
            }
        }
    }
}

extension ReaderAPITests {
    @Test("GET /api/articles/{id}/diff lists the changes word by word with the annotations each touched")
    func diff() async throws {
        let gate = try annotate("main gate")
        _ = try annotate("pay offer")
        try reviseGate()
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)/diff", method: .get, headers: session.read
            ) { response in
                #expect(response.status == .ok)
                let diff = try object(response)
                #expect(diff["from"] as? Int == 1 && diff["to"] as? Int == 2)
                let changes = try #require(diff["changes"] as? [[String: Any]])
                #expect(changes.count == 1)
                #expect(changes.first?["deleted"] as? String == "main")
                #expect(changes.first?["inserted"] as? String == "north")
                #expect(changes.first?["part"] as? String == "body")
                #expect(diff["title"] == nil && diff["dek"] == nil)
                let touched = try #require(changes.first?["annotations"] as? [[String: Any]])
                #expect(touched.map { $0["id"] as? String } == [gate.id])
                #expect(touched.first?["state"] as? String == "fuzzy")
                let segments = try #require(diff["segments"] as? [[String: Any]])
                #expect(segments.compactMap { $0["text"] as? String }.joined().contains("northmain") == false)
            }
            for (query, status) in [("from=9", HTTPResponse.Status.notFound), ("to=x", .badRequest)] {
                try await client.execute(
                    uri: "/api/articles/\(fixture.articleID)/diff?\(query)", method: .get, headers: session.read
                ) { response in
                    #expect(response.status == status, "\(query)")
                }
            }
        }
    }
}

extension ReaderAPITests {
    @Test("A conflict shows on its annotation with both values and is resolved in place, as newsdb resolve does")
    func resolveConflict() async throws {
        let made = try annotate("main gate")
        let bob = try NewsDatabase.open(
            at: fixture.folder.path("bob.sqlite"),
            options: .init(backup: false, clock: { Date(timeIntervalSince1970: 1_790_000_000) }))
        try bob.rename(to: "bob")
        let toBob = fixture.folder.path("to-bob.json")
        try ChangeFileWriter.export(from: fixture.database, for: nil, to: toBob, newsdbVersion: "test")
        _ = try ChangeFileReader.apply(toBob, to: bob)
        try fixture.database.editAnnotation(made.id, AnnotationChanges(note: "alice's note"))
        try bob.editAnnotation(made.id, AnnotationChanges(note: "bob's note"))
        let toAlice = fixture.folder.path("to-alice.json")
        try ChangeFileWriter.export(from: bob, for: nil, to: toAlice, newsdbVersion: "test")
        _ = try ChangeFileReader.apply(toAlice, to: fixture.database)
        #expect(try fixture.database.conflicts().count == 1)
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/articles/\(fixture.articleID)", method: .get, headers: session.read) {
                response in
                let annotation = try #require((try object(response)["annotations"] as? [[String: Any]])?.first)
                let conflicts = try #require(annotation["conflicts"] as? [[String: Any]])
                #expect(Set(conflicts.compactMap { $0["author"] as? String }) == ["alice", "bob"])
                #expect(Set(conflicts.compactMap { $0["value"] as? String }) == ["alice's note", "bob's note"])
                #expect(conflicts.allSatisfy { $0["field"] as? String == "note" && $0["time"] is String })
            }
            let before = try fixture.snapshot()
            for request in [
                ["field": "note"], ["field": "nothing", "keep": "alice"], ["field": "color", "keep": "1"],
            ] {
                try await client.execute(
                    uri: "/api/annotations/\(made.id)/resolve", method: .post, headers: session.write,
                    body: try body(request)
                ) { response in
                    #expect(response.status == .badRequest || response.status == .notFound, "\(request)")
                }
            }
            #expect(try fixture.snapshot() == before)
            try await client.execute(
                uri: "/api/annotations/\(made.id)/resolve", method: .post, headers: session.write,
                body: try body(["field": "note", "keep": "alice"])
            ) { response in
                #expect(response.status == .ok)
                let annotation = try object(response)
                #expect(annotation["note"] as? String == "alice's note")
                #expect((annotation["conflicts"] as? [Any])?.isEmpty == true)
            }
        }
        #expect(try fixture.database.conflicts().isEmpty)
    }
}
