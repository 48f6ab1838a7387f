import Foundation
import GRDB

extension NewsDatabase {
    /// Checks the database, changing nothing: SQLite's integrity check, foreign keys, both full-text indexes
    /// against their tables, and the change log against the data (every row has the change that wrote it, this
    /// replica's counter is past all of its changes, every teammate's change is recorded as received, and the tags
    /// shown are the tag additions in effect).
    /// - Returns: One line per problem; none when all is well.
    /// Reads the database only, and may run on one opened read-only (`Options.readOnly`): the full-text indexes are
    /// checked on a copy in memory.
    /// - Throws: `StoreError` when the checks cannot run (the file is not a database, or stayed locked).
    public func check() throws -> [String] {
        var problems = try read("checking the database") { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems += integrity.map { "SQLite integrity check: \($0)" } }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                problems.append(
                    "a row of \(row["table"] as String) refers to a missing row of \(row["parent"] as String)")
            }
            for (what, sql) in Self.changeLogChecks {
                let count = try Int.fetchOne(db, sql: sql) ?? 0
                if count > 0 { problems.append("\(count) \(what)") }
            }
            return problems
        }
        // FTS5's own check is an INSERT that writes nothing, which a read-only connection (`check` opens one, and
        // the file may be read-only) may not run; so it runs on a copy in memory, taken in one read transaction, and
        // the database itself is neither written nor locked against writers.
        do {
            let copy = try DatabaseQueue()
            try writer.backup(to: copy)
            try copy.inDatabase { db in
                for table in ["articles_fts", "annotation_notes_fts"] {
                    do {
                        try db.execute(sql: "INSERT INTO \(table) (\(table)) VALUES ('integrity-check')")
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
                        problems.append("the full-text index \(table) does not match its table")
                    }
                }
            }
        } catch {
            throw StoreError.wrap(error, "checking the full-text indexes")
        }
        return problems
    }

    /// What each count counts, and the query counting it.
    private static let changeLogChecks: [(String, String)] = [
        (
            "articles or texts without the change that wrote them",
            """
            SELECT (SELECT count(*) FROM articles WHERE origin IS NULL OR counter IS NULL OR hlc IS NULL)
                 + (SELECT count(*) FROM article_revisions WHERE origin IS NULL OR counter IS NULL OR hlc IS NULL)
            """
        ),
        (
            "annotations without the change that created them",
            """
            SELECT count(*) FROM annotations WHERE origin IS NULL OR counter IS NULL OR hlc IS NULL OR latest_hlc IS NULL
            """
        ),
        (
            "changes of this replica numbered past its counter",
            """
            SELECT count(*) FROM (
                SELECT counter FROM articles WHERE origin = \(ChangeLog.localOriginSQL) UNION ALL
                SELECT counter FROM article_revisions WHERE origin = \(ChangeLog.localOriginSQL) UNION ALL
                SELECT counter FROM annotations WHERE origin = \(ChangeLog.localOriginSQL) UNION ALL
                SELECT counter FROM tag_adds WHERE origin = \(ChangeLog.localOriginSQL) UNION ALL
                SELECT counter FROM changes WHERE origin = \(ChangeLog.localOriginSQL)
            ) WHERE counter > (SELECT counter FROM replica WHERE singleton = 1)
            """
        ),
        (
            "teammates' changes present but not recorded as received",
            """
            SELECT count(*) FROM (
                SELECT origin, counter FROM articles WHERE origin <> \(ChangeLog.localOriginSQL) UNION ALL
                SELECT origin, counter FROM article_revisions WHERE origin <> \(ChangeLog.localOriginSQL) UNION ALL
                SELECT origin, counter FROM annotations WHERE origin <> \(ChangeLog.localOriginSQL) UNION ALL
                SELECT origin, counter FROM tag_adds WHERE origin <> \(ChangeLog.localOriginSQL) UNION ALL
                SELECT origin, counter FROM changes WHERE origin <> \(ChangeLog.localOriginSQL) UNION ALL
                SELECT origin, counter FROM pending_changes
            ) AS c WHERE NOT EXISTS (
                SELECT 1 FROM knowledge k WHERE k.origin = c.origin AND c.counter BETWEEN k.first AND k.last)
            """
        ),
        (
            "tags shown without an addition in effect, or the reverse",
            """
            SELECT (SELECT count(*) FROM annotation_tags t WHERE NOT EXISTS (
                        SELECT 1 FROM tag_adds a WHERE a.annotation_id = t.annotation_id AND a.tag = t.tag))
                 + (SELECT count(*) FROM (SELECT DISTINCT annotation_id, tag FROM tag_adds) a WHERE NOT EXISTS (
                        SELECT 1 FROM annotation_tags t WHERE t.annotation_id = a.annotation_id AND t.tag = a.tag))
            """
        ),
    ]
}
