import Dispatch
import Foundation
import Synchronization

/// One annotation read from an import file (a JSON Lines line, or an item of a W3C export), before it is checked
/// against the database.
struct AnnotationRecord: Sendable {
    /// Where it came from, for messages: `line 3`, `item 2`.
    var place: String
    var id: String?
    /// The article: an id or unique prefix, its URL, or `urn:newsdb:article:ID`.
    var article: String
    /// The part of the article the quote is in (`"part"` in JSON Lines, the selector's refinement in a W3C export).
    var part: ArticlePart = .body
    var quote: String
    var prefix: String?
    var suffix: String?
    /// Offsets of the passage in the article's body (W3C TextPositionSelector).
    var position: Range<Int>?
    /// Whether the record came with selectors made by a tool (a W3C or Hypothesis export): it is then placed by its
    /// quote, context and position, approximately if need be, and kept as an orphan rather than refused
    /// (``SelectorAnchoring``). A JSON Lines quote, typed by a person, must occur as typed.
    var anchorsBySelector = false
    /// Other URLs of the same page (a Hypothesis target's source, its document's links), tried in order when no
    /// article has `article`'s.
    var alternateArticles: [String] = []
    var occurrence: Int?
    /// The note; nil when the record says nothing about it (an update then keeps the stored note).
    var note: String?
    var noteGiven = false
    /// The tags; nil when the record says nothing about them.
    var tags: [String]?
    var color: AnnotationColor?
    var motivation: Motivation?
    /// Kept from a W3C export so a round trip reproduces the annotation.
    var author: String?
    var createdAt: String?
    var modifiedAt: String?
}

/// A line or item an annotation import could not use, and why.
public struct InvalidAnnotation: Error, Sendable, Equatable, Codable {
    /// `line N` (JSON Lines) or `item N` (W3C export).
    public let place: String
    /// One line saying what is wrong.
    public let reason: String
}

/// What an annotation import did.
public struct AnnotationImportReport: Sendable, Equatable, Codable {
    /// Annotations created.
    public let created: Int
    /// Existing annotations (same id) changed, recorded as edits.
    public let updated: Int
    /// Existing annotations that already matched the file.
    public let unchanged: Int
    /// Lines or items skipped (only with `skipInvalid`).
    public let skipped: [InvalidAnnotation]
}

