import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `newsdb web` as a person runs it: the printed address, the cookie, and an annotation made over HTTP as the page
/// makes it, then read back with `newsdb annotations --json`.
@Suite(.serialized) struct WebCommandTests {
    let team: Teammates

    init() throws {
        team = try Teammates()
    }

    /// A request to the reader, as a browser sends it.
    func send(
        _ url: String, _ method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await client.execute(request, timeout: .seconds(30))
            let buffer = try await response.body.collect(upTo: 16 << 20)
            try await client.shutdown()
            return (Int(response.status.code), response.headers, String(buffer: buffer))
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test("newsdb web prints the address with its key; the page's annotation is stored with scalar offsets")
    func endToEnd() async throws {
        let server = try ServerProcess(database: team.alice.database, command: "web")
        let address = try #require(
            server.stderr.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\/\?key=[0-9a-f]{64}/).map { String($0.output) })
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await send(base + "/api/articles").status == 401)
        let login = try await send(address)
        #expect(login.status == 303 && login.headers["Location"] == ["/"])
        let cookie = try #require(login.headers["Set-Cookie"].first?.split(separator: ";").first.map(String.init))
        let session = try JSONSerialization.jsonObject(
            with: Data(try await send(base + "/api/session", headers: [("Cookie", cookie)]).body.utf8))
        let csrf = try #require((session as? [String: String])?["csrf"])
        #expect((session as? [String: String])?["author"] == "alice")
        let wrongHost = try await send(
            base + "/api/session", headers: [("Cookie", cookie), ("Host", "evil.example:\(server.port)")])
        #expect(wrongHost.status == 403)

        let article = try JSONSerialization.jsonObject(
            with: Data(try await send(base + "/api/articles/\(team.strike)", headers: [("Cookie", cookie)]).body.utf8))
        let fields = try #require(article as? [String: Any])
        let id = try #require(fields["id"] as? String)
        let body = try #require(fields["body"] as? String)
        let scalars = Array(body.unicodeScalars)
        let quote = Array("3.2% pay offer".unicodeScalars)
        let start = try #require(
            (0...(scalars.count - quote.count)).first { Array(scalars[$0..<($0 + quote.count)]) == quote })
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        let selection: [String: Any] = [
            "quote": "3.2% pay offer", "prefix": text(max(0, start - 32)..<start),
            "suffix": text((start + quote.count)..<min(scalars.count, start + quote.count + 32)), "start": start,
            "end": start + quote.count, "note": "<script>alert(1)</script>",
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: selection), as: UTF8.self)
        let headers = [("Cookie", cookie), ("X-CSRF-Token", csrf), ("Content-Type", "application/json")]
        let before = try team.alice.run("annotations", "--json").stdout
        #expect(
            try await send(base + "/api/articles/\(id)/annotations", .POST, headers: [("Cookie", cookie)], body: json)
                .status == 403)
        #expect(try team.alice.run("annotations", "--json").stdout == before)
        let made = try await send(base + "/api/articles/\(id)/annotations", .POST, headers: headers, body: json)
        #expect(made.status == 201)
        #expect(made.body.contains(#""noteHTML":"<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>""#))

        let listed = try JSONSerialization.jsonObject(
            with: Data(try team.alice.run("annotations", "--json").stdout.utf8))
        let stored = try #require((listed as? [[String: Any]])?.first)
        let selector = try #require(stored["selector"] as? [String: Any])
        #expect(selector["start"] as? Int == start && selector["exact"] as? String == "3.2% pay offer")
        #expect(stored["note"] as? String == "<script>alert(1)</script>")
        #expect(server.stderr.contains("POST /api/articles/\(id)/annotations 201"))
        #expect(!server.stderr.contains(csrf) && !server.stderr.contains(cookie))
        #expect(server.stop() == 0)
        #expect(server.stderr.contains("stopped"))
    }

    @Test("newsdb web refuses a port out of range in one line, before opening the database")
    func badPort() throws {
        let result = try team.bob.run("web", "--port", "70000")
        #expect(result.status == 64)
        #expect(result.stderr == "newsdb: --port must be between 0 and 65535 (see `newsdb --help`)\n")
        #expect(try team.bob.run("web", "--help").stdout.contains("127.0.0.1"))
    }
}

/// `newsdb diff`: two revisions compared word by word from the terminal.
@Suite struct DiffCommandTests {
    @Test("newsdb diff marks deleted and inserted words and names the annotations they touched; --json too")
    func diff() throws {
        let scratch = try TemporaryDirectory()
        let (cli, id) = try Self.revised(
            in: scratch,
            "Budget\n\nThe council approved 4.5 million for the main gate.\n",
            to: "Budget\n\nThe council approved 5.1 million for the main gate.\n", annotating: "4.5 million")
        let text = try cli.run("diff", String(id.prefix(8)))
        #expect(text.status == 0)
        #expect(text.stdout.contains("[-4.5-]{+5.1+}"))
        #expect(text.stdout.contains("fuzzy  “4.5 million”"))
        let json = try JSONSerialization.jsonObject(with: Data(try cli.run("diff", id, "--json").stdout.utf8))
        let change = try #require(((json as? [String: Any])?["changes"] as? [[String: Any]])?.first)
        #expect(change["deleted"] as? String == "4.5" && change["from_start"] as? Int != nil)
        let missing = try cli.run("diff", id, "--from", "7")
        #expect(missing.status == 1)
        #expect(missing.stderr == "newsdb: article \(id.prefix(8)) has revisions 1 to 2; there is no revision 7\n")
        #expect(try cli.run("diff", id, "--to", "0").status == 64)
    }

    @Test("newsdb diff shows a rewritten headline first, named, and --json gives it under title")
    func headline() throws {
        let scratch = try TemporaryDirectory()
        let (cli, id) = try Self.revised(
            in: scratch,
            "Council cuts library budget\n\nThe council met on Tuesday.\n",
            to: "Council keeps library budget\n\nThe council met on Tuesday.\n")
        let text = try cli.run("diff", id)
        #expect(text.status == 0)
        #expect(text.stdout.contains("headline: …Council [-cuts-]{+keeps+} library budget…"))
        #expect(!text.stdout.contains("no change"))
        let json = try JSONSerialization.jsonObject(with: Data(try cli.run("diff", id, "--json").stdout.utf8))
        let object = try #require(json as? [String: Any])
        #expect((object["changes"] as? [Any])?.isEmpty == true)
        let change = try #require(((object["title"] as? [String: Any])?["changes"] as? [[String: Any]])?.first)
        #expect(change["part"] as? String == "title" && change["inserted"] as? String == "keeps")
        #expect(object["dek"] == nil)
    }

    /// A database in `scratch` holding one article imported from `first` and revised to `second`, with an annotation
    /// on `quote` made on the first text.
    static func revised(
        in scratch: TemporaryDirectory, _ first: String, to second: String, annotating quote: String? = nil
    ) throws -> (CLIRunner, String) {
        let cli = CLIRunner(database: scratch.path("d.sqlite"))
        #expect(try cli.run("import", try scratch.write("a.txt", first)).status == 0)
        let listed = try JSONSerialization.jsonObject(with: Data(try cli.run("list", "--json").stdout.utf8))
        let id = try #require((listed as? [[String: Any]])?.first?["id"] as? String)
        if let quote { #expect(try cli.run("annotate", id, "--quote", quote).status == 0) }
        #expect(try cli.run("import", try scratch.write("b.txt", second), "--revision-of", id).status == 0)
        return (cli, id)
    }
}
