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
    /// Keep the other value: the one other, or for a deletion, the edits it did not see (restoring the annotation).
    case other
    /// Keep the value numbered so, as `newsdb conflicts` lists them: 1 the winner, 2 and on the others in order.
    case number(Int)
    /// Keep the value written by the replica of this name, or by the change of this id (`ORIGIN:COUNTER`, or a prefix).
    case value(String)
    /// A new note, for a conflict on the note.
    case note(String)

    /// What `newsdb resolve --keep` takes: `winner`, `other`, a value's number, or its author's name or change id.
    public init(keep: String) {
        switch keep {
        case "winner": self = .winner
        case "other": self = .other
        default:
            if let number = Int(keep) { self = .number(number) } else { self = .value(keep) }
        }
    }
}

extension Conflict {
    /// Every value, numbered from 1 as `newsdb conflicts` lists them: the winner, then the others.
    public var values: [ConflictValue] { [winner] + others }
}

extension NewsDatabase {
    /// Every conflict, by annotation and field.
    /// - Throws: `StoreError`.
    public func conflicts() throws -> [Conflict] {
        try read("listing conflicts") { db in try Self.conflicts(annotation: nil, db) }
    }

    /// The conflicts on one annotation (a full id), by field.
    /// - Throws: `StoreError`.
    public func conflicts(onAnnotation id: String) throws -> [Conflict] {
        try read("listing conflicts") { db in try Self.conflicts(annotation: id, db) }
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
    ///   - resolution: Which value to keep (any of the conflict's values can be), or a new note.
    /// - Returns: The annotation as it now is.
    /// - Throws: `StoreError` `.notFound` when there is no such conflict, `.ambiguous` when the annotation has
    ///   several and no field was given or when an author names values that differ, `.invalidInput` when the
    ///   resolution does not fit the conflict (`.other` among several values, a number or name that is none of them).
    @discardableResult
    public func resolve(_ reference: String, _ resolution: Resolution) throws -> Annotation {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        let field = try parts.count > 1 ? Self.conflictField(parts[1]) : nil
        let now = Timestamp.string(clock())
        return try write("resolving a conflict", at: now) { db, local in
            let annotation = try Self.resolveAnnotationID(parts.first ?? "", db)
            let found = try Self.conflicts(annotation: annotation, db).filter { field == nil || $0.field == field }
            guard let conflict = found.first else {
                throw StoreError(
                    .notFound,
                    "annotation \(annotation.prefix(8)) has no conflict\(field.map { " on its \($0.rawValue)" } ?? ""); run `newsdb conflicts`"
                )
            }
            guard found.count == 1 else {
                throw StoreError(
                    .ambiguous,
                    "annotation \(annotation.prefix(8)) has conflicts on \(found.map(\.field.rawValue).joined(separator: ", ")); name one, as in \(found[0].id)"
                )
            }
            try Self.settle(conflict, resolution, &local)
            return try Self.fetchAnnotation(id: annotation, db)
        }
    }

    private static func settle(_ conflict: Conflict, _ resolution: Resolution, _ local: inout LocalChanges) throws {
        let annotation = conflict.annotationID
        if case .note(let text) = resolution {
            guard conflict.field == .note else {
                throw StoreError(
                    .invalidInput,
                    "--note settles a conflict on a note; \(conflict.id) is on its \(conflict.field.rawValue)")
            }
            try local.record(.set(annotation: annotation, value: .note(try cleanNote(text)), seen: local.seen))
            return
        }
        let chosen = try choice(resolution, in: conflict)
        if conflict.field == .deleted {
            // Every value but the deletion is an edit it did not see, already applied to the deleted annotation:
            // keeping any of them restores the annotation with all of them.
            if chosen == conflict.winner {
                try local.record(.delete(annotation: annotation, seen: local.seen))
            } else {
                try local.record(.restore(annotation: annotation, seen: local.seen))
            }
            return
        }
        guard
            let row = try Row.fetchOne(
                local.db,
                sql: """
                    SELECT c.value FROM changes c JOIN origins o ON o.n = c.origin WHERE o.id || ':' || c.counter = ?
                    """,
                arguments: [chosen.change])
        else { throw StoreError(.notFound, "the value \(chosen.change) is no longer in \(conflict.id)") }
        let value = try fieldValue(conflict.field, row["value"])
        try local.record(.set(annotation: annotation, value: value, seen: local.seen))
    }

    /// The value `resolution` picks in `conflict`; for a deletion, any edit stands for all of them.
    private static func choice(_ resolution: Resolution, in conflict: Conflict) throws -> ConflictValue {
        let values = conflict.values
        let numbers = "--keep " + (1...values.count).map(String.init).joined(separator: ", ")
        switch resolution {
        case .winner: return conflict.winner
        case .other:
            guard conflict.others.count == 1 || conflict.field == .deleted else {
                throw StoreError(
                    .invalidInput,
                    "\(conflict.id) has \(conflict.others.count) other values; pick one by its number in `newsdb conflicts` (\(numbers))"
                )
            }
            return conflict.others[0]
        case .number(let number):
            guard values.indices.contains(number - 1) else {
                throw StoreError(
                    .invalidInput, "\(conflict.id) has no value \(number); its values are numbered \(numbers)")
            }
            return values[number - 1]
        case .value(let key):
            let matches = values.enumerated().filter { $0.element.author == key || $0.element.change.hasPrefix(key) }
            guard let first = matches.first else {
                throw StoreError(
                    .invalidInput,
                    "no value in \(conflict.id) is by '\(key)' or from the change '\(key)'; keep winner, other, or one of \(numbers)"
                )
            }
            let same =
                matches.allSatisfy { $0.element.value == first.element.value }
                || (conflict.field == .deleted && !matches.contains { $0.element == conflict.winner })
            guard same else {
                let listed = matches.map { String($0.offset + 1) }.joined(separator: ", ")
                throw StoreError(
                    .ambiguous,
                    "'\(key)' matches values \(listed) of \(conflict.id); pick one by its number (--keep \(matches[0].offset + 1))"
                )
            }
            return first.element
        case .note: throw StoreError(.invalidInput, "a new note is not one of the values of \(conflict.id)")
        }
    }

    private static func conflictField(_ text: String) throws -> AnnotationField {
        guard let field = AnnotationField(rawValue: text) else {
            throw StoreError(
                .invalidInput, "'\(text)' is not a field; conflicts are on note, color, motivation, selector or deleted"
            )
        }
        return field
    }

    static func fieldValue(_ field: AnnotationField, _ stored: String?) throws -> FieldValue {
        switch field {
        case .note: return .note(stored)
        case .color:
            guard let color = stored.flatMap(AnnotationColor.init(rawValue:)) else {
                throw StoreError(.database, "a stored color is unknown")
            }
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

    /// The kinds of the changes that are values of a register, as an SQL list.
    private static let registerKinds = [ChangeKind.set, .delete, .restore].map(\.sqlLiteral).joined(separator: ", ")
    /// The kinds of the changes a conflict can show, as an SQL list.
    private static let conflictKinds = [ChangeKind.set, .tag, .delete, .restore].map(\.sqlLiteral).joined(
        separator: ", ")

    /// The conflicts of one annotation, or of all.
    static func conflicts(annotation: String?, _ db: Database) throws -> [Conflict] {
        // One annotation: its rows. All: the rows of annotations with a field of several values or a deletion.
        let candidates =
            annotation == nil
            ? """
            c.annotation_id IN (
                SELECT annotation_id FROM changes WHERE kind IN (\(registerKinds))
                GROUP BY annotation_id, field HAVING count(*) > 1
                UNION SELECT annotation_id FROM changes WHERE kind = \(ChangeKind.delete.sqlLiteral))
            """
            : "c.annotation_id = ?"
        let arguments: StatementArguments = annotation.map { [$0] } ?? []
        // Prepared once per connection: an import looks at every annotation it may have put in conflict.
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT c.annotation_id, c.field, c.kind, c.value, c.hlc, c.at, c.seen, c.counter, o.id AS origin_id,
                        o.name, a.article_id, a.exact, a.deleted_at
                    FROM changes c JOIN origins o ON o.n = c.origin JOIN annotations a ON a.id = c.annotation_id
                    WHERE c.kind IN (\(conflictKinds)) AND \(candidates)
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
        func change(_ row: Row) -> String { "\(row["origin_id"] as String):\(row["counter"] as Int64)" }
        func kind(_ row: Row) throws -> ChangeKind { try row.changeKind(change: change(row)) }
        func value(_ row: Row) throws -> ConflictValue {
            let field: String = row["field"]
            let shown: String? =
                switch try kind(row) {
                case .delete: "deleted"
                case .restore: "restored"
                case .tag: "tag added: \(field.dropFirst(4))"
                case .set, .untag: row["value"]
                }
            return ConflictValue(change: change(row), value: shown, author: row["name"], at: row["at"])
        }
        func conflict(_ field: AnnotationField, _ winner: ConflictValue, _ others: [ConflictValue]) -> Conflict {
            Conflict(
                id: "\(annotationID.prefix(8))/\(field.rawValue)", annotationID: annotationID,
                articleID: first["article_id"],
                quote: first["exact"], field: field, winner: winner, others: others)
        }
        var result: [Conflict] = []
        let byField = Dictionary(grouping: rows, by: { $0["field"] as String })
        for field in [AnnotationField.note, .color, .motivation, .selector] {
            guard let values = byField[field.rawValue], values.count > 1 else { continue }
            let winner = try value(values[0])
            let others = try values.dropFirst().map(value).filter { $0.value != winner.value }
            if !others.isEmpty { result.append(conflict(field, winner, others)) }
        }
        // A deletion in effect that did not see an edit (or a restoration) keeps that edit as a conflict.
        if let deletions = byField["deleted"], let latest = deletions.first, try kind(latest) == .delete {
            let saw = try Knowledge(json: latest["seen"] ?? "{}")
            let unseen = try rows.filter { row in
                let rowKind = try kind(row)
                guard rowKind == .set || rowKind == .tag else { return rowKind == .restore }
                return !saw.contains(ChangeID(origin: row["origin_id"], counter: row["counter"]))
            }
            let others = try unseen.map { row -> ConflictValue in
                let shown = try value(row)
                guard try kind(row) == .set else { return shown }
                return ConflictValue(
                    change: shown.change, value: "\(row["field"] as String): \(shown.value ?? "(none)")",
                    author: shown.author, at: shown.at)
            }
            if !others.isEmpty { result.append(conflict(.deleted, try value(latest), others)) }
        }
        return result
    }
}
