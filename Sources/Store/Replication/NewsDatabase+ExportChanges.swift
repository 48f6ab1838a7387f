import Foundation
import GRDB

/// What a replica says about itself at the head of the changes it sends.
public struct ChangeSetHeader: Sendable, Equatable {
    /// The sending replica.
    public var sender: Replica
    /// Everything the sender has received (its own changes included), so the receiver knows what it can skip
    /// sending back.
    public var knowledge: Knowledge
    /// The changes the set accounts for: each is in the set, or was overwritten by one that is (or that the receiver
    /// has). After applying the set, the receiver has all of them.
    public var covers: Knowledge
    /// The sender's schema version.
    public var schemaVersion: Int
    /// The newsdb version of the sender.
    public var newsdbVersion: String
    /// The names of the replicas the sender knows, by id, so that a change relayed from a teammate the receiver
    /// never heard from directly shows its author's name, not an id.
    public var names: [String: String]

    /// Creates a header.
    public init(
        sender: Replica, knowledge: Knowledge, covers: Knowledge, schemaVersion: Int, newsdbVersion: String,
        names: [String: String] = [:]
    ) {
        self.sender = sender
        self.knowledge = knowledge
        self.covers = covers
        self.schemaVersion = schemaVersion
        self.newsdbVersion = newsdbVersion
        self.names = names
    }
}

extension NewsDatabase {
    /// The schema version of the changes this newsdb exchanges: the latest migration that changed what a change
    /// carries (8, which put annotations on an article's headline or dek; 6 gave articles a language and direction;
    /// 3 made the change log). A migration that leaves changes alone (4: tokens and servers; 7: saved pages) does
    /// not raise it, so teammates a newsdb version apart still sync. A migration that changes what changes carry
    /// raises it to its own number (docs/MIGRATIONS.md).
    public static let changeSchemaVersion = 8

    /// Everything this replica has received, its own changes included.
    /// - Throws: `StoreError`.
    public func knowledge() throws -> Knowledge {
        try read("reading the change log") { db in try Self.knowledge(db) }
    }