/// Reads the annotation import formats.
enum AnnotationRecordReader {
    static func records(from data: Data) throws -> [Result<AnnotationRecord, InvalidAnnotation>] {
        if let document = jsonDocument(data) {
            if W3CAnnotations.isW3C(document) { return try W3CAnnotations.records(from: document) }
            if let items = HypothesisAnnotations.items(document) { return HypothesisAnnotations.records(items) }
        }
        // Lines are parsed on every core: for a large file, JSON parsing is much of an import's time.
        let lines = lineRanges(data)
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, lines.count / 1_000))
        let results = Mutex<[Int: [Result<AnnotationRecord, InvalidAnnotation>]]>([:])
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (lines.count * part / parts)..<(lines.count * (part + 1) / parts)
            var records: [Result<AnnotationRecord, InvalidAnnotation>] = []
            records.reserveCapacity(range.count)
            for index in range {
                let line = data[lines[index]]
                guard line.contains(where: { !($0 == 0x20 || $0 == 0x0D || $0 == 0x09) }) else { continue }
                records.append(record(line, place: "line \(index + 1)"))
            }
            results.withLock { $0[part] = records }
        }
        return results.withLock { parts in parts.keys.sorted().flatMap { parts[$0] ?? [] } }
    }

    private static func record(_ line: Data.SubSequence, place: String) -> Result<AnnotationRecord, InvalidAnnotation> {
        do {
            let object = try JSONSerialization.jsonObject(with: Data(line))
            try NULCharacter.refuse(in: object, what: "the annotation")
            return .success(try jsonLinesRecord(object, place: place))
        } catch let error as StoreError {
            return .failure(InvalidAnnotation(place: place, reason: error.message))
        } catch {
            return .failure(InvalidAnnotation(place: place, reason: "not valid JSON"))
        }
    }

    /// The records of an export's items (`item 1`, `item 2`, …), each read by `read` or refused with its reason.
    static func items(_ items: [Any], _ read: (Any, String) throws -> AnnotationRecord) -> [Result<
        AnnotationRecord, InvalidAnnotation
    >] {
        items.enumerated().map { index, item in
            let place = "item \(index + 1)"
            do {
                try NULCharacter.refuse(in: item, what: "the annotation")
                return .success(try read(item, place))
            } catch let error as StoreError {
                return .failure(InvalidAnnotation(place: place, reason: error.message))
            } catch {
                return .failure(InvalidAnnotation(place: place, reason: StoreError.describe(error)))
            }
        }
    }

    /// `data` as one JSON document, or nil when it is not one (it may then be JSON Lines).
    private static func jsonDocument(_ data: Data) -> Any? {
        guard let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return nil }
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            return nil  // several objects, one per line: read as JSON Lines
        }
    }

    /// A JSON Lines object: `article`, `quote` (required), `part`, `note`, `tags`, `color`, `id`, `occurrence`,
    /// `motivation`.
    private static func jsonLinesRecord(_ value: Any, place: String) throws -> AnnotationRecord {
        guard let object = value as? [String: Any] else {
            throw StoreError(.invalidInput, "an annotation must be a JSON object")
        }
        func string(_ key: String) throws -> String? {
            switch object[key] {
            case nil, is NSNull: return nil
            case let text as String: return text
            default: throw StoreError(.invalidInput, "field \"\(key)\" must be a string")
            }
        }
        guard let article = try string("article"), !article.isEmpty else {
            throw StoreError(.invalidInput, "field \"article\" is missing")
        }
        guard let quote = try string("quote"), !TextScanning.trimmed(quote).isEmpty else {
            throw StoreError(.invalidInput, "field \"quote\" is missing or empty")
        }
        var record = AnnotationRecord(place: place, article: article, quote: quote)
        record.id = try string("id").map(NewsDatabase.checkedAnnotationID)
        if let part = try string("part") {
            guard let parsed = ArticlePart(rawValue: part) else {
                throw StoreError(.invalidInput, "part \"\(part)\" is not one of title, dek, body")
            }
            record.part = parsed
        }
        if object["note"] != nil {
            record.note = try string("note")
            record.noteGiven = true
        }
        if let tags = object["tags"], !(tags is NSNull) {
            guard let list = tags as? [Any], list.allSatisfy({ $0 is String }) else {
                throw StoreError(.invalidInput, "field \"tags\" must be a list of strings")
            }
            record.tags = try list.compactMap { $0 as? String }.map(Tag.normalized)
        }
        if let color = try string("color") {
            guard let parsed = AnnotationColor(rawValue: color.lowercased()) else {
                throw StoreError(
                    .invalidInput,
                    "color \"\(color)\" is not one of \(AnnotationColor.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            record.color = parsed
        }
        if let motivation = try string("motivation") {
            guard let parsed = Motivation(rawValue: motivation) else {
                throw StoreError(.invalidInput, "motivation \"\(motivation)\" is not a W3C motivation")
            }
            record.motivation = parsed
        }
        if let occurrence = object["occurrence"], !(occurrence is NSNull) {
            // JSON true and false come back as NSNumber too: only a number whose type is not "c" (char, Bool) counts.
            guard let value = occurrence as? NSNumber, String(cString: value.objCType) != "c",
                let number = occurrence as? Int,
                number >= 1
            else {
                throw StoreError(.invalidInput, "field \"occurrence\" must be a whole number from 1")
            }
            record.occurrence = number
        }
        return record
    }
}
