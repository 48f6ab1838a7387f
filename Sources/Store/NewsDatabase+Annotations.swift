import Foundation
import GRDB

/// Changes to an annotation, as `newsdb annotations edit` asks for them; nil leaves a field as it is.
public struct AnnotationChanges: Sendable, Equatable {
    /// The new note; an empty string removes the note.
    public var note: String?
    /// Tags to add.
    public var addTags: [String]
    /// Tags to remove.
    public var removeTags: [String]
    /// The new color.
    public var color: AnnotationColor?
    /// The new motivation.
    public var motivation: Motivation?

    /// Creates a set of changes.
    public init(
        note: String? = nil, addTags: [String] = [], removeTags: [String] = [], color: AnnotationColor? = nil,
        motivation: Motivation? = nil
    ) {
        self.note = note
        self.addTags = addTags
        self.removeTags = removeTags
        self.color = color
        self.motivation = motivation
    }

    /// Whether these changes change anything at all.
    public var isEmpty: Bool {
        note == nil && addTags.isEmpty && removeTags.isEmpty && color == nil && motivation == nil
    }
}

/// Which annotations to list.
public struct AnnotationFilter: Sendable, Equatable {
    /// Only those on this article (an id or unique prefix).
    public var article: String?
    /// Only those with this tag.
    public var tag: String?
    /// Only orphans.
    public var orphansOnly: Bool
    /// Deleted ones too.
    public var includeDeleted: Bool

    /// Creates a filter; the default lists every live annotation.
    public init(article: String? = nil, tag: String? = nil, orphansOnly: Bool = false, includeDeleted: Bool = false) {
        self.article = article
        self.tag = tag
        self.orphansOnly = orphansOnly
        self.includeDeleted = includeDeleted
    }
}

