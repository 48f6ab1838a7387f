import Foundation
import GRDB

/// A field of an annotation that teammates changed without seeing each other's change, or a deletion made without
/// seeing an edit. The winner is in effect; the others are kept until someone resolves the conflict.
public struct Conflict: Sendable, Equatable, Codable {
    /// `ANNOTATION-PREFIX/FIELD`, what `newsdb resolve` takes.
    public let id: String
    /// The annotation.
    public let annotationID: String
    /// Its article.
    public let articleID: String
    /// Its quote.
    public let quote: String
    /// `note`, `color`, `motivation`, `selector`, or `deleted` (a deletion against edits it did not see).
    public let field: AnnotationField
    /// The value in effect.
    public let winner: ConflictValue
    /// The values that lost.
    public let others: [ConflictValue]
}

/// One value in a conflict: what it is, who wrote it, and when.
public struct ConflictValue: Sendable, Equatable, Codable {
    /// The change that wrote it (`ORIGIN:COUNTER`).
    public let change: String
    /// The value as a person reads it (a note's text, a color, `deleted`, or for an edit a deletion did not see,
    /// `note: TEXT`); nil for no note.
    public let value: String?
    /// The name of the replica that wrote it.
    public let author: String
    /// When (ISO 8601, UTC).
    public let at: String
}

/// How to settle a conflict.
public enum Resolution: Sendable, Equatable {
    /// Keep the value in effect.
    case winner
    /// Keep the other value (there must be one other).
    case other
    /// A new note, for a conflict on the note.
    case note(String)
}

extension NewsDatabase {
    /// Every conflict, by annotation and field.
    /// - Throws: `StoreError`.
    public func conflicts() throws -> [Conflict] {
        try read("listing conflicts") { db in try Self.conflicts(annotation: nil, db) }
    }

    /// Checks that `reference` can name a conflict (`ANNOTATION/FIELD`, or an annotation id or prefix) without
    /// opening a database, so a command can refuse it before touching any file.
    /// - Throws: `StoreError` `.invalidInput` or `.notFound` saying what is wrong.
    public static func checkConflictReference(_ reference: String) throws {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        try checkAnnotationReference(parts.first ?? "")
        if parts.count > 1 { _ = try conflictField(parts[1]) }
    }

    /// Settles a conflict with a change that overwrites every value in it; the change syncs like any other.
    /// - Parameters:
    ///   - reference: `ANNOTATION/FIELD` as `conflicts()` lists it, or an annotation id (or prefix) with one conflict.
    ///   - resolution: Which value to keep, or a new note.
    /// - Returns: The annotation as it now is.
    /// - Throws: `StoreError` `.notFound` when there is no such conflict, `.ambiguous` when the annotation has
    ///   several and no field was given, `.invalidInput` when the resolution does not fit the conflict.
    @discardableResult
    public func resolve(_ reference: String, _ resolution: Resolution) throws -> Annotation {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        let field = try parts.count > 1 ? Self.conflictField(parts[1]) : nil
        let now = Timestamp.string(clock())
        return try write("resolving a conflict", at: now) { db, local in
            let annotation = try Self.resolveAnnotationID(parts.first ?? "", db)
            let found = try Self.conflicts(annotation: annotation, db).filter { field == nil || $0.field == field }
            guard let conflict = found.first else {
                throw StoreError(.notFound, "annotation \(annotation.prefix(8)) has no conflict\(field.map { " on its \($0.rawValue)" } ?? ""); run `newsdb conflicts`")
            }
            guard found.count == 1 else {
                throw StoreError(.ambiguous, "annotation \(annotation.prefix(8)) has conflicts on \(found.map(\.field.rawValue).joined(separator: ", ")); name one, as in \(found[0].id)")
            }
            try Self.settle(conflict, resolution, &local)
            return try Self.fetchAnnotation(id: annotation, db)
        }
    }

    private static func settle(_ conflict: Conflict, _ resolution: Resolution, _ local: inout LocalChanges) throws {
        let annotation = conflict.annotationID
        let chosen: ConflictValue
        switch resolution {
        case .winner: chosen = conflict.winner
        case .other:
            guard conflict.others.count == 1 else {
                throw StoreError(.invalidInput, "\(conflict.id) has \(conflict.others.count) other values; keep the winner, or edit the annotation and then keep the winner")
            }
            chosen = conflict.others[0]
        case .note(let text):
            guard conflict.field == .note else {
                throw StoreError(.invalidInput, "--note settles a conflict on a note; \(conflict.id) is on its \(conflict.field.rawValue)")
            }
            try local.record(.set(annotation: annotation, value: .note(cleanNote(text)), seen: local.seen))
            return
        }
        if conflict.field == .deleted {
            if chosen == conflict.winner && conflict.winner.value == "deleted" {
                try local.record(.delete(annotation: annotation, seen: local.seen))
            } else {
                try local.record(.restore(annotation: annotation, seen: local.seen))
            }
            return
        }
        guard let row = try Row.fetchOne(
            local.db, sql: """
                SELECT c.value FROM changes c JOIN origins o ON o.n = c.origin WHERE o.id || ':' || c.counter = ?
                """,
            arguments: [chosen.change])
        else { throw StoreError(.notFound, "the value \(chosen.change) is no longer in \(conflict.id)") }
        let value = try fieldValue(conflict.field, row["value"])
        try local.record(.set(annotation: annotation, value: value, seen: local.seen))
    }

