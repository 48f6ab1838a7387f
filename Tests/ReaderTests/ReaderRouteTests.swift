import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing

@testable import Reader

/// The reader's router, driven without a socket: the key and cookie, the Host check, the headers every answer
/// carries, and the API's reads and writes with their errors, each refused request leaving the database as it was.
@Suite struct ReaderRouteTests {
    let fixture: ReaderFixture

    init() throws {
        fixture = try ReaderFixture()
    }

    /// The selector of `quote` in the test article's body, as the page sends it.
    func selection(_ quote: String, note: String? = nil) throws -> [String: Any] {
        let scalars = Array(emojiBody.unicodeScalars)
        let target = Array(quote.unicodeScalars)
        let start = try #require(
            (0...(scalars.count - target.count)).first { Array(scalars[$0..<($0 + target.count)]) == target })
        let end = start + target.count
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        var value: [String: Any] = [
            "quote": quote, "prefix": text(max(0, start - 32)..<start),
            "suffix": text(end..<min(scalars.count, end + 32)), "start": start, "end": end,
        ]
        if let note { value["note"] = note }
        return value
    }

    @Test("The printed key is traded for an HttpOnly, SameSite=Strict cookie and a 303 to /; a wrong key is 401")
    func keyForCookie() async throws {
        try await fixture.withRouter { client in
            try await client.execute(uri: "/?key=test-key", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("newsdb_session=") && !cookie.contains("test-key"))
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            }
            try await client.execute(uri: "/?key=wrong", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                #expect(String(buffer: response.body).contains("newsdb web"))
            }
            let session = try await fixture.login(client)
            for path in ["/", "/articles/\(fixture.articleID)", "/articles/\(fixture.articleID)/diff"] {
                try await client.execute(uri: path, method: .get, headers: session.read) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(String(buffer: response.body).contains("<!doctype html>"))
                }
            }
        }
        #expect(!fixture.log.all.contains { $0.contains("test-key") })
        #expect(fixture.log.all.contains { $0.hasPrefix("info GET / 303 ") })
    }

    @Test("Without the cookie a page is a 401 HTML page and the API a 401 JSON error")
    func noCookie() async throws {
        try await fixture.withRouter { client in
            for path in ["/", "/articles/\(fixture.articleID)"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(String(buffer: response.body).contains("open the address `newsdb web` printed"))
                }
            }
            let forged: HTTPFields = [.cookie: "newsdb_session=forged"]
            for (path, headers) in [("/api/articles", HTTPFields()), ("/api/session", forged)] {
                try await client.execute(uri: path, method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    try #expect(errorMessage(response).contains("no session"))
                }
            }
        }
    }

    @Test("A Host other than 127.0.0.1:PORT or localhost:PORT is 403, even with a valid session; localhost is fine")
    func hostCheck() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            for host in ["evil.example:8788", "127.0.0.1:8789", "localhost", "127.0.0.1"] {
                var headers = session.read
                headers[HostFromHeader<Router<ReaderRequestContext>.Responder>.header] = host
                try await client.execute(uri: "/api/articles", method: .get, headers: headers) { response in
                    #expect(response.status == .forbidden, "\(host)")
                    try #expect(errorMessage(response).contains("127.0.0.1:8788"))
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
            }
            var headers = session.read
            headers[HostFromHeader<Router<ReaderRequestContext>.Responder>.header] = "localhost:8788"
            try await client.execute(uri: "/api/articles", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("Every answer, errors included, carries the CSP, nosniff and no-referrer headers, and never a CORS header")
    func securityHeaders() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let requests: [(String, HTTPFields)] = [
                ("/", session.read), ("/api/articles", session.read), ("/api/articles", [:]),
                ("/assets/index.html", [:]), ("/nowhere", session.read), ("/api/nowhere", session.read),
            ]
            for (path, headers) in requests {
                var headers = headers
                headers[.origin] = "https://evil.example"
                try await client.execute(uri: path, method: .get, headers: headers) { response in
                    #expect(
                        response.headers[.contentSecurityPolicy]
                            == "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                        "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    #expect(!response.headers.contains { $0.name.rawName.lowercased().hasPrefix("access-control-") })
                }
            }
        }
    }

    @Test("The page's files are served from the binary under /assets/ with their type; an unknown one is 404")
    func assets() async throws {
        try await fixture.withRouter { client in
            try await client.execute(uri: "/assets/index.html", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let onDisk = try String(contentsOf: repositoryRoot.appending(path: "web/index.html"), encoding: .utf8)
                #expect(String(buffer: response.body) == onDisk)
            }
            try await client.execute(uri: "/assets/../Package.swift", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/assets/no-such.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(ReaderAssets.contentType(of: "app.js") == "text/javascript; charset=utf-8")
        #expect(ReaderAssets.contentType(of: "css/app.css") == "text/css; charset=utf-8")
        #expect(ReaderAssets.contentType(of: "icon.svg") == "image/svg+xml")
    }

    @Test("/api/session gives the CSRF token and this replica's author; /api/version changes with any change")
    func sessionAndVersion() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/session", method: .get, headers: session.read) { response in
                let body = try object(response)
                #expect(body["author"] as? String == "alice")
                #expect((body["csrf"] as? String)?.count == 64)
            }
            func version() async throws -> String {
                try await client.execute(uri: "/api/version", method: .get, headers: session.read) { response in
                    try #require(try object(response)["version"] as? String)
                }
            }
            let before = try await version()
            #expect(try await version() == before)
            // Another process's change (the CLI's) shows in the version too.
            _ = try fixture.database.annotate(AnnotationDraft(article: fixture.articleID, quote: "main gate"))
            #expect(try await version() != before)
        }
    }

    @Test("GET /api/articles lists every article with its counts; an article reads with its body and annotations")
    func readArticles() async throws {
        let made = try fixture.database.annotate(
            AnnotationDraft(article: fixture.articleID, quote: "main gate", note: "Which **gate**?", tags: ["place"]))
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/articles", method: .get, headers: session.read) { response in
                #expect(response.status == .ok)
                let body = try object(response)
                #expect(body["total"] as? Int == 2)
                let articles = try #require(body["articles"] as? [[String: Any]])
                let strike = try #require(articles.first { $0["id"] as? String == fixture.articleID })
                #expect(strike["annotationCount"] as? Int == 1)
                #expect(strike["authors"] as? [String] == ["alice"])
                #expect(strike["title"] as? String == "Port strike enters third day")
                #expect(strike["snippet"] == nil)
            }
            try await client.execute(uri: "/api/articles/\(fixture.articleID)", method: .get, headers: session.read) {
                response in
                #expect(response.status == .ok)
                let article = try object(response)
                #expect(article["body"] as? String == emojiBody)
                #expect(article["revision"] as? Int == 1)
                #expect(article["dir"] as? String == "ltr")
                #expect(article["dek"] is NSNull)
                let annotations = try #require(article["annotations"] as? [[String: Any]])
                let annotation = try #require(annotations.first)
                #expect(annotation["id"] as? String == made.id)
                #expect(annotation["state"] as? String == "anchored")
                #expect(annotation["start"] as? Int == made.selector.start)
                #expect(annotation["note"] as? String == "Which **gate**?")
                #expect(annotation["noteHTML"] as? String == "<p>Which <strong>gate</strong>?</p>")
                #expect(annotation["tags"] as? [String] == ["place"])
                #expect(annotation["author"] as? String == "alice")
                #expect((annotation["conflicts"] as? [Any])?.isEmpty == true)
                #expect((article["orphans"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("An unknown article is 404; a bad revision is 400 and an unknown one 404")
    func unknownArticle() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let requests = [
                ("/api/articles/\(String(repeating: "0", count: 64))", HTTPResponse.Status.notFound),
                ("/api/articles/\(fixture.articleID)?revision=9", .notFound),
                ("/api/articles/\(fixture.articleID)?revision=x", .badRequest),
                ("/api/articles/zz", .badRequest),
            ]
            for (path, status) in requests {
                try await client.execute(uri: path, method: .get, headers: session.read) { response in
                    #expect(response.status == status, "\(path)")
                    try #expect(!errorMessage(response).isEmpty)
                }
            }
        }
    }

    @Test("POST an annotation after an emoji and a combining mark: offsets in Unicode scalars, as the CLI stores them")
    func createAfterEmoji() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let request = try selection("main gate", note: "Which one?")
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: session.write,
                body: try body(request.merging(["tags": ["place"], "color": "green"]) { $1 })
            ) { response in
                #expect(response.status == .created)
                let annotation = try object(response)
                #expect(annotation["quote"] as? String == "main gate")
                #expect(annotation["start"] as? Int == request["start"] as? Int)
                #expect(annotation["color"] as? String == "green")
                #expect(annotation["motivation"] as? String == "commenting")
            }
        }
        let stored = try #require(try fixture.database.annotations().first)
        let scalars = Array(emojiBody.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[stored.selector.start..<stored.selector.end])) == "main gate")
        // 👋🏽 is two scalars in four UTF-16 units (q́ is two of each, in one character): two fewer than UTF-16 counts.
        let utf16Start = try #require(emojiBody.range(of: "main gate")).lowerBound.utf16Offset(in: emojiBody)
        #expect(stored.selector.start == utf16Start - 2)
        #expect(try fixture.database.article(fixture.articleID).body == emojiBody)
        #expect(stored.tags == ["place"] && stored.note == "Which one?" && stored.color == .green)
    }

    @Test("A selector that does not match the stored text is 400 and writes nothing")
    func selectorMismatch() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let good = try selection("main gate")
            let start = try #require(good["start"] as? Int)
            let bad: [[String: Any]] = [
                good.merging(["quote": "main gale"]) { $1 },
                good.merging(["start": start + 1, "end": start + 10]) { $1 },
                good.merging(["prefix": "something else "]) { $1 },
                good.merging(["suffix": " on Monday"]) { $1 },
                good.merging(["start": -1]) { $1 },
                good.merging(["end": 100_000]) { $1 },
                good.merging(["color": "black"]) { $1 },
                ["quote": "main gate"],
            ]
            let before = try fixture.snapshot()
            for request in bad {
                try await client.execute(
                    uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: session.write,
                    body: try body(request)
                ) { response in
                    #expect(response.status == .badRequest, "\(request)")
                    try #expect(!errorMessage(response).isEmpty)
                }
            }
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: session.write,
                body: ByteBuffer(string: "not json")
            ) { response in
                #expect(response.status == .badRequest)
                try #expect(errorMessage(response).contains("not JSON"))
            }
            #expect(try fixture.snapshot() == before)
        }
    }

    @Test("A write without the CSRF header, or with another session's, is 403 and writes nothing")
    func csrf() async throws {
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            let other = try await fixture.login(client)
            let before = try fixture.snapshot()
            let request = try body(try selection("main gate"))
            for headers in [session.read, [.cookie: session.cookie, WriteCheck.header: other.csrf]] as [HTTPFields] {
                try await client.execute(
                    uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: headers,
                    body: request
                ) { response in
                    #expect(response.status == .forbidden)
                    try #expect(errorMessage(response).contains("X-CSRF-Token"))
                }
            }
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)/annotations", method: .post,
                headers: [WriteCheck.header: session.csrf],
                body: request
            ) { response in
                #expect(response.status == .unauthorized)
            }
            #expect(try fixture.snapshot() == before)
        }
    }

    @Test("A body over the limit is 413, declared or not, and writes nothing; an unknown article is 404")
    func oversizedAndUnknown() async throws {
        try await fixture.withRouter(maxBodyBytes: 1000) { client in
            let session = try await fixture.login(client)
            let before = try fixture.snapshot()
            let huge = try body(try selection("main gate", note: String(repeating: "x", count: 2000)))
            try await client.execute(
                uri: "/api/articles/\(fixture.articleID)/annotations", method: .post, headers: session.write, body: huge
            ) { response in
                #expect(response.status == .contentTooLarge)
                try #expect(errorMessage(response).contains("1000 bytes"))
            }
            try await client.execute(
                uri: "/api/articles/\(String(repeating: "a", count: 64))/annotations", method: .post,
                headers: session.write, body: try body(try selection("main gate"))
            ) { response in
                #expect(response.status == .notFound)
            }
            #expect(try fixture.snapshot() == before)
        }
    }

    @Test("An article's declared language and direction are its lang and dir; without one, dir is its text's")
    func languageAndDirection() async throws {
        let json = #"{"title": "مجلس المدينة", "body": "وافق المجلس على الخطة.", "language": "ar", "direction": "rtl"}"#
        let id = try fixture.database.importArticles([.data(Data(json.utf8), name: "ar.json")]).articles[0].id
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/articles/\(id)", method: .get, headers: session.read) { response in
                let article = try object(response)
                #expect(article["lang"] as? String == "ar")
                #expect(article["dir"] as? String == "rtl")
            }
            try await client.execute(uri: "/api/articles/\(fixture.articleID)", method: .get, headers: session.read) {
                response in
                let article = try object(response)
                #expect(article["lang"] is NSNull)
            }
        }
    }
}

