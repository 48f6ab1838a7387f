import Foundation
import GRDB

/// Teammates' changes received here that cannot apply yet, grouped by what they wait for: an annotation, an article,
/// or a text of an article that has not arrived. They apply as soon as it does, in the same or a later import.
public struct WaitingChanges: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What the changes need.
    public enum Need: String, Sendable, Equatable, Codable {
        /// An annotation this replica has not received (the changes edit, tag or delete it).
        case annotation
        /// An article this replica does not hold (the changes create annotations on it).
        case article
        /// A text of a stored article this replica has not received (the annotations were made on that text).
        case articleText = "article_text"
    }

    /// What the changes need.
    public let need: Need
    /// The annotation or article id.
    public let id: String
    /// How many changes wait for it.
    public let changes: Int
    /// The names of the replicas that made them, in order.
    public let authors: [String]

    /// A group of waiting changes.
    public init(need: Need, id: String, changes: Int, authors: [String]) {
        (self.need, self.id, self.changes, self.authors) = (need, id, changes, authors)
    }

    /// One line, as `sync import`, `status` and `check` print it: "2 changes by alice wait for annotation 2770a344".
    public var description: String {
        let what =
            switch need {
            case .annotation: "annotation \(id.prefix(8)), not received yet"
            case .article: "article \(id.prefix(8)), not here"
            case .articleText: "a text of article \(id.prefix(8)) not received yet"
            }
        let count = changes == 1 ? "1 change" : "\(changes) changes"
        return "\(count) by \(authors.joined(separator: ", ")) \(changes == 1 ? "waits" : "wait") for \(what)"
    }
}

extension NewsDatabase {
    /// The changes waiting here, by what they wait for (annotations, then articles, by id).
    /// - Throws: `StoreError`.
    public func waitingChanges() throws -> [WaitingChanges] {
        try read("listing waiting changes") { db in try Self.waitingChanges(db) }
    }

    static func waitingChanges(_ db: Database) throws -> [WaitingChanges] {
        // A change waits for an annotation (a UUID) or for an article (a 64-character digest): for the article
        // itself when it is not here, else for one of its texts.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.waits_for, count(*) AS changes, EXISTS (SELECT 1 FROM articles WHERE id = p.waits_for) AS stored,
                    (SELECT group_concat(name, char(10)) FROM (
                        SELECT DISTINCT o.name FROM pending_changes q JOIN origins o ON o.n = q.origin
                        WHERE q.waits_for = p.waits_for ORDER BY o.name)) AS authors
                FROM pending_changes p
                GROUP BY p.waits_for
                ORDER BY length(p.waits_for), p.waits_for
                """)
        return rows.map { row in
            let id: String = row["waits_for"]
            let need: WaitingChanges.Need = id.count == 64 ? (row["stored"] ? .articleText : .article) : .annotation
            let authors: String = row["authors"] ?? ""
            return WaitingChanges(
                need: need, id: id, changes: row["changes"], authors: authors.split(separator: "\n").map(String.init))
        }
    }
}
