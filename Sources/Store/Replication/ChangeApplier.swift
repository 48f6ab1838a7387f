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
    private let statements: ChangeStatements
    /// Annotations this applier created that have no row in `changes` yet (`seq`s): their registers are known to be
    /// empty without looking. Only the applier of a transaction writes rows for annotations it created.
    private var withoutChanges = Set<Int64>()

    init(_ db: Database) {
        self.db = db
        statements = ChangeStatements(db)
    }

    /// What applying a change needs to know of the annotation it is about.
    private struct AnnotationState {
        let id: String
        let seq: Int64
        let isDeleted: Bool
        let note: String?
        /// The annotation's latest change and its time, as they are after the change being applied.
        var latestHLC: String?
        var modifiedAt: String
        /// Whether the change being applied is the latest.
        var isTouched = false
    }

    /// Applies `change`, which must not have been applied before (see ``Knowledge``).
    mutating func apply(_ change: Change) throws -> Outcome {
        let origin = try originNumber(change.id.origin)
        let hlc = change.clock.description
        switch change.body {
        case .article(let version):
            try applyArticle(version, change, origin: origin)
        case .create(let creation):
            return try create(creation, change, origin: origin, hlc: hlc)
        case .set(let annotation, let value, let seen):
            guard let state = try annotationState(annotation, touchedBy: change, hlc: hlc) else {
                return .waiting(subject: annotation)
            }
            if state.isDeleted { maybeConflicted.insert(annotation) }
            let stored = try storedValue(value)
            let winner = try register(
                state, value.field.rawValue, change, origin: origin, hlc: hlc, kind: .set, value: stored, seen: seen)
            if winner {
                try write(value, state, annotation: annotation)
            } else {
                try touch(state)
            }
        case .tag(let annotation, let tag):
            guard let state = try annotationState(annotation, touchedBy: change, hlc: hlc) else {
                return .waiting(subject: annotation)
            }
            if state.isDeleted { maybeConflicted.insert(annotation) }
            try insertChangeRow(change, origin: origin, hlc: hlc, kind: .tag, state, field: "tag:" + tag)
            try statements.execute(.addTagInstanceIfNew, annotation, tag, origin, change.id.counter)
            try statements.execute(.addTagIfNew, annotation, tag)
            try touch(state)
        case .untag(let annotation, let tag, let seen):
            guard let state = try annotationState(annotation, touchedBy: change, hlc: hlc) else {
                return .waiting(subject: annotation)
            }
            let additions = try Row.fetchAll(statements.bound(.tagInstances, annotation, tag))
            for row in additions where seen.contains(ChangeID(origin: row["origin_id"], counter: row["counter"])) {
                let (number, counter): (Int64, Int64) = (row["origin"], row["counter"])
                try statements.execute(.removeTagInstance, annotation, tag, number, counter)
                try statements.execute(.dropTagChange, number, counter)
            }
            try insertChangeRow(change, origin: origin, hlc: hlc, kind: .untag, state, field: "tag:" + tag, seen: seen)
            try statements.execute(.removeTagWithoutInstances, annotation, tag)
            try touch(state)
        case .delete(let annotation, let seen), .restore(let annotation, let seen):
            guard let state = try annotationState(annotation, touchedBy: change, hlc: hlc) else {
                return .waiting(subject: annotation)
            }
            let deletes = if case .delete = change.body { true } else { false }
            let winner = try register(
                state, "deleted", change, origin: origin, hlc: hlc, kind: deletes ? .delete : .restore, value: nil,
                seen: seen)
            if winner {
                try statements.execute(
                    .setDeletedAt, deletes ? change.at : nil, state.latestHLC, state.modifiedAt, state.seq)
            } else {
                try touch(state)
            }
        }
        return .applied
    }

    // MARK: - Annotations

    private mutating func create(_ creation: AnnotationCreation, _ change: Change, origin: Int64, hlc: String) throws
        -> Outcome
    {
        guard var article = try articleTexts(creation.articleID) else {
            if try isDuplicate(creation, change) { return .applied }
            return .waiting(subject: creation.articleID)
        }
        let made: Int
        let state: AnchorState
        let range: Range<Int>?
        let selector = creation.selector
        let part = creation.part
        if creation.textHash == AnnotationCreation.noText {
            // Made where its passage was not found (an import of an annotation whose text had changed): an orphan.
            (made, state, range) = (article.revision, .orphan, nil)
        } else if creation.textHash == article.currentHash(part) {
            // Made on the current text: its selector is where it is, as the replica that made it checked.
            guard selector.end <= article.currentLength(part) else {
                if try isDuplicate(creation, change) { return .applied }
                throw StoreError(.invalidInput, "annotation \(creation.id.prefix(8)) lies outside its article's text")
            }
            // An imported quote placed approximately is fuzzy here as on the replica that placed it.
            let placed = selector.start..<selector.end
            (made, state, range) = (
                article.revision, article.holds(selector.exact, at: placed, in: part) ? .exact : .fuzzy, placed
            )
        } else {
            guard let madeOn = try article.text(hash: creation.textHash, part: part, db) else {
                if try isDuplicate(creation, change) { return .applied }
                return .waiting(subject: creation.articleID)
            }
            let anchored = NewsDatabase.anchor(
                selector, madeOn: AnchoringText(madeOn.text), on: article.current(part), sameText: false)
            (made, state, range) = (madeOn.revision, anchored.state, anchored.range)
        }
        texts[creation.articleID] = article
        let note = try NewsDatabase.cleanNote(creation.note)
        // Most creations are new: insert first, and look for a stored one only when the id is taken.
        try statements.execute(
            .insertAnnotation, creation.id, creation.articleID, made, creation.selector.exact, creation.selector.prefix,
            creation.selector.suffix, creation.selector.start, creation.selector.end, article.revision,
            range?.lowerBound, range?.upperBound, state.rawValue, note, creation.color.rawValue,
            creation.motivation.rawValue, creation.author, creation.createdAt, change.at, origin, change.id.counter,
            hlc, hlc, part.rawValue)
        guard db.changesCount == 1 else {
            if try isDuplicate(creation, change) { return .applied }
            throw StoreError(.database, "annotation \(creation.id.prefix(8)) was neither inserted nor found")
        }
        let seq = db.lastInsertedRowID
        withoutChanges.insert(seq)
        try AnnotationIndex.add(seq: seq, note: note, db)
        for tag in Set(creation.tags).sorted() {
            try statements.execute(.addTagInstance, creation.id, tag, origin, change.id.counter)
            try statements.execute(.addTag, creation.id, tag)
        }
        return .applied
    }

    /// Whether the annotation `creation` makes is here already (made twice, by a broken or hostile replica): then the
    /// first one stays, and the second is ignored.
    private func isDuplicate(_ creation: AnnotationCreation, _ change: Change) throws -> Bool {
        guard try Int64.fetchOne(statements.bound(.annotationSeq, creation.id)) != nil else { return false }
        NewsDatabase.logger.warning(
            "ignored a second creation of annotation \(creation.id)", metadata: ["change": "\(change.id)"])
        return true
    }

    /// Records `change` as a value of the register `field` of the annotation, dropping the values it saw.
    /// - Returns: Whether it is now the value in effect (the latest of the register's values).
    private mutating func register(
        _ state: AnnotationState, _ field: String, _ change: Change, origin: Int64, hlc: String, kind: ChangeKind,
        value: String?, seen: Knowledge
    ) throws -> Bool {
        let annotation = state.id
        let hasChanges = !withoutChanges.contains(state.seq)
        var latestRemaining: String?
        let rows = hasChanges ? try Row.fetchAll(statements.bound(.registerValues, annotation, field)) : []
        for row in rows {
            let id = ChangeID(origin: row["origin_id"], counter: row["counter"])
            if seen.contains(id) {
                try statements.execute(.dropChange, row["origin"] as Int64, id.counter)
            } else {
                let other: String = row["hlc"]
                if latestRemaining.map({ other > $0 }) ?? true { latestRemaining = other }
            }
        }
        // Concurrent values of the field, or a deletion that did not see an edit or a tag addition, make a conflict.
        if try latestRemaining != nil || (kind == .delete && hasChanges && hasEdits(annotation, notIn: seen)) {
            maybeConflicted.insert(annotation)
        }
        try insertChangeRow(change, origin: origin, hlc: hlc, kind: kind, state, field: field, value: value, seen: seen)
        return latestRemaining.map { hlc > $0 } ?? true
    }

    /// Whether the annotation has an edit or a tag addition in effect that is not in `seen`.
    private func hasEdits(_ annotation: String, notIn seen: Knowledge) throws -> Bool {
        let rows = try Row.fetchAll(statements.bound(.edits, annotation))
        return rows.contains { !seen.contains(ChangeID(origin: $0["origin_id"], counter: $0["counter"])) }
    }

    /// Writes the value in effect for a field into the annotation row, with its latest change and time.
    private mutating func write(_ value: FieldValue, _ state: AnnotationState, annotation: String) throws {
        switch value {
        case .note(let note):
            let cleaned = try NewsDatabase.cleanNote(note)
            try AnnotationIndex.remove(seq: state.seq, note: state.note, db)
            try statements.execute(.setNote, cleaned, state.latestHLC, state.modifiedAt, state.seq)
            try AnnotationIndex.add(seq: state.seq, note: cleaned, db)
        case .color(let color):
            try statements.execute(.setColor, color.rawValue, state.latestHLC, state.modifiedAt, state.seq)
        case .motivation(let motivation):
            try statements.execute(.setMotivation, motivation.rawValue, state.latestHLC, state.modifiedAt, state.seq)
        case .selector(let selector, let textHash):
            try touch(state)
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT article_id, part FROM annotations WHERE seq = ?", arguments: [state.seq]),
                var article = try articleTexts(row["article_id"])
            else { throw StoreError(.database, "annotation \(annotation.prefix(8)) has no article") }
            let articleID: String = row["article_id"]
            // The part is the annotation's for good: a selector moves it within that part's text.
            let part = try ArticlePart.stored(row["part"])
            // A selector on a text this replica does not have (yet) keeps the annotation where it is.
            guard let madeOn = try article.text(hash: textHash, part: part, db) else { return }
            texts[articleID] = article
            let (anchorState, range) = NewsDatabase.anchor(
                selector, madeOn: AnchoringText(madeOn.text), on: article.current(part),
                sameText: madeOn.revision == article.revision)
            try db.execute(
                sql: """
                    UPDATE annotations SET revision = ?, exact = ?, prefix = ?, suffix = ?, start = ?, "end" = ?,
                        anchor_revision = ?, anchor_start = ?, anchor_end = ?, anchor_state = ?
                    WHERE seq = ?
                    """,
                arguments: [
                    madeOn.revision, selector.exact, selector.prefix, selector.suffix, selector.start, selector.end,
                    article.revision, range?.lowerBound, range?.upperBound, anchorState.rawValue, state.seq,
                ])
        }
    }

    /// The annotation `id`, with `change` as its latest change (and its time as `modified_at`) when it is later than
    /// the latest so far; nil when the annotation is not here.
    private func annotationState(_ id: String, touchedBy change: Change, hlc: String) throws -> AnnotationState? {
        guard let row = try Row.fetchOne(statements.bound(.annotationState, id)) else { return nil }
        var state = AnnotationState(
            id: id, seq: row["seq"], isDeleted: row["is_deleted"], note: row["note"], latestHLC: row["latest_hlc"],
            modifiedAt: row["modified_at"])
        if state.latestHLC.map({ $0 < hlc }) ?? true {
            state.latestHLC = hlc
            state.modifiedAt = change.at
            state.isTouched = true
        }
        return state
    }

    /// Stores the annotation's latest change and time, when the change being applied is the latest.
    private func touch(_ state: AnnotationState) throws {
        guard state.isTouched else { return }
        try statements.execute(.touch, state.latestHLC, state.modifiedAt, state.seq)
    }

    private mutating func insertChangeRow(
        _ change: Change, origin: Int64, hlc: String, kind: ChangeKind, _ state: AnnotationState, field: String,
        value: String? = nil, seen: Knowledge? = nil
    ) throws {
        try statements.execute(
            .insertChange, origin, change.id.counter, hlc, change.at, kind, state.id, field, value, seen?.json)
        withoutChanges.remove(state.seq)
    }

    private func storedValue(_ value: FieldValue) throws -> String? {
        switch value {
        case .note(let note): return note
        case .color(let color): return color.rawValue
        case .motivation(let motivation): return motivation.rawValue
        case .selector(let selector, let textHash):
            return try StoredSelector(selector: selector, textHash: textHash).json()
        }
    }

    // MARK: - Articles

    /// An article version: the latest by hybrid clock is the article's current content; an earlier one whose text
    /// is new here is kept as a past revision, so every replica ends up with every text.
    private mutating func applyArticle(_ version: ArticleVersion, _ change: Change, origin: Int64) throws {
        texts[version.id] = nil
        let prepared = PreparedArticle(version.draft, id: version.id)
        let stamp: NewsDatabase.ArticleChange = (origin, change.id.counter, change.clock)
        guard
            let current = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT seq, revision, hlc, content_hash, title, body FROM articles WHERE id = ?"),
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
        let stored =
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM article_revisions WHERE article_id = ? AND title = ? AND body = ?)",
                arguments: [version.id, version.title, version.body]) ?? false
        guard !sameText && !stored else { return }
        let revision: Int = current["revision"]
        // It goes before the current text, which moves up one revision (with the annotations made on it).
        try db.execute(
            sql: NewsDatabase.insertRevision,
            arguments: [
                version.id, revision, prepared.draft.title, prepared.draft.dek, prepared.draft.byline,
                prepared.draft.body,
                prepared.contentHash, change.at, change.at, prepared.draft.source, prepared.draft.url,
                prepared.draft.publishedAt, origin, change.id.counter, change.clock.description,
                prepared.draft.language, prepared.draft.direction,
            ])
        try db.execute(
            sql: "UPDATE articles SET revision = revision + 1 WHERE seq = ?", arguments: [current["seq"] as Int64])
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
            throw StoreError(
                .database, "a stored selector is unreadable: \(StoreError.describe(error))", underlying: error)
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