    static func knowledge(_ db: Database) throws -> Knowledge {
        guard let replica = try Row.fetchOne(db, sql: "SELECT id, counter FROM replica WHERE singleton = 1") else {
            throw StoreError(.cannotOpen, "the database has no replica record; it was not created by newsdb")
        }
        var knowledge = Knowledge()
        let own: Int64 = replica["counter"]
        if own > 0 { knowledge.insert(1...own, for: replica["id"]) }
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT o.id AS origin_id, k.first, k.last FROM knowledge k JOIN origins o ON o.n = k.origin
                """)
        {
            knowledge.insert((row["first"] as Int64)...(row["last"] as Int64), for: row["origin_id"])
        }
        return knowledge
    }

    /// Reads, in one snapshot, the changes a teammate who has `known` lacks, and hands them to `change` one at a
    /// time: article versions first, then creations, then edits (each group by origin and counter, which for one
    /// origin is its clock order), then changes waiting
    /// here for what they need. The cost grows with the changes sent, not with the whole history.
    /// - Parameters:
    ///   - known: What the receiver is known to have (empty: everything is sent).
    ///   - newsdbVersion: This newsdb's version, for the header.
    ///   - header: Called first, with what the set says about its sender.
    ///   - change: Called for each change.
    /// - Returns: The number of changes handed over.
    /// - Throws: `StoreError`, or what the closures throw.
    @discardableResult
    public func exportChanges(
        excluding known: Knowledge, newsdbVersion: String, header: (ChangeSetHeader) throws -> Void,
        change: (Change) throws -> Void
    ) throws -> Int {
        try read("reading the change log") { db in
            let mine = try Self.knowledge(db)
            let covers = mine.subtracting(known)
            try header(
                ChangeSetHeader(
                    sender: try Self.fetchReplica(db), knowledge: mine, covers: covers,
                    schemaVersion: Self.changeSchemaVersion,
                    newsdbVersion: newsdbVersion, names: try Self.originNames(db)))
            return try withoutActuallyEscaping(change) { emit in
                let exporter = ChangeExporter(db: db, origins: try Self.origins(db), covers: covers, emit: emit)
                return try exporter.run()
            }
        }
    }

    /// Reads, in one snapshot, at most `limit` of the changes a teammate who has `known` lacks, in the order of
    /// ``exportChanges(excluding:newsdbVersion:header:change:)``. Sending pages one after the other, each computed
    /// from what the receiver has by then, sends every change once. The page's header covers its changes; the last
    /// page's also covers the changes that were overwritten here, which the receiver then has in effect.
    /// - Throws: `StoreError`.
    /// - Parameter byteBudget: Roughly how many bytes of text a page may hold; a page holds at least one change.
    public func exportPage(
        excluding known: Knowledge, limit: Int, newsdbVersion: String, byteBudget: Int = 8 << 20
    ) throws -> ChangePage {
        try read("reading the change log") { db in
            try Self.exportPage(
                excluding: known, limit: limit, newsdbVersion: newsdbVersion, byteBudget: byteBudget, db)
        }
    }

    /// The page of ``exportPage(excluding:limit:newsdbVersion:byteBudget:)``, read in `db`'s snapshot.
    static func exportPage(
        excluding known: Knowledge, limit: Int, newsdbVersion: String, byteBudget: Int, _ db: Database
    ) throws -> ChangePage {
        let mine = try Self.knowledge(db)
        let remaining = mine.subtracting(known)
        var changes: [Change] = []
        let full = try withoutActuallyEscaping({ (change: Change) in changes.append(change) }) { emit in
            let exporter = ChangeExporter(
                db: db, origins: try Self.origins(db), covers: remaining, limit: max(1, limit), byteBudget: byteBudget,
                emit: emit)
            _ = try exporter.run()
            return exporter.full
        }
        var covers = remaining
        if full {
            covers = Knowledge()
            for change in changes { covers.insert(change.id.counter...change.id.counter, for: change.id.origin) }
        }
        let header = ChangeSetHeader(
            sender: try Self.fetchReplica(db), knowledge: mine, covers: covers, schemaVersion: Self.changeSchemaVersion,
            newsdbVersion: newsdbVersion, names: try Self.originNames(db))
        return ChangePage(header: header, changes: changes, isLast: !full)
    }

    /// The names of the replicas this one knows by name (not those known only by their id's start).
    static func originNames(_ db: Database) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM origins WHERE name <> substr(id, 1, 8)") {
            names[row["id"]] = row["name"]
        }
        return names
    }

    private static func origins(_ db: Database) throws -> [Int64: String] {
        try Dictionary(
            Row.fetchAll(db, sql: "SELECT n, id FROM origins").map { ($0["n"] as Int64, $0["id"] as String) },
            uniquingKeysWith: { first, _ in first })
    }
}

extension NewsDatabase {
    /// The rows of `table` holding changes of one origin between two counters, by counter: a range of the table's
    /// index on (origin, counter), read from where the range starts, so a page costs what it holds, not what was
    /// sent before it (pages were sorted by clock, which read and sorted the whole remainder for every page).
    static func changeRangeQuery(table: String, columns: String) -> String {
        let clock = table == "pending_changes" ? "NULL AS hlc" : "hlc"
        return """
            SELECT counter, \(clock), \(columns) FROM \(table) WHERE origin = ? AND counter BETWEEN ? AND ?
            ORDER BY counter
            """
    }
}

/// Part of the changes a teammate lacks (``NewsDatabase/exportPage(excluding:limit:newsdbVersion:)``).
public struct ChangePage: Sendable {
    /// The sender, what it has, and what this page accounts for.
    public let header: ChangeSetHeader
    /// The changes, in the order to apply them.
    public let changes: [Change]
    /// Whether no change is left to send after this page.
    public let isLast: Bool

    /// Creates a page (a store other than a ``NewsDatabase`` makes its own: the team hub's).
    public init(header: ChangeSetHeader, changes: [Change], isLast: Bool) {
        self.header = header
        self.changes = changes
        self.isLast = isLast
    }
}

/// Reads the changes in `covers` from where they are kept (see migrations/0003_create_change_log.sql).
private final class ChangeExporter {
    let db: Database
    let origins: [Int64: String]
    let covers: Knowledge
    let emit: (Change) throws -> Void
    /// The most changes to hand over, and roughly the most bytes of text.
    let limit: Int
    let byteBudget: Int
    var count = 0
    private var bytes = 0
    /// Whether a change was left out because `limit` were handed over.
    private(set) var full = false
    private var texts: [String: ArticleTexts] = [:]

    init(
        db: Database, origins: [Int64: String], covers: Knowledge, limit: Int = .max, byteBudget: Int = .max,
        emit: @escaping (Change) throws -> Void
    ) {
        self.db = db
        self.origins = origins
        self.covers = covers
        self.limit = limit
        self.byteBudget = byteBudget
        self.emit = emit
    }

    /// Hands `change` over, unless `limit` changes (or `byteBudget` bytes of text) were; then notes that the export
    /// is `full`.
    private func emitUnlessFull(_ change: () throws -> Change) throws {
        guard count < limit, bytes < byteBudget else {
            full = true
            return
        }
        let made = try change()
        bytes += made.textBytes
        try emit(made)
        count += 1
    }

    func run() throws -> Int {
        try each(
            table: "articles",
            columns: "id, title, dek, byline, source, url, published_at, body, imported_at, language, direction"
        ) {
            row, id, clock in
            Change(id: id, clock: clock, at: row["imported_at"], body: .article(Self.version(row, id: row["id"])))
        }
        try each(
            table: "article_revisions",
            columns: "article_id, title, dek, byline, source, url, published_at, body, imported_at, language, direction"
        ) { row, id, clock in
            Change(
                id: id, clock: clock, at: row["imported_at"], body: .article(Self.version(row, id: row["article_id"])))
        }
        try each(
            table: "annotations",
            columns: """
                seq, id, article_id, revision, part, anchor_revision, anchor_state, exact, prefix, suffix, start, "end", note,
                color, motivation, author,
                created_at, modified_at, latest_hlc,
                EXISTS (SELECT 1 FROM changes c WHERE c.annotation_id = annotations.id AND c.field = 'note') AS note_replaced,
                (SELECT group_concat(t.tag, char(31)) FROM tag_adds t
                    WHERE t.annotation_id = annotations.id AND t.origin = annotations.origin AND t.counter = annotations.counter) AS tags
                """
        ) { row, id, clock in try creation(row, id: id, clock: clock) }
        try each(table: "changes", columns: "at, kind, annotation_id, field, value, seen") { row, id, clock in
            try Self.edit(row, id: id, clock: clock)
        }
        try each(table: "pending_changes", columns: "change") { row, id, _ in
            try PendingChange.decode(row["change"], origin: id.origin)
        }
        return count
    }

    /// Calls `make` for each row of `table` whose change is in `covers`, by origin and counter.
    private func each(
        table: String, columns: String, make: (Row, ChangeID, HLCTimestamp) throws -> Change
    ) throws {
        for (number, origin) in origins where !full {
            guard let ranges = covers.ranges[origin], let first = ranges.first?.lowerBound,
                let last = ranges.last?.upperBound
            else { continue }
            let rows = try Row.fetchCursor(
                db, sql: NewsDatabase.changeRangeQuery(table: table, columns: columns),
                arguments: [number, first, last])
            let waiting = table == "pending_changes"
            while let row = try rows.next() {
                let id = ChangeID(origin: origin, counter: row["counter"])
                guard covers.contains(id) else { continue }
                // A waiting change carries its clock inside it.
                let stamp = waiting ? HLCTimestamp(milliseconds: 0, counter: 0, replica: origin) : nil
                guard let clock = stamp ?? (row["hlc"] as String?).flatMap(HLCTimestamp.init(text:)) else {
                    throw StoreError(.database, "change \(id) in \(table) has no readable clock")
                }
                try emitUnlessFull { try make(row, id, clock) }
                if full { return }
            }
        }
    }

    private static func version(_ row: Row, id: String) -> ArticleVersion {
        ArticleVersion(
            id: id, title: row["title"], dek: row["dek"], byline: row["byline"], source: row["source"], url: row["url"],
            publishedAt: row["published_at"], language: row["language"], direction: row["direction"], body: row["body"])
    }

    private func creation(_ row: Row, id: ChangeID, clock: HLCTimestamp) throws -> Change {
        let articleID: String = row["article_id"]
        var article: ArticleTexts
        if let cached = texts[articleID] {
            article = cached
        } else {
            guard let loaded = try ArticleTexts(articleID: articleID, db) else {
                throw StoreError(.database, "annotation \(id) is on a missing article")
            }
            article = loaded
        }
        // An orphan made where its passage was not found says so; any other names the text it was made on.
        let madeAsOrphan =
            (row["anchor_state"] as String) == AnchorState.orphan.rawValue
            && (row["revision"] as Int) == (row["anchor_revision"] as Int)
        let part = try ArticlePart.stored(row["part"])
        let textHash =
            madeAsOrphan ? AnnotationCreation.noText : try article.hash(revision: row["revision"], part: part, db)
        texts[articleID] = article
        guard let color = AnnotationColor(rawValue: row["color"]),
            let motivation = Motivation(rawValue: row["motivation"])
        else {
            throw StoreError(.database, "annotation \(id) has an unknown color or motivation")
        }
        // A note that a later edit replaced is not sent: the edit is. The creation is the latest change only when
        // nothing followed it, and then its time is the modification time.
        let noteReplaced: Bool = row["note_replaced"]
        let createdAt: String = row["created_at"]
        let at: String = row["latest_hlc"] == clock.description ? row["modified_at"] : createdAt
        let tags = (row["tags"] as String?).map { $0.split(separator: "\u{1F}").map(String.init).sorted() } ?? []
        return Change(
            id: id, clock: clock, at: at,
            body: .create(
                AnnotationCreation(
                    id: row["id"], articleID: articleID, part: part, textHash: textHash,
                    selector: TextSelector(
                        exact: row["exact"], prefix: row["prefix"], suffix: row["suffix"], start: row["start"],
                        end: row["end"]),
                    note: noteReplaced ? nil : row["note"], color: color, motivation: motivation, author: row["author"],
                    tags: tags, createdAt: createdAt)))
    }

    private static func edit(_ row: Row, id: ChangeID, clock: HLCTimestamp) throws -> Change {
        let annotation: String = row["annotation_id"]
        let field: String = row["field"]
        let value: String? = row["value"]
        let body: Change.Body
        switch try row.changeKind(change: id.description) {
        case .set:
            guard let name = AnnotationField(rawValue: field) else {
                throw StoreError(.database, "change \(id) sets an unknown field \(field)")
            }
            let replaces = try Knowledge(json: row["seen"] ?? "{}")
            switch name {
            case .note: body = .set(annotation: annotation, value: .note(value), seen: replaces)
            case .color:
                guard let color = value.flatMap(AnnotationColor.init(rawValue:)) else {
                    throw StoreError(.database, "change \(id) has an unknown color")
                }
                body = .set(annotation: annotation, value: .color(color), seen: replaces)
            case .motivation:
                guard let motivation = value.flatMap(Motivation.init(rawValue:)) else {
                    throw StoreError(.database, "change \(id) has an unknown motivation")
                }
                body = .set(annotation: annotation, value: .motivation(motivation), seen: replaces)
            case .selector:
                let stored = try StoredSelector(json: value ?? "")
                body = .set(
                    annotation: annotation, value: .selector(stored.selector, textHash: stored.text), seen: replaces)
            case .deleted:
                throw StoreError(.database, "change \(id) sets the deleted field directly")
            }
        case .tag: body = .tag(annotation: annotation, tag: String(field.dropFirst(4)))
        case .untag:
            body = .untag(
                annotation: annotation, tag: String(field.dropFirst(4)), seen: try Knowledge(json: row["seen"] ?? "{}"))
        case .delete: body = .delete(annotation: annotation, seen: try Knowledge(json: row["seen"] ?? "{}"))
        case .restore: body = .restore(annotation: annotation, seen: try Knowledge(json: row["seen"] ?? "{}"))
        }
        return Change(id: id, clock: clock, at: row["at"], body: body)
    }
}

/// A change waiting for what it needs, stored alone in the change file's line format.
enum PendingChange {
    static func encode(_ change: Change) throws -> String {
        var codec = ChangeCodec(origins: [change.id.origin], definesTexts: false)
        let lines = try codec.encode(change)
        return "{\"origins\":[" + codec.origins.map(JSONText.quoted).joined(separator: ",") + "],\"change\":"
            + (lines.last ?? "[]") + "}"
    }

    static func decode(_ text: String, origin: String) throws -> Change {
        var text = text
        do {
            return try text.withUTF8 { bytes in
                var json = JSONByteReader(bytes)
                var origins: [String]?
                var line: Range<Int>?
                try json.expect(UInt8(ascii: "{"))
                if !json.consume(UInt8(ascii: "}")) {
                    repeat {
                        let key = try json.string()
                        try json.expect(UInt8(ascii: ":"))
                        switch key {
                        case "origins": origins = try json.strings()
                        case "change":
                            // Read once the origins it refers to are known, whatever the order of the keys.
                            let start = json.position
                            try json.skipValue()
                            line = start..<json.position
                        default: try json.skipValue()
                        }
                    } while json.consume(UInt8(ascii: ","))
                    try json.expect(UInt8(ascii: "}"))
                }
                try json.expectEnd()
                guard let origins, let line else { throw StoreError(.database, "it lacks its origins or its change") }
                var codec = ChangeCodec(origins: origins, definesTexts: false)
                guard let change = try codec.decode(line: UnsafeBufferPointer(rebasing: bytes[line])) else {
                    throw StoreError(.database, "it is a text definition, not a change")
                }
                return change
            }
        } catch let error as StoreError {
            throw StoreError(.database, "a waiting change from \(origin.prefix(8)) is unreadable: \(error.message)")
        }
    }
}

extension Change {
    /// The change alone, in the change file's line format with its origin named (as waiting changes are kept): what a
    /// store that keeps changes as text (the team hub) stores, read back by ``init(storedLine:)`` byte for byte.
    /// - Throws: `StoreError` `.invalidInput` for a change the format cannot carry.
    public func storedLine() throws -> String { try PendingChange.encode(self) }

    /// Reads a change ``storedLine()`` wrote.
    /// - Throws: `StoreError` `.database` when the text is not such a line.
    public init(storedLine: String, origin: String) throws {
        self = try PendingChange.decode(storedLine, origin: origin)
    }

    /// Roughly how many bytes the change takes in a change file: its texts, and a little for the rest.
    public var textBytes: Int {
        switch body {
        case .article(let version):
            return 200 + version.title.utf8.count + version.body.utf8.count + (version.dek?.utf8.count ?? 0)
                + (version.byline?.utf8.count ?? 0) + (version.url?.utf8.count ?? 0)
        case .create(let creation):
            return 200 + creation.selector.exact.utf8.count + creation.selector.prefix.utf8.count
                + creation.selector.suffix.utf8.count + (creation.note?.utf8.count ?? 0)
        case .set(_, .note(let note), _):
            return 100 + (note?.utf8.count ?? 0)
        case .set(_, .selector(let selector, _), _):
            return 200 + selector.exact.utf8.count + selector.prefix.utf8.count + selector.suffix.utf8.count
        default:
            return 100
        }
    }
}
