import Foundation
import GRDB

/// The formats annotations are exported in.
public enum AnnotationExportFormat: String, Sendable, CaseIterable {
    /// A W3C Web Annotation `AnnotationCollection` (JSON-LD).
    case w3c
    /// Per article, its title, source and date, then each quote as a blockquote with its note and tags.
    case markdown
}

extension NewsDatabase {
    /// Imports annotations from JSON Lines (`article`, `quote`, `note`, `tags`, `color`, optional `id`,
    /// `occurrence`, `motivation`) or from a W3C export, in one transaction.
    ///
    /// Every line is checked first. Unless `skipInvalid`, one bad line imports nothing. A line whose `id` exists
    /// updates that annotation as `annotations edit` would (note, tags, color, motivation; a different quote moves it).
    /// A W3C export keeps each annotation's id, author and times, so exporting and importing reproduces them.
    /// - Returns: What was created, updated and skipped.
    /// - Throws: `StoreError` `.invalidInput` listing every bad line (with its number) when some are bad and
    ///   `skipInvalid` is false.
    public func importAnnotations(_ data: Data, skipInvalid: Bool = false) throws -> AnnotationImportReport {
        let parsed = try AnnotationRecordReader.records(from: data)
        let now = Timestamp.string(clock())
        return try write("importing annotations", at: now) { db, local in
            var plan = AnnotationImportPlan(db: db)
            var invalid: [InvalidAnnotation] = []
            var valid: [(AnnotationRecord, PlannedAnnotation)] = []
            var seenIDs = Set<String>()
            for entry in parsed {
                do {
                    let record = try entry.get()
                    if let id = record.id, !seenIDs.insert(id).inserted {
                        throw InvalidAnnotation(place: record.place, reason: "id \(id) appears twice in the file")
                    }
                    do {
                        valid.append((record, try plan.plan(record)))
                    } catch let error as StoreError {
                        throw InvalidAnnotation(place: record.place, reason: error.message)
                    }
                } catch let error as InvalidAnnotation {
                    invalid.append(error)
                }
            }
            if !invalid.isEmpty && !skipInvalid {
                let listing = invalid.prefix(50).map { "  \($0.place): \($0.reason)" }.joined(separator: "\n")
                throw StoreError(
                    .invalidInput,
                    "\(invalid.count) of \(parsed.count) annotations are invalid; nothing was imported "
                        + "(--skip-invalid imports the others):\n\(listing)" + (invalid.count > 50 ? "\n  …" : ""))
            }
            var created = 0
            var updated = 0
            var unchanged = 0
            let author = try Self.fetchReplica(db).name
            for (record, planned) in valid {
                defer { FaultPoint.annotationStored.reach() }
                switch try plan.apply(record, planned, author: author, now: now, &local) {
                case .created: created += 1
                case .updated: updated += 1
                case .unchanged: unchanged += 1
                }
            }
            return AnnotationImportReport(created: created, updated: updated, unchanged: unchanged, skipped: invalid)
        }
    }

    /// Exports live annotations, of one article or all, as W3C JSON-LD or Markdown.
    /// - Parameters:
    ///   - format: W3C or Markdown.
    ///   - article: Only this article's annotations (id or unique prefix).
    /// - Returns: The export's bytes (UTF-8).
    /// - Throws: `StoreError`.
    public func exportAnnotations(_ format: AnnotationExportFormat, article: String? = nil) throws -> Data {
        try export(try annotations(AnnotationFilter(article: article)), as: format)
    }

    /// `annotations` as an export in `format`, with their articles' titles, sources and dates.
    func export(_ annotations: [Annotation], as format: AnnotationExportFormat) throws -> Data {
        var articles: [String: Article] = [:]
        for id in Set(annotations.map(\.articleID)) { articles[id] = try self.article(id) }
        switch format {
        case .w3c:
            let document = W3CAnnotations.collection(annotations, articles: articles, exportID: randomUUIDString())
            do {
                return try JSONSerialization.data(
                    withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            } catch {
                throw StoreError(
                    .invalidInput, "cannot write the W3C export: \(StoreError.describe(error))", underlying: error)
            }
        case .markdown:
            return Data(MarkdownAnnotations.document(annotations, articles: articles).utf8)
        }
    }
}
