import Crypto
import Foundation

/// Annotations exported from Hypothesis (hypothes.is): its API's annotation objects (`id`, `uri`, `text`, `tags`,
/// `user`, `created`, `updated`, `target[].selector`), as a list, as an API search answer (`rows`) or as the
/// sidebar's export file (`annotations`). Each is attached to the article whose URL matches its page, and placed by
/// its TextQuoteSelector (``SelectorAnchoring``).
enum HypothesisAnnotations {
    /// The annotation objects of `document` when it is a Hypothesis export; nil otherwise.
    static func items(_ document: Any) -> [Any]? {
        if let object = document as? [String: Any],
            let items = (object["rows"] as? [Any]) ?? (object["annotations"] as? [Any])
        {
            // An answer or export with nothing in it is still one.
            return items.isEmpty || isAnnotation(items[0]) ? items : nil
        }
        if let list = document as? [Any], let first = list.first, isAnnotation(first) { return list }
        return nil
    }

    /// Whether `item` looks like a Hypothesis annotation object: a page's `uri`, and a `target` or a `user`.
    private static func isAnnotation(_ item: Any) -> Bool {
        guard let object = item as? [String: Any] else { return false }
        return object["uri"] is String && (object["target"] != nil || object["user"] != nil)
    }

    /// The records of a Hypothesis export's annotation objects, each checked for what newsdb needs.
    static func records(_ items: [Any]) -> [Result<AnnotationRecord, InvalidAnnotation>] {
        AnnotationRecordReader.items(items, record)
    }

    private static func record(_ item: Any, place: String) throws -> AnnotationRecord {
        guard let object = item as? [String: Any], let uri = object["uri"] as? String, !uri.isEmpty else {
            throw StoreError(.invalidInput, "not a Hypothesis annotation (it has no \"uri\")")
        }
        if let references = object["references"] as? [Any], !references.isEmpty {
            throw StoreError(.invalidInput, "a reply to another annotation; replies are not imported")
        }
        let targets = object["target"] as? [[String: Any]] ?? []
        let selectors = targets.flatMap { $0["selector"] as? [[String: Any]] ?? [] }
        guard let quote = selectors.first(where: { $0["type"] as? String == "TextQuoteSelector" }),
            let exact = quote["exact"] as? String, !TextScanning.trimmed(exact).isEmpty
        else {
            throw StoreError(
                .invalidInput, "a page note, with no quoted passage; newsdb annotates passages of an article")
        }
        var record = AnnotationRecord(place: place, article: uri, quote: exact)
        record.anchorsBySelector = true
        record.prefix = quote["prefix"] as? String
        record.suffix = quote["suffix"] as? String
        let documentLinks = ((object["document"] as? [String: Any])?["link"] as? [[String: Any]] ?? []).compactMap {
            $0["href"] as? String
        }
        // Counted on the web page, navigation and all: only a hint among equally good occurrences.
        record.position = W3CAnnotations.position(in: selectors)
        record.alternateArticles = targets.compactMap { $0["source"] as? String } + documentLinks
        if let id = object["id"] as? String, !id.isEmpty { record.id = annotationID(hypothesisID: id) }
        let note = object["text"] as? String ?? ""
        record.note = TextScanning.trimmed(note).isEmpty ? nil : note
        record.noteGiven = true
        record.tags = try (object["tags"] as? [Any] ?? []).map { value in
            guard let tag = value as? String else { throw StoreError(.invalidInput, "a tag is not a string") }
            return try Tag.normalized(joiningWords(tag))
        }
        if let user = object["user"] as? String, !TextScanning.trimmed(user).isEmpty {
            record.author = user.hasPrefix("acct:") ? String(user.dropFirst(5)) : user
        }
        record.createdAt = try W3CAnnotations.instant(object["created"], "created")
        record.modifiedAt = try W3CAnnotations.instant(object["updated"], "updated")
        return record
    }

    /// A Hypothesis tag may hold spaces ("climate change"); a newsdb tag is one word: `climate-change`.
    static func joiningWords(_ tag: String) -> String {
        TextScanning.trimmed(tag).split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: "-")
    }

    /// The newsdb id of the Hypothesis annotation `id`: a UUID made from it, the same on every import, so importing
    /// a newer export of the same annotations updates them instead of adding copies.
    static func annotationID(hypothesisID id: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("hypothesis:\(id)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8: a UUID of the application's own making (RFC 9562)
        bytes[8] = bytes[8] & 0x3F | 0x80  // the RFC's variant
        let hex = bytes.map { String(format: "%02x", $0) }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}
