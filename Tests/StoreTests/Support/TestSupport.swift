import Foundation
import GRDB
@_exported import TestSupport

@testable import Store

/// The clock tests inject: always the same instant.
let fixedClock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }

extension NewsDatabase {
    /// A new database in `folder`, with the fixed clock.
    static func fresh(in folder: TemporaryDirectory, name: String = "news.sqlite") throws -> NewsDatabase {
        try NewsDatabase.open(at: folder.path(name), options: .init(clock: fixedClock))
    }
}

/// Reads every byte of the database file and its write-ahead log, to prove a refused operation changed nothing.
func snapshotBytes(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-journal"] {
        if let data = FileManager.default.contents(atPath: path + suffix) { files[suffix] = data }
    }
    return files
}

/// A plain-text article in the format the importer reads.
func plainArticle(title: String, body: String, dek: String? = nil, byline: String? = nil) -> String {
    var parts = [title]
    if let dek { parts.append(dek) }
    if let byline { parts.append("By \(byline)") }
    parts.append(body)
    return parts.joined(separator: "\n\n") + "\n"
}

extension NewsDatabase {
    /// Whether the full-text index agrees with `articles` (FTS5's own check; `PRAGMA integrity_check` does not
    /// look inside FTS5 tables).
    func fullTextIndexIsConsistent() throws -> Bool {
        do {
            try writer.write { db in
                try db.execute(sql: "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
                try db.execute(
                    sql: "INSERT INTO annotation_notes_fts (annotation_notes_fts, rank) VALUES ('integrity-check', 1)")
            }
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return false
        }
    }
}
