import Foundation
import GRDB

/// Applies changes, local or received, inside the caller's write transaction. Local edits and received changes go
/// through the same code, so that every replica that has the same changes holds the same data.
///
/// Each field of an annotation (`note`, `color`, `motivation`, `selector`, `deleted`) is a multi-value register: the
/// changes in effect for it are those no later change has overwritten (a change overwrites the values in `seen`, what
/// its replica had received when it was made). One value is in effect unless teammates changed the field without seeing each other's change; then the
/// latest hybrid clock timestamp (ties broken by replica id) is shown, and the others are kept as a conflict.
/// Tags are a set where an addition survives a removal that did not see it.
struct ChangeApplier {
    /// What applying a change did.
    enum Outcome: Equatable {
        case applied
        /// The change needs an annotation or article text that has not arrived; it waits for `subject`.
        case waiting(subject: String)
    }

    let db: Database
    /// Annotations whose changes may have made a conflict (two values of a field neither saw, or an edit of a
    /// deleted annotation): where to look for conflicts after applying, without reading them all.
    private(set) var maybeConflicted = Set<String>()
    private var origins: [String: Int64] = [:]
    private var texts: [String: ArticleTexts] = [:]

    init(_ db: Database) {
        self.db = db
    }

    /// Applies `change`, which must not have been applied before (see ``Knowledge``).
    mutating func apply(_ change: Change) throws -> Outcome {
        let origin = try originNumber(change.id.origin)
        switch change.body {
        case .article(let version):
            try applyArticle(version, change, origin: origin)
            return .applied
        case .create(let creation):
            return try create(creation, change, origin: origin)
        case .set(let annotation, let value, let seen):
            guard let seq = try annotationSeq(annotation) else { return .waiting(subject: annotation) }
            if try isDeleted(seq) { maybeConflicted.insert(annotation) }
            let stored = try storedValue(value)
            let winner = try register(
                annotation, value.field.rawValue, change, origin: origin, kind: "set", value: stored, seen: seen)
            if winner { try write(value, seq: seq, annotation: annotation) }
        case .tag(let annotation, let tag):
            guard let seq = try annotationSeq(annotation) else { return .waiting(subject: annotation) }
            if try isDeleted(seq) { maybeConflicted.insert(annotation) }
            try insertChangeRow(change, origin: origin, kind: "tag", annotation: annotation, field: "tag:" + tag)
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)")
                .execute(arguments: [annotation, tag, origin, change.id.counter])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag) VALUES (?, ?)")
                .execute(arguments: [annotation, tag])
        case .untag(let annotation, let tag, let seen):
            guard try annotationSeq(annotation) != nil else { return .waiting(subject: annotation) }
            let additions = try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT t.origin, t.counter, o.id FROM tag_adds t JOIN origins o ON o.n = t.origin
                    WHERE t.annotation_id = ? AND t.tag = ?
                    """),
                arguments: [annotation, tag])
            for row in additions where seen.contains(ChangeID(origin: row[2], counter: row[1])) {
                try db.cachedStatement(sql: """
                    DELETE FROM tag_adds WHERE annotation_id = ? AND tag = ? AND origin = ? AND counter = ?
                    """).execute(arguments: [annotation, tag, row[0] as Int64, row[1] as Int64])
                try db.cachedStatement(sql: "DELETE FROM changes WHERE origin = ? AND counter = ? AND kind = 'tag'")
                    .execute(arguments: [row[0] as Int64, row[1] as Int64])
            }
            try insertChangeRow(change, origin: origin, kind: "untag", annotation: annotation, field: "tag:" + tag, seen: seen)
            try db.cachedStatement(sql: """
                DELETE FROM annotation_tags WHERE annotation_id = ?1 AND tag = ?2
                    AND NOT EXISTS (SELECT 1 FROM tag_adds WHERE annotation_id = ?1 AND tag = ?2)
                """).execute(arguments: [annotation, tag])
        case .delete(let annotation, let seen):
            guard try annotationSeq(annotation) != nil else { return .waiting(subject: annotation) }
            if try register(annotation, "deleted", change, origin: origin, kind: "delete", value: nil, seen: seen) {
                try db.cachedStatement(sql: "UPDATE annotations SET deleted_at = ? WHERE id = ?")
                    .execute(arguments: [change.at, annotation])
            }
        case .restore(let annotation, let seen):
            guard try annotationSeq(annotation) != nil else { return .waiting(subject: annotation) }
            if try register(annotation, "deleted", change, origin: origin, kind: "restore", value: nil, seen: seen) {
                try db.cachedStatement(sql: "UPDATE annotations SET deleted_at = NULL WHERE id = ?").execute(arguments: [annotation])
            }
        }
        if case .create = change.body { return .applied }  // its times are set as it is inserted
        try touch(change.subject, change)
        return .applied
    }

    // MARK: - Annotations

    private mutating func create(_ creation: AnnotationCreation, _ change: Change, origin: Int64) throws -> Outcome {
        if try annotationSeq(creation.id) != nil {
            // The same id made twice (by a broken or hostile replica): the first one stays.
            NewsDatabase.logger.warning("ignored a second creation of annotation \(creation.id)", metadata: ["change": "\(change.id)"])
            return .applied
        }
        guard var article = try articleTexts(creation.articleID) else { return .waiting(subject: creation.articleID) }
        let made: Int
        let state: AnchorState
        let range: Range<Int>?
        let selector = creation.selector
        if creation.textHash == AnnotationCreation.noText {
            // Made where its passage was not found (an import of an annotation whose text had changed): an orphan.
            (made, state, range) = (article.revision, .orphan, nil)
        } else if creation.textHash == article.currentHash {
            // Made on the current text: its selector is where it is, as the replica that made it checked.
            guard selector.end <= article.currentLength else {
                throw StoreError(.invalidInput, "annotation \(creation.id.prefix(8)) lies outside its article's text")
            }
            (made, state, range) = (article.revision, .exact, selector.start..<selector.end)
        } else {
            guard let madeOn = try article.text(hash: creation.textHash, db) else {
                return .waiting(subject: creation.articleID)
            }
            let anchored = NewsDatabase.anchor(selector, madeOn: AnchoringText(madeOn.body), on: article.current, sameText: false)
            (made, state, range) = (madeOn.revision, anchored.state, anchored.range)
        }
        texts[creation.articleID] = article
        let note = NewsDatabase.cleanNote(creation.note)
        let tags = Set(creation.tags).sorted()
        try db.cachedStatement(sql: """
            INSERT INTO annotations (id, article_id, revision, exact, prefix, suffix, start, "end",
                anchor_revision, anchor_start, anchor_end, anchor_state, note, color, motivation, author,
                created_at, modified_at, origin, counter, hlc, latest_hlc)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                creation.id, creation.articleID, made, creation.selector.exact, creation.selector.prefix,
                creation.selector.suffix, creation.selector.start, creation.selector.end, article.revision,
                range?.lowerBound, range?.upperBound, state.rawValue, note, creation.color.rawValue,
                creation.motivation.rawValue, creation.author, creation.createdAt, change.at, origin, change.id.counter,
                change.clock.description, change.clock.description,
            ])
        try AnnotationIndex.add(seq: db.lastInsertedRowID, note: note, db)
        let addTag = try db.cachedStatement(sql: "INSERT INTO tag_adds (annotation_id, tag, origin, counter) VALUES (?, ?, ?, ?)")
        let insertTag = try db.cachedStatement(sql: "INSERT INTO annotation_tags (annotation_id, tag) VALUES (?, ?)")
        for tag in tags {
            try addTag.execute(arguments: [creation.id, tag, origin, change.id.counter])
            try insertTag.execute(arguments: [creation.id, tag])
        }
        return .applied
    }

    /// Records `change` as a value of the register `field` of `annotation`, dropping the values it saw.
    /// - Returns: Whether it is now the value in effect (the latest of the register's values).
    private mutating func register(
        _ annotation: String, _ field: String, _ change: Change, origin: Int64, kind: String, value: String?,
        seen: Knowledge
    ) throws -> Bool {
        var latestRemaining: String?
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT c.origin, c.counter, c.hlc, o.id AS origin_id FROM changes c JOIN origins o ON o.n = c.origin
                WHERE c.annotation_id = ? AND c.field = ?
                """),
            arguments: [annotation, field])
        for row in rows {
            let id = ChangeID(origin: row["origin_id"], counter: row["counter"])
            if seen.contains(id) {
                try db.cachedStatement(sql: "DELETE FROM changes WHERE origin = ? AND counter = ?")
                    .execute(arguments: [row["origin"] as Int64, id.counter])
            } else {
                let hlc: String = row["hlc"]
                if latestRemaining.map({ hlc > $0 }) ?? true { latestRemaining = hlc }
            }
        }
        try insertChangeRow(change, origin: origin, kind: kind, annotation: annotation, field: field, value: value, seen: seen)
        if latestRemaining != nil || kind == "delete" { maybeConflicted.insert(annotation) }
        return latestRemaining.map { change.clock.description > $0 } ?? true
    }

    /// Writes the value in effect for a field into the annotation row.
    private mutating func write(_ value: FieldValue, seq: Int64, annotation: String) throws {
        switch value {
        case .note(let note):
            try AnnotationIndex.remove(seq: seq, db)
            let cleaned = NewsDatabase.cleanNote(note)
            try db.cachedStatement(sql: "UPDATE annotations SET note = ? WHERE seq = ?").execute(arguments: [cleaned, seq])
            try AnnotationIndex.add(seq: seq, note: cleaned, db)
        case .color(let color):
            try db.cachedStatement(sql: "UPDATE annotations SET color = ? WHERE seq = ?").execute(arguments: [color.rawValue, seq])
        case .motivation(let motivation):
            try db.cachedStatement(sql: "UPDATE annotations SET motivation = ? WHERE seq = ?")
                .execute(arguments: [motivation.rawValue, seq])
        case .selector(let selector, let textHash):
            guard let articleID = try String.fetchOne(db, sql: "SELECT article_id FROM annotations WHERE seq = ?", arguments: [seq]),
                var article = try articleTexts(articleID)
            else { throw StoreError(.database, "annotation \(annotation.prefix(8)) has no article") }
            // A selector on a text this replica does not have (yet) keeps the annotation where it is.
            guard let madeOn = try article.text(hash: textHash, db) else { return }
            texts[articleID] = article
            let (state, range) = NewsDatabase.anchor(
                selector, madeOn: AnchoringText(madeOn.body), on: article.current, sameText: madeOn.revision == article.revision)
            try db.execute(
                sql: """
                    UPDATE annotations SET revision = ?, exact = ?, prefix = ?, suffix = ?, start = ?, "end" = ?,
                        anchor_revision = ?, anchor_start = ?, anchor_end = ?, anchor_state = ?
                    WHERE seq = ?
                    """,
                arguments: [
                    madeOn.revision, selector.exact, selector.prefix, selector.suffix, selector.start, selector.end,
                    article.revision, range?.lowerBound, range?.upperBound, state.rawValue, seq,
                ])
        }
    }

    /// Makes `change` the annotation's latest change, with its time as `modified_at`, when it is later than the
    /// latest so far.
    private func touch(_ annotation: String, _ change: Change) throws {
        try db.cachedStatement(sql: """
            UPDATE annotations SET latest_hlc = ?1, modified_at = ?2 WHERE id = ?3 AND (latest_hlc IS NULL OR latest_hlc < ?1)
            """).execute(arguments: [change.clock.description, change.at, annotation])
    }

    private func insertChangeRow(
        _ change: Change, origin: Int64, kind: String, annotation: String, field: String, value: String? = nil,
        seen: Knowledge? = nil
    ) throws {
        try db.cachedStatement(sql: """
            INSERT INTO changes (origin, counter, hlc, at, kind, annotation_id, field, value, seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                origin, change.id.counter, change.clock.description, change.at, kind, annotation, field, value, seen?.json,
            ])
    }

    private func storedValue(_ value: FieldValue) throws -> String? {
        switch value {
        case .note(let note): return note
        case .color(let color): return color.rawValue
        case .motivation(let motivation): return motivation.rawValue
        case .selector(let selector, let textHash): return try StoredSelector(selector: selector, textHash: textHash).json()
        }
    }

    private func isDeleted(_ seq: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT deleted_at IS NOT NULL FROM annotations WHERE seq = ?"), arguments: [seq])
            ?? false
    }

    private func annotationSeq(_ id: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM annotations WHERE id = ?"), arguments: [id])
    }

    // MARK: - Articles

    /// An article version: the latest by hybrid clock is the article's current content; an earlier one whose text
    /// is new here is kept as a past revision, so every replica ends up with every text.
    private mutating func applyArticle(_ version: ArticleVersion, _ change: Change, origin: Int64) throws {
        texts[version.id] = nil
        let prepared = PreparedArticle(version.draft, id: version.id)
        let stamp: NewsDatabase.ArticleChange = (origin, change.id.counter, change.clock)
        guard let current = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, revision, hlc, content_hash, title, body FROM articles WHERE id = ?"),
            arguments: [version.id])
        else {
            _ = try NewsDatabase.store(prepared, importedAt: change.at, change: stamp, exactly: true, db)
            return
        }
        let currentClock: String = current["hlc"] ?? ""
        if change.clock.description > currentClock {
            if current["content_hash"] == prepared.contentHash {
                // The same content, stamped later: the later stamp is what a concurrent version must beat.
                try db.execute(
                    sql: "UPDATE articles SET origin = ?, counter = ?, hlc = ? WHERE seq = ?",
                    arguments: [origin, change.id.counter, change.clock.description, current["seq"] as Int64])
                return
            }
            _ = try NewsDatabase.store(prepared, importedAt: change.at, change: stamp, exactly: true, db)
            return
        }
        // An earlier version: kept only for a text not stored yet.
        let sameText = current["title"] == version.title && current["body"] == version.body
        let stored = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM article_revisions WHERE article_id = ? AND title = ? AND body = ?)",
            arguments: [version.id, version.title, version.body]) ?? false
        guard !sameText && !stored else { return }
        let revision: Int = current["revision"]
        // It goes before the current text, which moves up one revision (with the annotations made on it).
        try db.execute(
            sql: NewsDatabase.insertRevision,
            arguments: [
                version.id, revision, prepared.draft.title, prepared.draft.dek, prepared.draft.byline, prepared.draft.body,
                prepared.contentHash, change.at, change.at, prepared.draft.source, prepared.draft.url,
                prepared.draft.publishedAt, origin, change.id.counter, change.clock.description,
            ])
        try db.execute(sql: "UPDATE articles SET revision = revision + 1 WHERE seq = ?", arguments: [current["seq"] as Int64])
        try db.execute(
            sql: """
                UPDATE annotations SET revision = CASE WHEN revision = ?2 THEN revision + 1 ELSE revision END,
                    anchor_revision = ?2 + 1
                WHERE article_id = ?1
                """,
            arguments: [version.id, revision])
    }

    private mutating func articleTexts(_ id: String) throws -> ArticleTexts? {
        if let cached = texts[id] { return cached }
        let loaded = try ArticleTexts(articleID: id, db)
        texts[id] = loaded
        return loaded
    }

    // MARK: - Origins

    /// The local number of the replica `id`, adding it to `origins` when it is new.
    mutating func originNumber(_ id: String) throws -> Int64 {
        if let number = try existingOriginNumber(id) { return number }
        try db.execute(sql: "INSERT INTO origins (id, name) VALUES (?, ?)", arguments: [id, String(id.prefix(8))])
        let number = db.lastInsertedRowID
        origins[id] = number
        return number
    }

    private mutating func existingOriginNumber(_ id: String) throws -> Int64? {
        if let number = origins[id] { return number }
        let number = try Int64.fetchOne(db.cachedStatement(sql: "SELECT n FROM origins WHERE id = ?"), arguments: [id])
        if let number { origins[id] = number }
        return number
    }
}

/// A selector as `changes.value` stores it.
struct StoredSelector: Codable {
    var exact: String
    var prefix: String
    var suffix: String
    var start: Int
    var end: Int
    var text: String

    init(selector: TextSelector, textHash: String) {
        exact = selector.exact
        prefix = selector.prefix
        suffix = selector.suffix
        start = selector.start
        end = selector.end
        text = textHash
    }

    init(json: String) throws {
        do {
            self = try JSONDecoder().decode(StoredSelector.self, from: Data(json.utf8))
        } catch {
            throw StoreError(.database, "a stored selector is unreadable: \(StoreError.describe(error))", underlying: error)
        }
    }

    var selector: TextSelector { TextSelector(exact: exact, prefix: prefix, suffix: suffix, start: start, end: end) }

    func json() throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        } catch {
            throw StoreError(.invalidInput, "cannot store a selector: \(StoreError.describe(error))", underlying: error)
        }
    }
}