/// The API's description is the file in the repository, served as it is, and names every API route.
@Suite struct OpenAPITests {
    @Test("GET /api/openapi.json serves Sources/Reader/openapi.json, an OpenAPI 3.1 file with every route")
    func served() async throws {
        let fixture = try ReaderFixture()
        let file = try Data(contentsOf: repositoryRoot.appending(path: "Sources/Reader/openapi.json"))
        try await fixture.withRouter { client in
            let session = try await fixture.login(client)
            try await client.execute(uri: "/api/openapi.json", method: .get, headers: session.read) { response in
                #expect(response.status == .ok)
                #expect(Data(buffer: response.body) == file)
            }
        }
        let spec = try #require(try JSONSerialization.jsonObject(with: file) as? [String: Any])
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        let routes: [(String, String)] = [
            ("/api/session", "get"), ("/api/version", "get"), ("/api/openapi.json", "get"), ("/api/articles", "get"),
            ("/api/articles/{id}", "get"), ("/api/articles/{id}/diff", "get"),
            ("/api/articles/{id}/annotations", "post"),
            ("/api/annotations/{id}", "patch"), ("/api/annotations/{id}", "delete"),
            ("/api/annotations/{id}/restore", "post"), ("/api/annotations/{id}/resolve", "post"), ("/api/tags", "get"),
            ("/api/authors", "get"), ("/api/articles/{id}/export", "get"), ("/api/export", "get"),
            ("/api/peers", "get"), ("/api/peers/{name}/sync", "post"),
        ]
        for (path, method) in routes { #expect(paths[path]?[method] != nil, "\(method) \(path)") }
        #expect(paths.values.map(\.count).reduce(0, +) == routes.count)
    }
}