    private static func conflictField(_ text: String) throws -> AnnotationField {
        guard let field = AnnotationField(rawValue: text) else {
            throw StoreError(.invalidInput, "'\(text)' is not a field; conflicts are on note, color, motivation, selector or deleted")
        }
        return field
    }

    static func fieldValue(_ field: AnnotationField, _ stored: String?) throws -> FieldValue {
        switch field {
        case .note: return .note(stored)
        case .color:
            guard let color = stored.flatMap(AnnotationColor.init(rawValue:)) else { throw StoreError(.database, "a stored color is unknown") }
            return .color(color)
        case .motivation:
            guard let motivation = stored.flatMap(Motivation.init(rawValue:)) else {
                throw StoreError(.database, "a stored motivation is unknown")
            }
            return .motivation(motivation)
        case .selector:
            let selector = try StoredSelector(json: stored ?? "")
            return .selector(selector.selector, textHash: selector.text)
        case .deleted: throw StoreError(.database, "the deleted field has no stored value")
        }
    }

    /// The conflicts of one annotation, or of all.
    static func conflicts(annotation: String?, _ db: Database) throws -> [Conflict] {
        // One annotation: its rows. All: the rows of annotations with a field of several values or a deletion.
        let candidates = annotation == nil
            ? """
                c.annotation_id IN (
                    SELECT annotation_id FROM changes WHERE kind IN ('set', 'delete', 'restore')
                    GROUP BY annotation_id, field HAVING count(*) > 1
                    UNION SELECT annotation_id FROM changes WHERE kind = 'delete')
                """
            : "c.annotation_id = ?"
        let arguments: StatementArguments = annotation.map { [$0] } ?? []
        // Prepared once per connection: an import looks at every annotation it may have put in conflict.
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT c.annotation_id, c.field, c.kind, c.value, c.hlc, c.at, c.seen, c.counter, o.id AS origin_id,
                    o.name, a.article_id, a.exact, a.deleted_at
                FROM changes c JOIN origins o ON o.n = c.origin JOIN annotations a ON a.id = c.annotation_id
                WHERE c.kind IN ('set', 'tag', 'delete', 'restore') AND \(candidates)
                ORDER BY c.annotation_id, c.field, c.hlc DESC
                """),
            arguments: arguments)
        var conflicts: [Conflict] = []
        var index = 0
        while index < rows.count {
            let annotationID: String = rows[index]["annotation_id"]
            var end = index
            while end < rows.count, rows[end]["annotation_id"] == annotationID { end += 1 }
            conflicts += try Self.conflicts(of: Array(rows[index..<end]))
            index = end
        }
        return conflicts
    }

    /// The conflicts among the change rows of one annotation (sorted by field, latest first).
    private static func conflicts(of rows: [Row]) throws -> [Conflict] {
        guard let first = rows.first else { return [] }
        let annotationID: String = first["annotation_id"]
        func value(_ row: Row) -> ConflictValue {
            let kind: String = row["kind"]
            let field: String = row["field"]
            let shown: String? = switch kind {
            case "delete": "deleted"
            case "restore": "restored"
            case "tag": "tag added: \(field.dropFirst(4))"
            default: row["value"]
            }
            return ConflictValue(
                change: "\(row["origin_id"] as String):\(row["counter"] as Int64)", value: shown, author: row["name"],
                at: row["at"])
        }
        func conflict(_ field: AnnotationField, _ winner: ConflictValue, _ others: [ConflictValue]) -> Conflict {
            Conflict(
                id: "\(annotationID.prefix(8))/\(field.rawValue)", annotationID: annotationID, articleID: first["article_id"],
                quote: first["exact"], field: field, winner: winner, others: others)
        }
        var result: [Conflict] = []
        let byField = Dictionary(grouping: rows, by: { $0["field"] as String })
        for field in [AnnotationField.note, .color, .motivation, .selector] {
            guard let values = byField[field.rawValue], values.count > 1 else { continue }
            let winner = value(values[0])
            let others = values.dropFirst().map(value).filter { $0.value != winner.value }
            if !others.isEmpty { result.append(conflict(field, winner, others)) }
        }
        // A deletion in effect that did not see an edit (or a restoration) keeps that edit as a conflict.
        if let deletions = byField["deleted"], let latest = deletions.first, (latest["kind"] as String) == "delete" {
            let saw = try Knowledge(json: latest["seen"] ?? "{}")
            let unseen = rows.filter { row in
                let kind: String = row["kind"]
                guard kind == "set" || kind == "tag" else { return kind == "restore" }
                return !saw.contains(ChangeID(origin: row["origin_id"], counter: row["counter"]))
            }
            let others = unseen.map { row -> ConflictValue in
                let shown = value(row)
                guard (row["kind"] as String) == "set" else { return shown }
                return ConflictValue(
                    change: shown.change, value: "\(row["field"] as String): \(shown.value ?? "(none)")",
                    author: shown.author, at: shown.at)
            }
            if !others.isEmpty { result.append(conflict(.deleted, value(latest), others)) }
        }
        return result
    }
}
