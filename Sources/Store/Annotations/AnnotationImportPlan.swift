import Foundation
import GRDB

/// What an import will do with one record, worked out (and checked) before anything is written.
enum PlannedAnnotation {
    case create(
        articleID: String, part: ArticlePart, revision: Int, selector: TextSelector, state: AnchorState,
        range: Range<Int>?)
    case update(
        id: String, seq: Int64,
        reselect: (selector: TextSelector, revision: Int, state: AnchorState, range: Range<Int>?)?)
}

/// Checks import records against the database and applies them, inside one write transaction.
struct AnnotationImportPlan {
    enum Outcome { case created, updated, unchanged }

    let db: Database
    private var articles: [String: ImportedArticle] = [:]
    private var hashes: [String: String] = [:]

    /// An article records name, with the texts of its parts prepared for anchoring as they are first needed.
    private struct ImportedArticle {
        let id: String
        let revision: Int
        let row: Row
        var texts: [ArticlePart: AnchoringText] = [:]

        mutating func text(_ part: ArticlePart) -> AnchoringText {
            if let text = texts[part] { return text }
            let text = AnchoringText(part.text(row))
            texts[part] = text
            return text
        }
    }

    init(db: Database) {
        self.db = db
    }

    /// Checks `record`: its article exists, its quote is found, its id (if any) is new or names an annotation on
    /// the same article.
    /// - Throws: `StoreError` saying what is wrong with the record.
    mutating func plan(_ record: AnnotationRecord) throws -> PlannedAnnotation {
        var article = try self.article(record.article, alternatives: record.alternateArticles)
        defer { articles[record.article] = article }
        if record.part == .dek && TextScanning.trimmed(ArticlePart.dek.text(article.row)).isEmpty {
            throw StoreError(.invalidInput, "article \(article.id.prefix(8)) has no dek")
        }
        if let id = record.id,
            let existing = try Row.fetchOne(
                db,
                sql: """
                    SELECT seq, article_id, part, exact, anchor_start, anchor_end, deleted_at FROM annotations
                    WHERE id = ?
                    """,
                arguments: [id])
        {
            guard existing["article_id"] == article.id else {
                throw StoreError(.invalidInput, "annotation \(id.prefix(8)) is on another article")
            }
            let part = try ArticlePart.stored(existing["part"])
            guard part == record.part else {
                throw StoreError(
                    .invalidInput,
                    "annotation \(id.prefix(8)) is on the \(part.displayName), not the \(record.part.displayName); an annotation stays on its part"
                )
            }
            guard (existing["deleted_at"] as String?) == nil else {
                throw StoreError(.invalidInput, "annotation \(id.prefix(8)) was deleted; it cannot be updated")
            }
            // The same quote as stored keeps its anchor (an orphan stays one, a repeated quote keeps its place);
            // a different quote is looked for and moves the annotation.
            if record.position == nil && AnchoringText.folded(record.quote) == AnchoringText.folded(existing["exact"]) {
                return .update(id: id, seq: existing["seq"], reselect: nil)
            }
            let located = try locate(record, in: article.id, text: article.text(record.part))
            let start: Int? = existing["anchor_start"]
            let end: Int? = existing["anchor_end"]
            let moved = located.range != nil && (located.range?.lowerBound != start || located.range?.upperBound != end)
            return .update(
                id: id, seq: existing["seq"],
                reselect: moved ? (located.selector, article.revision, located.state, located.range) : nil)
        }
        let located = try locate(record, in: article.id, text: article.text(record.part))
        return .create(
            articleID: article.id, part: record.part, revision: article.revision, selector: located.selector,
            state: located.state, range: located.range)
    }

    /// Writes a planned record, as changes of `local`.
    mutating func apply(
        _ record: AnnotationRecord, _ planned: PlannedAnnotation, author: String, now: String,
        _ local: inout LocalChanges
    ) throws -> Outcome {
        switch planned {
        case .create(let articleID, let part, _, let selector, let state, _):
            let tags = Set(record.tags ?? []).sorted()
            let note = try NewsDatabase.cleanNote(record.note)
            let createdAt = record.createdAt ?? now
            try local.record(
                .create(
                    AnnotationCreation(
                        id: record.id ?? randomUUIDString(), articleID: articleID, part: part,
                        textHash: state == .orphan ? AnnotationCreation.noText : try textHash(articleID, part),
                        selector: selector, note: note, color: record.color ?? .default,
                        motivation: record.motivation ?? .implied(note: note, tags: tags),
                        author: record.author ?? author,
                        tags: tags, createdAt: createdAt)),
                at: record.modifiedAt ?? createdAt)
            return .created
        case .update(let id, _, let reselect):
            let current = try NewsDatabase.fetchAnnotation(id: id, db)
            // A W3C export says when each annotation was last changed: an older copy never overwrites newer edits.
            if let modified = record.modifiedAt, modified <= current.modifiedAt { return .unchanged }
            var changes = AnnotationChanges()
            if record.noteGiven, try NewsDatabase.cleanNote(record.note) != current.note {
                changes.note = record.note ?? ""
            }
            if let tags = record.tags {
                let wanted = Set(tags)
                changes.addTags = wanted.subtracting(current.tags).sorted()
                changes.removeTags = Set(current.tags).subtracting(wanted).sorted()
            }
            if let color = record.color, color != current.color { changes.color = color }
            if let motivation = record.motivation, motivation != current.motivation { changes.motivation = motivation }
            guard !changes.isEmpty || reselect != nil else { return .unchanged }
            // The edits carry the record's modification time, as the export said it.
            let time = local.at
            local.at = record.modifiedAt ?? now
            defer { local.at = time }
            try NewsDatabase.applyChanges(id: id, changes, add: changes.addTags, remove: changes.removeTags, &local)
            if let reselect {
                try local.record(
                    .set(
                        annotation: id,
                        value: .selector(
                            reselect.selector, textHash: try textHash(current.articleID, current.part)),
                        seen: local.seen))
            }
            return .updated
        }
    }

