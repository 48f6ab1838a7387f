import GRDB

/// The SQL of a ``LibraryQuery``'s filters, shared by the library's page and the export of what it lists: the
/// articles table is `a`, an annotation `n`.
struct LibraryFilter {
    /// The search's join (ranking by bm25), or "".
    let joins: String
    /// `WHERE …` over the articles `a`, or "".
    let clause: String
    /// The arguments of ``joins`` then ``clause``.
    let arguments: StatementArguments
    /// The conditions an annotation `n` itself meets to count: the tag, color, author and orphan filters, and the
    /// search's `tag:` words.
    let annotationConditions: [String]
    /// Their arguments.
    let annotationArguments: StatementArguments

    /// - Throws: `StoreError` `.invalidInput` for a bad tag.
    init(_ query: LibraryQuery) throws {
        let tag = try query.tag.map(Tag.normalized)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        var joins = ""
        var searchTags: [String] = []
        var searchTagArguments: StatementArguments = []
        if let search = query.search {
            for tag in search.tags {
                conditions.append(Self.annotationExists("t.tag = ?", tagged: true))
                _ = arguments.append(contentsOf: [tag])
                searchTags.append("EXISTS (SELECT 1 FROM annotation_tags t WHERE t.annotation_id = n.id AND t.tag = ?)")
                _ = searchTagArguments.append(contentsOf: [tag])
            }
            if let match = search.matchExpression {
                joins = """
                    LEFT JOIN (SELECT rowid, bm25(articles_fts, 10.0, 4.0, 2.0, 1.0) AS rank FROM articles_fts
                               WHERE articles_fts MATCH ?) m ON m.rowid = a.seq
                    """
                conditions.append(
                    """
                    (m.rowid IS NOT NULL OR a.id IN (
                        SELECT n.article_id FROM annotation_notes_fts JOIN annotations n ON n.seq = annotation_notes_fts.rowid
                        WHERE annotation_notes_fts MATCH ? AND n.deleted_at IS NULL))
                    """)
                _ = arguments.append(contentsOf: [match])
                arguments = [match] + arguments
            }
        }
        var annotationConditions: [String] = []
        var annotationArguments: StatementArguments = []
        if let tag {
            annotationConditions.append(
                "EXISTS (SELECT 1 FROM annotation_tags t WHERE t.annotation_id = n.id AND t.tag = ?)")
            _ = annotationArguments.append(contentsOf: [tag])
        }
        if let color = query.color {
            annotationConditions.append("n.color = ?")
            _ = annotationArguments.append(contentsOf: [color.rawValue])
        }
        if let author = query.author {
            annotationConditions.append("n.author = ?")
            _ = annotationArguments.append(contentsOf: [author])
        }
        if query.having == .orphans { annotationConditions.append("n.anchor_state = 'orphan'") }
        if !annotationConditions.isEmpty || query.having != nil {
            // One annotation must meet them all: bob's pink highlights, not a pink one and one of bob's.
            conditions.append(Self.annotationExists((["1"] + annotationConditions).joined(separator: " AND ")))
            _ = arguments.append(contentsOf: annotationArguments)
        }
        self.joins = joins
        self.clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        self.arguments = arguments
        self.annotationConditions = annotationConditions + searchTags
        self.annotationArguments = annotationArguments + searchTagArguments
    }

    /// `EXISTS` a live annotation `n` of the article `a` meeting `condition` (with its tags as `t` when `tagged`).
    private static func annotationExists(_ condition: String, tagged: Bool = false) -> String {
        let tags = tagged ? " JOIN annotation_tags t ON t.annotation_id = n.id" : ""
        return
            "EXISTS (SELECT 1 FROM annotations n\(tags) WHERE n.article_id = a.id AND n.deleted_at IS NULL AND \(condition))"
    }
}