extension NewsDatabase {
    /// Annotates a passage of an article, in one transaction.
    /// - Parameter draft: The article, the quote and what to attach.
    /// - Returns: The new annotation.
    /// - Throws: `StoreError`: `.notFound` for an unknown article or a quote that does not occur (showing the closest
    ///   passage), `.ambiguous` for a quote that occurs more than once without `occurrence`, `.invalidInput` for a
    ///   bad tag or id.
    public func annotate(_ draft: AnnotationDraft) throws -> Annotation {
        let tags = try Set(draft.tags.map(Tag.normalized)).sorted()
        let id = try draft.id.map(Self.checkedAnnotationID) ?? randomUUIDString()
        let note = try Self.cleanNote(draft.note)
        let now = Timestamp.string(clock())
        return try write("annotating", at: now) { db, local in
            let articleID = try Self.resolveArticleID(draft.article, db)
            guard
                let article = try Row.fetchOne(
                    db, sql: "SELECT body, title, dek FROM articles WHERE id = ?", arguments: [articleID])
            else { throw StoreError(.notFound, "no article matches '\(draft.article)'; run `newsdb list`") }
            let partText = draft.part.text(article)
            if draft.part == .dek && TextScanning.trimmed(partText).isEmpty {
                throw StoreError(
                    .invalidInput, "article \(articleID.prefix(8)) has no dek; annotate its headline or its body")
            }
            let text = AnchoringText(partText)
            let headings: [(name: String, text: String?)] =
                draft.part == .body ? [("title", article["title"]), ("dek", article["dek"])] : []
            let range =
                try draft.position?.range(of: draft.quote, in: text, articleID: articleID, part: draft.part)
                ?? QuoteLocator.locate(
                    draft.quote, occurrence: draft.occurrence, in: text, articleID: articleID, part: draft.part,
                    headings: headings)
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM annotations WHERE id = ?)", arguments: [id])
                == true
            {
                throw StoreError(.invalidInput, "an annotation with id \(id) already exists")
            }
            let author = try Self.fetchReplica(db).name
            try local.record(
                .create(
                    AnnotationCreation(
                        id: id, articleID: articleID, part: draft.part, textHash: sha256Hex(partText),
                        selector: TextSelector.make(range, in: text),
                        note: note, color: draft.color,
                        motivation: draft.motivation ?? .implied(note: note, tags: tags),
                        author: author, tags: tags, createdAt: now)))
            return try Self.fetchAnnotation(id: id, db)
        }
    }

    /// Annotations, by article and position (orphans after the anchored ones), then by creation.
    /// - Throws: `StoreError` (`.notFound`/`.ambiguous` for the article in the filter).
    public func annotations(_ filter: AnnotationFilter = AnnotationFilter()) throws -> [Annotation] {
        let tag = try filter.tag.map(Tag.normalized)
        return try read("listing annotations") { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let article = filter.article {
                conditions.append("a.article_id = ?")
                _ = arguments.append(contentsOf: [try Self.resolveArticleID(article, db)])
            }
            if let tag {
                conditions.append("EXISTS (SELECT 1 FROM annotation_tags t WHERE t.annotation_id = a.id AND t.tag = ?)")
                _ = arguments.append(contentsOf: [tag])
            }
            if filter.orphansOnly { conditions.append("a.anchor_state = 'orphan'") }
            if !filter.includeDeleted { conditions.append("a.deleted_at IS NULL") }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Self.fetchAnnotations(
                db,
                sql: """
                    SELECT \(Self.annotationSelection) FROM annotations a \(whereClause)
                    ORDER BY a.article_id, a.anchor_start IS NULL, \(Self.partOrder), a.anchor_start, a.created_at, a.id
                    """,
                arguments: arguments)
        }
    }

    /// The annotation whose id is `idOrPrefix` or starts with it (deleted ones included).
    /// - Throws: `StoreError` `.notFound`, `.ambiguous` or `.invalidInput`.
    public func annotation(_ idOrPrefix: String) throws -> Annotation {
        try read("reading an annotation") { db in
            try Self.fetchAnnotation(id: Self.resolveAnnotationID(idOrPrefix, db), db)
        }
    }

    /// Changes the note, tags, color or motivation of an annotation, in one transaction.
    /// - Returns: The annotation as changed.
    /// - Throws: `StoreError`: `.notFound`/`.ambiguous` for the id, `.invalidInput` for a deleted annotation, a bad
    ///   tag, or no change at all.
    @discardableResult
    public func editAnnotation(_ idOrPrefix: String, _ changes: AnnotationChanges) throws -> Annotation {
        guard !changes.isEmpty else {
            throw StoreError(.invalidInput, "nothing to change: give --note, --add-tag, --remove-tag or --color")
        }
        let add = try changes.addTags.map(Tag.normalized)
        let remove = try changes.removeTags.map(Tag.normalized)
        let now = Timestamp.string(clock())
        return try write("editing an annotation", at: now) { db, local in
            let id = try Self.resolveAnnotationID(idOrPrefix, db)
            try Self.applyChanges(id: id, changes, add: add, remove: remove, &local)
            return try Self.fetchAnnotation(id: id, db)
        }
    }

    /// Deletes annotations, keeping tombstones, all in one transaction: if any id is unknown, ambiguous or already
    /// deleted, nothing is deleted.
    /// - Returns: The deleted annotations.
    /// - Throws: `StoreError` naming the first id that cannot be deleted.
    @discardableResult
    public func deleteAnnotations(_ idsOrPrefixes: [String]) throws -> [Annotation] {
        guard !idsOrPrefixes.isEmpty else { throw StoreError(.invalidInput, "give at least one annotation id") }
        let now = Timestamp.string(clock())
        return try write("deleting annotations", at: now) { db, local in
            var ids: [String] = []
            for reference in idsOrPrefixes {
                let id = try Self.resolveAnnotationID(reference, db)
                if try String.fetchOne(db, sql: "SELECT deleted_at FROM annotations WHERE id = ?", arguments: [id])
                    != nil
                {
                    throw StoreError(.invalidInput, "annotation \(id.prefix(8)) is already deleted")
                }
                if !ids.contains(id) { ids.append(id) }
            }
            for id in ids {
                try local.record(.delete(annotation: id, seen: local.seen))
            }
            return try ids.map { try Self.fetchAnnotation(id: $0, db) }
        }
    }

    /// Brings back a deleted annotation (the undo of a delete), as a new recorded change, in one transaction.
    /// - Returns: The annotation as restored.
    /// - Throws: `StoreError`: `.notFound`/`.ambiguous` for the id, `.invalidInput` when it is not deleted.
    @discardableResult
    public func restoreAnnotation(_ idOrPrefix: String) throws -> Annotation {
        let now = Timestamp.string(clock())
        return try write("restoring an annotation", at: now) { db, local in
            let id = try Self.resolveAnnotationID(idOrPrefix, db)
            guard
                try String.fetchOne(db, sql: "SELECT deleted_at FROM annotations WHERE id = ?", arguments: [id]) != nil
            else { throw StoreError(.invalidInput, "annotation \(id.prefix(8)) is not deleted") }
            try local.record(.restore(annotation: id, seen: local.seen))
            return try Self.fetchAnnotation(id: id, db)
        }
    }

    // MARK: - Shared by the annotation features

    /// Sorts annotations' parts in document order (headline, dek, body) in an `ORDER BY` on `annotations a`.
    static let partOrder = "CASE a.part WHEN 'title' THEN 0 WHEN 'dek' THEN 1 ELSE 2 END"

    static let annotationSelection = """
        a.id, a.article_id, a.revision, a.part, a.exact, a.prefix, a.suffix, a.start, a."end", a.anchor_revision,
        a.anchor_start, a.anchor_end, a.anchor_state, a.note, a.color, a.motivation, a.author, a.created_at,
        a.modified_at, a.deleted_at,
        (SELECT group_concat(t.tag, char(31)) FROM annotation_tags t WHERE t.annotation_id = a.id) AS tags
        """

    static func fetchAnnotations(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Annotation]
    {
        // Through a cursor: each row is read in place, where fetchAll would copy every row first.
        try Array(
            Row.fetchCursor(db, sql: sql, arguments: arguments).map { row in
                let tags =
                    (row["tags"] as String?).map { $0.split(separator: "\u{1F}").map(String.init).sorted() } ?? []
                return try Annotation(row: row, tags: tags)
            })
    }

    static func fetchAnnotation(id: String, _ db: Database) throws -> Annotation {
        guard
            let annotation = try fetchAnnotations(
                db, sql: "SELECT \(annotationSelection) FROM annotations a WHERE a.id = ?", arguments: [id]
            ).first
        else { throw StoreError(.notFound, "no annotation matches '\(id)'; run `newsdb annotations`") }
        return annotation
    }

    /// Applies `changes` to the live annotation `id`, one change per field and per tag.
    static func applyChanges(
        id: String, _ changes: AnnotationChanges, add: [String], remove: [String], _ local: inout LocalChanges
    ) throws {
        guard
            let row = try Row.fetchOne(
                local.db, sql: "SELECT deleted_at FROM annotations WHERE id = ?", arguments: [id])
        else { throw StoreError(.notFound, "no annotation matches '\(id)'; run `newsdb annotations`") }
        guard (row["deleted_at"] as String?) == nil else {
            // A deletion that did not see a teammate's edit can be undone: say how, rather than leave only loss.
            let inConflict = try conflicts(annotation: id, local.db).contains { $0.field == .deleted }
            throw StoreError(
                .invalidInput,
                "annotation \(id.prefix(8)) was deleted; it cannot be edited"
                    + (inConflict
                        ? " (its deletion is in conflict with edits: `newsdb resolve \(id.prefix(8))/deleted --keep other` restores it with them)"
                        : ""))
        }
        if let note = changes.note {
            try local.record(.set(annotation: id, value: .note(try cleanNote(note)), seen: local.seen))
        }
        if let color = changes.color {
            try local.record(.set(annotation: id, value: .color(color), seen: local.seen))
        }
        if let motivation = changes.motivation {
            try local.record(.set(annotation: id, value: .motivation(motivation), seen: local.seen))
        }
        for tag in Set(remove).sorted() {
            let additions = try local.tagAdditions(id, tag)
            if !additions.isEmpty { try local.record(.untag(annotation: id, tag: tag, seen: local.seen)) }
        }
        for tag in Set(add).sorted() where try local.tagAdditions(id, tag).isEmpty {
            try local.record(.tag(annotation: id, tag: tag))
        }
    }

    /// A note with surrounding white space trimmed; nil when nothing is left.
    /// - Throws: `StoreError` `.invalidInput` when it holds a NUL character, which SQLite would cut the note at.
    static func cleanNote(_ note: String?) throws -> String? {
        guard let note else { return nil }
        guard !note.utf8.contains(0) else {
            throw StoreError(.invalidInput, "a note cannot hold a NUL character (U+0000); nothing was changed")
        }
        let trimmed = TextScanning.trimmed(note)
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// `text` as an annotation id: a UUID, lowercased.
    static func checkedAnnotationID(_ text: String) throws -> String {
        guard let uuid = UUID(uuidString: text) else {
            throw StoreError(.invalidInput, "annotation id '\(text)' is not a UUID")
        }
        return uuid.uuidString.lowercased()
    }

    /// Checks that `reference` can name an annotation (long enough, a UUID's characters) without opening a database,
    /// so a command can refuse it before touching any file.
    /// - Throws: `StoreError` `.invalidInput` or `.notFound` saying what is wrong.
    public static func checkAnnotationReference(_ reference: String) throws {
        let prefix = reference.lowercased()
        guard prefix.count >= minimumPrefixLength else {
            throw StoreError(
                .invalidInput, "annotation id '\(prefix)' is too short; give at least \(minimumPrefixLength) characters"
            )
        }
        guard prefix.count <= 36, prefix.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw StoreError(.notFound, "no annotation matches '\(prefix)'; run `newsdb annotations`")
        }
    }

    /// The full id of the one annotation whose id starts with `prefix`.
    static func resolveAnnotationID(_ prefix: String, _ db: Database) throws -> String {
        try checkAnnotationReference(prefix)
        let prefix = prefix.lowercased()
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM annotations WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            arguments: [prefix, prefix + "~"])
        switch ids.count {
        case 0: throw StoreError(.notFound, "no annotation matches '\(prefix)'; run `newsdb annotations`")
        case 1: return ids[0]
        default:
            throw StoreError(
                .ambiguous,
                "annotation id '\(prefix)' is ambiguous: \(ids.prefix(5).map { String($0.prefix(13)) }.joined(separator: ", "))"
                    + "\(ids.count > 5 ? ", …" : ""); give more characters")
        }
    }
}
