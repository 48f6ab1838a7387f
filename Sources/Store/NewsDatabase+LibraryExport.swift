import Foundation
import GRDB

extension NewsDatabase {
    /// Exports the live annotations on every article the library lists for `query` (all of them, not one page), as
    /// `newsdb annotations export` writes them. The filters that describe an annotation (tag, color, author,
    /// orphans, and the search's `tag:` words) choose the annotations too: bob's pink highlights, not every
    /// annotation on an article that has one. The query's sort, limit and offset do not count.
    /// - Parameters:
    ///   - format: W3C or Markdown.
    ///   - query: The library's filters, applied in SQL.
    /// - Returns: The export's bytes (UTF-8).
    /// - Throws: `StoreError` `.invalidInput` for a bad tag.
    public func exportAnnotations(_ format: AnnotationExportFormat, matching query: LibraryQuery) throws -> Data {
        let filter = try LibraryFilter(query)
        let annotations = try read("listing the library's annotations") { db in
            // The innermost `a` is the articles table, as the library's clause expects; `n` an annotation.
            let own = (["n.deleted_at IS NULL"] + filter.annotationConditions).joined(separator: " AND ")
            return try Self.fetchAnnotations(
                db,
                sql: """
                    SELECT \(Self.annotationSelection) FROM annotations a
                    WHERE a.id IN (SELECT n.id FROM annotations n WHERE \(own) AND n.article_id IN (
                        SELECT a.id FROM articles a \(filter.joins) \(filter.clause)))
                    ORDER BY a.article_id, a.anchor_start IS NULL, a.anchor_start, a.created_at, a.id
                    """,
                arguments: filter.annotationArguments + filter.arguments)
        }
        return try export(annotations, as: format)
    }
}
