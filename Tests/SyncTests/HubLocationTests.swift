import Foundation
import Store
import Testing

@testable import Hub

/// `--store`: a URL or libpq's words, never a password; and the pieces of the hub that need no server.
@Suite struct HubLocationTests {
    let environment = ["USER": "ana", "HOME": "/nonexistent"]

    @Test("A URL with a socket folder, and libpq's key=value words, name the same database")
    func urlAndWords() throws {
        let url = try HubLocation("postgresql://hub@/newsroom?host=/run/postgresql", environment: environment)
        let words = try HubLocation("host=/run/postgresql dbname=newsroom user=hub", environment: environment)
        #expect(url == words)
        #expect(url.isSocket && url.port == 5432 && url.user == "hub" && url.database == "newsroom")
        #expect(url.description == "hub@/run/postgresql:5432/newsroom")
        let tcp = try HubLocation("postgres://hub@db.example:6543/news?sslmode=require", environment: environment)
        #expect(!tcp.isSocket && tcp.host == "db.example" && tcp.port == 6543 && tcp.sslMode == "require")
        let quoted = try HubLocation("host='/tmp/a b' dbname='it\\'s'", environment: environment)
        #expect(quoted.host == "/tmp/a b" && quoted.database == "it's" && quoted.user == "ana")
        #expect(try HubLocation("host=/tmp", environment: ["PGUSER": "pat", "PGDATABASE": "d"]).database == "d")
    }

    @Test("A password on the command line, an unknown setting, a bad port or plain text are refused, one line each")
    func refusals() {
        for (text, message) in [
            ("postgresql://hub:secret@/newsroom", "must not hold a password"),
            ("host=/tmp password=secret", "must not hold a password"),
            ("host=/tmp colour=blue", "colour is not a setting"),
            ("postgresql://hub@/n?port=99999", "port must be a number"),
            ("newsroom", "takes a postgresql:// URL"),
            ("host=/tmp sslmode=sometimes", "sslmode must be"),
            ("host='/tmp", "lacks its closing quote"),
        ] {
            #expect(throws: StoreError.self, "\(text)") {
                do {
                    _ = try HubLocation(text, environment: environment)
                } catch let error as StoreError {
                    #expect(error.code == .invalidInput && error.message.contains(message), "\(error.message)")
                    #expect(!error.message.contains("secret"))
                    throw error
                }
            }
        }
    }

    @Test("The password comes from PGPASSWORD, else the matching line of the password file")
    func password() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("pgpass")
        try Data("# comment\nother:5432:*:hub:wrong\nlocalhost:5432:newsroom:hub:pa\\:ss\n".utf8).write(
            to: URL(fileURLWithPath: file))
        let location = try HubLocation("host=/run/postgresql dbname=newsroom user=hub passfile=\(file)")
        #expect(try location.password(environment: [:]) == "pa:ss")
        #expect(try location.password(environment: ["PGPASSWORD": "env"]) == "env")
        #expect(try location.database("other").password(environment: [:]) == nil)
        let missing = try HubLocation("host=/tmp user=hub passfile=\(folder.path("none"))")
        #expect(throws: StoreError.self) { try missing.password(environment: [:]) }
    }

    @Test("Migration SQL is cut into statements at semicolons outside comments, strings, names and dollar quotes")
    func statements() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (b text DEFAULT 'x;y', "c;d" int);
            /* block; comment */ INSERT INTO a VALUES ('it''s;', 1);
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT $$;$$;
            -- only a comment at the end;
            """
        let statements = SQLStatements.split(sql).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("CREATE TABLE a (b text DEFAULT 'x;y', \"c;d\" int)"))
        #expect(statements[1].hasSuffix("INSERT INTO a VALUES ('it''s;', 1)"))
        #expect(statements[2] == "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql")
        #expect(statements[3] == "SELECT $$;$$")
        #expect(SQLStatements.split(PostgresHubStore.migrations[0].sql).count >= 6)
    }

    @Test("Received counters as int8multirange text, both ways")
    func multiranges() throws {
        #expect(Multirange.text([1...3, 5...5]) == "{[1,4),[5,6)}")
        #expect(try Multirange.ranges("{[1,4),[5,6)}") == [1...3, 5...5])
        #expect(try Multirange.ranges("{}") == [])
        #expect(throws: StoreError.self) { try Multirange.ranges("[1,4)") }
        #expect(throws: StoreError.self) { try Multirange.ranges("{[4,1)}") }
    }
}

/// What a pushed page does to the hub's kept changes, worked out without a database.
@Suite struct RelayPlanTests {
    let ann = "a1b2c3d4-0000-4000-8000-000000000001"
    let origin = "11111111-1111-4111-8111-111111111111"
    let other = "22222222-2222-4222-8222-222222222222"

    func change(_ origin: String, _ counter: Int64, _ body: Change.Body) -> Change {
        Change(
            id: ChangeID(origin: origin, counter: counter),
            clock: HLCTimestamp(milliseconds: 1_790_000_000_000 + counter, counter: 0, replica: origin),
            at: "2026-09-21T12:00:00Z", body: body)
    }

    func seen(_ origin: String, _ range: ClosedRange<Int64>) -> Knowledge { Knowledge(ranges: [origin: [range]]) }

    @Test("A value drops the values of its register it saw, kept or in the same page; concurrent ones stay")
    func registers() throws {
        let stored = ChangeID(origin: other, counter: 1)
        let note = RelayPlan.Register(subject: ann, name: "note")
        let changes = [
            change(origin, 1, .set(annotation: ann, value: .note("one"), seen: seen(other, 1...1))),
            change(origin, 2, .set(annotation: ann, value: .note("two"), seen: seen(origin, 1...1))),
            change(origin, 2, .set(annotation: ann, value: .note("again"), seen: Knowledge())),
            change(origin, 3, .set(annotation: ann, value: .color(.green), seen: Knowledge())),
        ]
        let plan = RelayPlan(
            changes, knowledge: Knowledge(), live: [note: [stored, ChangeID(origin: "9", counter: 9)]],
            line: { "\($0.id)" })
        #expect(plan.new.count == 3 && plan.duplicates.count == 1)
        #expect(plan.dropped == [stored])
        #expect(plan.rows.map(\.id.counter) == [2, 3])
        #expect(plan.rows.map(\.register) == ["note", "color"])
        #expect(plan.live[note] == [ChangeID(origin: "9", counter: 9), ChangeID(origin: origin, counter: 2)])
        #expect(plan.conflicts == 1)
    }

    @Test("A tag removal drops the additions it saw and is kept itself; article versions always stay")
    func tags() throws {
        let article = ArticleVersion(
            id: "art", title: "T", dek: nil, byline: nil, source: nil, url: nil, publishedAt: nil, body: "B")
        let changes = [
            change(origin, 1, .article(article)),
            change(origin, 2, .tag(annotation: ann, tag: "claim")),
            change(other, 1, .tag(annotation: ann, tag: "claim")),
            change(origin, 3, .untag(annotation: ann, tag: "claim", seen: seen(origin, 1...2))),
        ]
        let plan = RelayPlan(changes, knowledge: seen(other, 5...9), live: [:], line: { "\($0.id)" })
        #expect(plan.rows.map { $0.id } == [changes[0].id, changes[2].id, changes[3].id])
        #expect(plan.rows.map { $0.register } == [nil, "tag:claim", nil])
        #expect(plan.dropped.isEmpty && plan.conflicts == 0)
    }
}
