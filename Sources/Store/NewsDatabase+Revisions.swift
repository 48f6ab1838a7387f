import Foundation
import GRDB

extension NewsDatabase {
    /// The article whose id is `idOrPrefix` or starts with it, as it read at `revision` (nil: the current text).
    /// - Throws: `StoreError` `.notFound` for an unknown article or revision, `.ambiguous` for an ambiguous prefix.
    public func article(_ idOrPrefix: String, revision: Int?) throws -> Article {
        let current = try article(idOrPrefix)
        guard let revision, revision != current.revision else { return current }
        return try read("reading an article revision") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM article_revisions WHERE article_id = ? AND revision = ?",
                    arguments: [current.id, revision])
            else {
                throw StoreError(
                    .notFound,
                    "article \(current.id.prefix(8)) has revisions 1 to \(current.revision); there is no revision \(revision)"
                )
            }
            return current.at(revision: row)
        }
    }

    /// Stores a past text of an article, with the change that wrote it.
    static let insertRevision = """
        INSERT INTO article_revisions (article_id, revision, title, dek, byline, body, content_hash, imported_at,
            replaced_at, source, url, published_at, origin, counter, hlc, language, direction)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Keeps the current text of the article row `seq` as a past revision, stores `merged` as its new text, and
    /// re-anchors every annotation of the article on it. Runs inside the caller's transaction.
    /// - Returns: The new revision number.
    static func storeRevision(
        seq: Int64, id: String, merged: ArticleDraft, wordCount: Int, contentHash: String, importedAt: String,
        change: ArticleChange, _ db: Database
    ) throws -> Int {
        guard
            let current = try Row.fetchOne(
                db,
                sql: """
                    SELECT revision, title, dek, byline, source, url, published_at, body, content_hash, imported_at, origin,
                        counter, hlc, language, direction
                    FROM articles WHERE seq = ?
                    """,
                arguments: [seq])
        else { throw StoreError(.notFound, "article \(id.prefix(8)) vanished while it was being revised") }
        let oldRevision: Int = current["revision"]
        let oldBody: String = current["body"]
        try db.execute(
            sql: insertRevision,
            arguments: [
                id, oldRevision, current["title"], current["dek"], current["byline"], oldBody, current["content_hash"],
                current["imported_at"], importedAt, current["source"], current["url"], current["published_at"],
                current["origin"], current["counter"], current["hlc"], current["language"], current["direction"],
            ])
        try ArticleIndex.remove(seq: seq, db)
        try db.execute(
            sql: """
                UPDATE articles SET title = ?, dek = ?, byline = ?, source = ?, url = ?, published_at = ?, body = ?,
                    word_count = ?, content_hash = ?, imported_at = ?, revision = ?, origin = ?, counter = ?, hlc = ?,
                    language = ?, direction = ?
                WHERE seq = ?
                """,
            arguments: [
                merged.title, merged.dek, merged.byline, merged.source, merged.url, merged.publishedAt, merged.body,
                wordCount, contentHash, importedAt, oldRevision + 1, change.origin, change.counter,
                change.clock.description, merged.language, merged.direction, seq,
            ])
        try ArticleIndex.add(
            seq: seq, title: merged.title, dek: merged.dek, byline: merged.byline, body: merged.body, db)
        try reanchorAnnotations(
            articleID: id, texts: [.title: merged.title, .dek: merged.dek ?? "", .body: merged.body],
            revision: oldRevision + 1, db)
        return oldRevision + 1
    }

    /// Anchors every annotation of an article (tombstones too, so a restored one is in place) on its current text,
    /// `texts` (the headline, dek and body), which is revision `revision`: each on the text of its own part. Each is
    /// looked for from where it was made (its selector on that part of its own revision), not from its last anchor,
    /// so that where an annotation lands does not depend on which revisions a replica received in between, or in
    /// which order.
    static func reanchorAnnotations(
        articleID: String, texts: [ArticlePart: String], revision: Int, _ db: Database
    ) throws {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, revision, part, exact, prefix, suffix, start, "end" FROM annotations WHERE article_id = ?
                """,
            arguments: [articleID])
        guard !rows.isEmpty else { return }
        var current: [ArticlePart: AnchoringText] = [:]
        var madeOn: [ArticlePart: [Int: AnchoringText]] = [:]
        let update = try db.cachedStatement(
            sql: """
                UPDATE annotations SET anchor_revision = ?, anchor_start = ?, anchor_end = ?, anchor_state = ? WHERE id = ?
                """)
        for row in rows {
            let started = ContinuousClock.now
            let selector = TextSelector(
                exact: row["exact"], prefix: row["prefix"], suffix: row["suffix"], start: row["start"], end: row["end"])
            let made: Int = row["revision"]
            let part = try ArticlePart.stored(row["part"])
            let text = current[part] ?? AnchoringText(texts[part] ?? "")
            current[part] = text
            if made != revision && madeOn[part]?[made] == nil {
                guard
                    let old = try Row.fetchOne(
                        db, sql: "SELECT title, dek, body FROM article_revisions WHERE article_id = ? AND revision = ?",
                        arguments: [articleID, made])
                else {
                    throw StoreError(.database, "revision \(made) of article \(articleID.prefix(8)) is missing")
                }
                madeOn[part, default: [:]][made] = AnchoringText(part.text(old))
            }
            let (state, range) = anchor(
                selector, madeOn: madeOn[part]?[made] ?? text, on: text, sameText: made == revision)
            try update.execute(arguments: [
                revision, range?.lowerBound, range?.upperBound, state.rawValue, row["id"] as String,
            ])
            // One line per annotation at trace level (NEWSDB_LOG=trace): the benchmark reads these durations.
            let elapsed = (ContinuousClock.now - started).components
            logger.trace(
                "re-anchored annotation",
                metadata: [
                    "id": "\(row["id"] as String)", "state": "\(state.rawValue)",
                    "microseconds": "\(elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000)",
                ])
        }
    }

    /// Where `selector`, made on the text `madeOn`, stands on `text` (`sameText`: the two are the same revision).
    static func anchor(
        _ selector: TextSelector, madeOn: AnchoringText, on text: AnchoringText, sameText: Bool
    ) -> (state: AnchorState, range: Range<Int>?) {
        if sameText, selector.end <= text.scalars.count, text.string(selector.start..<selector.end) == selector.exact {
            return (.exact, selector.start..<selector.end)
        }
        return Reanchoring.anchor(
            selector, stored: selector.start..<selector.end, storedLength: madeOn.scalars.count, in: text,
            repeatedBefore: { madeOn.occurrences(of: AnchoringText.folded(selector.exact)).count > 1 })
    }
}