    /// The SHA-256 of the current text of `part` of an article the plan looked at.
    private mutating func textHash(_ articleID: String, _ part: ArticlePart) throws -> String {
        let key = part.rawValue + ":" + articleID
        if let hash = hashes[key] { return hash }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT title, dek, body FROM articles WHERE id = ?", arguments: [articleID])
        else {
            throw StoreError(.notFound, "article \(articleID.prefix(8)) vanished during the import")
        }
        let hash = sha256Hex(part.text(row))
        hashes[key] = hash
        return hash
    }

    /// The article a record names: by id or unique prefix, by URL (or one of `alternatives`, other URLs of the
    /// same page), or by `urn:newsdb:article:ID`.
    private mutating func article(_ reference: String, alternatives: [String] = []) throws -> ImportedArticle {
        if let cached = articles[reference] { return cached }
        let id: String
        if reference.contains("://") {
            var found: String?
            for url in [reference] + alternatives where found == nil {
                found = try String.fetchOne(
                    db, sql: "SELECT id FROM articles WHERE url = ?", arguments: [CanonicalURL.string(url) ?? url])
            }
            guard let found else {
                throw StoreError(.notFound, "no article has the URL \(reference); import the article first")
            }
            id = found
        } else {
            id = try NewsDatabase.resolveArticleID(reference, db)
        }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT title, dek, body, revision FROM articles WHERE id = ?", arguments: [id])
        else {
            throw StoreError(.notFound, "no article matches '\(reference)'")
        }
        let entry = ImportedArticle(id: id, revision: row["revision"], row: row)
        articles[reference] = entry
        return entry
    }

    /// Where the record's passage is. With selectors made by a tool (a W3C or Hypothesis export), placed as
    /// ``SelectorAnchoring`` places it, orphans allowed; otherwise the quote must occur once, or `occurrence` picks one.
    private func locate(
        _ record: AnnotationRecord, in articleID: String, text: AnchoringText
    ) throws -> (selector: TextSelector, state: AnchorState, range: Range<Int>?) {
        if record.anchorsBySelector {
            // An orphan made without a position keeps 0 to the quote's length as its own.
            let made = record.position ?? 0..<record.quote.unicodeScalars.count
            let given = TextSelector(
                exact: record.quote, prefix: record.prefix ?? "", suffix: record.suffix ?? "",
                start: made.lowerBound, end: made.upperBound)
            let (state, range) = SelectorAnchoring.anchor(given, position: record.position, in: text)
            guard let range else { return (given, .orphan, nil) }
            let placed = TextSelector.make(range, in: text)
            // Placed approximately, it keeps the quote it was made with, which is what makes it fuzzy on every
            // replica (ChangeApplier); the context and offsets are those of the passage found.
            guard state == .fuzzy else { return (placed, state, range) }
            return (
                TextSelector(
                    exact: record.quote, prefix: placed.prefix, suffix: placed.suffix, start: range.lowerBound,
                    end: range.upperBound),
                state, range
            )
        }
        // One search serves the usual case (a quote that occurs once); the locator explains the others.
        let found = text.wholeOccurrences(of: AnchoringText.folded(record.quote)).whole
        if record.occurrence == nil && found.count > 1 {
            throw StoreError(
                .ambiguous, "the quote occurs \(found.count) times; add \"occurrence\": 1 to \(found.count) to pick one"
            )
        }
        if found.count == 1 && (record.occurrence ?? 1) == 1 {
            return (TextSelector.make(found[0], in: text), .exact, found[0])
        }
        let range = try QuoteLocator.locate(
            record.quote, occurrence: record.occurrence, in: text, articleID: articleID, part: record.part)
        return (TextSelector.make(range, in: text), .exact, range)
    }
}
