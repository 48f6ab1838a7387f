import Foundation

/// A change as one line of a change file: a JSON array (docs/SYNC.md).
///
///     [ORIGIN, COUNTER, MILLISECONDS, CLOCK-COUNTER, AT, KIND, ...]
///
/// ORIGIN is an index into the file's list of replica ids; AT is 0 when it is the timestamp's own second. Kinds:
/// `a` article version, `c` annotation created, `s` field set, `+` tag added, `-` tag removed, `d` deleted,
/// `r` restored. A `c` names the text it was made on by the index of a `t` line (`["t", ARTICLE, TEXT-SHA256]`,
/// numbered from 0 in the order they appear) or, in a change stored alone, by `[ARTICLE, TEXT-SHA256]`.
public struct ChangeCodec {
    /// Replica ids by index, as the file lists them.
    public private(set) var origins: [String]
    private var originIndex: [String: Int]
    /// Article texts defined so far (`t` lines), by index.
    public private(set) var texts: [(article: String, hash: String)] = []
    private var textIndex: [String: Int] = [:]
    /// Whether creations name texts through `t` lines (a file) or inline (a change stored alone).
    private let definesTexts: Bool

    /// A codec for a file whose replicas are `origins`.
    public init(origins: [String], definesTexts: Bool = true) {
        self.origins = origins
        originIndex = Dictionary(origins.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.definesTexts = definesTexts
    }

    // MARK: - Writing

    /// The JSON lines for `change`: a `t` line first when it names a text not defined yet.
    public mutating func encode(_ change: Change) throws -> [String] {
        var lines: [String] = []
        var fields: [String] = [
            String(try index(of: change.id.origin)), String(change.id.counter), String(change.clock.milliseconds),
            String(change.clock.counter),
            change.at == secondText(change.clock.milliseconds) ? "0" : JSONText.quoted(change.at),
        ]
        switch change.body {
        case .article(let version):
            fields += [
                "\"a\"", q(version.id), q(version.title), q(version.dek), q(version.byline), q(version.source),
                q(version.url), q(version.publishedAt), q(version.body),
            ]
        case .create(let creation):
            let text = textReference(article: creation.articleID, hash: creation.textHash, lines: &lines)
            fields += [
                "\"c\"", q(creation.id), text, q(creation.selector.exact), q(creation.selector.prefix),
                q(creation.selector.suffix), String(creation.selector.start), String(creation.selector.end),
                q(creation.note), q(creation.color.rawValue), q(creation.motivation.rawValue), q(creation.author),
                "[" + creation.tags.map(q).joined(separator: ",") + "]",
                creation.createdAt == change.at ? "0" : q(creation.createdAt),
            ]
        case .set(let annotation, let value, let seen):
            let encoded: String
            switch value {
            case .note(let note): encoded = q(note)
            case .color(let color): encoded = q(color.rawValue)
            case .motivation(let motivation): encoded = q(motivation.rawValue)
            case .selector(let selector, let textHash):
                encoded = "[" + [
                    q(selector.exact), q(selector.prefix), q(selector.suffix), String(selector.start), String(selector.end),
                    q(textHash),
                ].joined(separator: ",") + "]"
            }
            fields += ["\"s\"", q(annotation), q(value.field.rawValue), encoded, try knowledge(seen)]
        case .tag(let annotation, let tag):
            fields += ["\"+\"", q(annotation), q(tag)]
        case .untag(let annotation, let tag, let seen):
            fields += ["\"-\"", q(annotation), q(tag), try knowledge(seen)]
        case .delete(let annotation, let seen):
            fields += ["\"d\"", q(annotation), try knowledge(seen)]
        case .restore(let annotation, let seen):
            fields += ["\"r\"", q(annotation), try knowledge(seen)]
        }
        lines.append("[" + fields.joined(separator: ",") + "]")
        return lines
    }

    private mutating func textReference(article: String, hash: String, lines: inout [String]) -> String {
        guard definesTexts else { return "[" + q(article) + "," + q(hash) + "]" }
        let key = article + hash
        if let index = textIndex[key] { return String(index) }
        let index = texts.count
        texts.append((article, hash))
        textIndex[key] = index
        lines.append("[\"t\"," + q(article) + "," + q(hash) + "]")
        return String(index)
    }

    private mutating func index(of origin: String) throws -> Int {
        if let index = originIndex[origin] { return index }
        guard !definesTexts else {
            throw StoreError(.database, "replica \(origin.prefix(8)) is missing from the file's list of replicas")
        }
        origins.append(origin)
        originIndex[origin] = origins.count - 1
        return origins.count - 1
    }

    /// `[[ORIGIN, FIRST, LAST], ...]`.
    private mutating func knowledge(_ seen: Knowledge) throws -> String {
        var triples: [String] = []
        for origin in seen.ranges.keys.sorted() {
            let number = try index(of: origin)
            for range in seen.ranges[origin] ?? [] { triples.append("[\(number),\(range.lowerBound),\(range.upperBound)]") }
        }
        return "[" + triples.joined(separator: ",") + "]"
    }

    private func q(_ text: String?) -> String { text.map(JSONText.quoted) ?? "null" }

    // MARK: - Reading

    /// Reads one line: a change, or nil for a `t` line (which defines the next text).
    /// - Throws: `StoreError` `.invalidInput` saying what is wrong with the line.
    public mutating func decode(_ value: Any) throws -> Change? {
        guard let array = value as? [Any], !array.isEmpty else { throw invalid("is not a JSON array") }
        var reader = FieldReader(array: array)
        if let tag = array.first as? String, tag == "t" {
            reader.position = 1
            let article = try reader.string()
            let hash = try reader.string()
            texts.append((article, hash))
            return nil
        }
        let originNumber = try reader.int()
        guard originNumber >= 0, originNumber < origins.count else { throw invalid("names replica \(originNumber), which the file does not list") }
        let origin = origins[originNumber]
        let counter = try reader.int()
        let milliseconds = try reader.int()
        let clockCounter = try reader.int()
        guard counter >= 1, milliseconds >= 0, clockCounter >= 0, clockCounter <= Int(UInt32.max) else {
            throw invalid("has an impossible counter or clock")
        }
        let clock = HLCTimestamp(milliseconds: Int64(milliseconds), counter: UInt32(clockCounter), replica: origin)
        let at = try reader.timeOrZero() ?? secondText(clock.milliseconds)
        let id = ChangeID(origin: origin, counter: Int64(counter))
        let kind = try reader.string()
        let body: Change.Body
        switch kind {
        case "a":
            body = .article(ArticleVersion(
                id: try reader.articleID(), title: try reader.string(), dek: try reader.optionalString(),
                byline: try reader.optionalString(), source: try reader.optionalString(), url: try reader.optionalString(),
                publishedAt: try reader.optionalString(), body: try reader.string()))
        case "c":
            let annotation = try reader.annotationID()
            let text = try textReference(&reader)
            let selector = try reader.selector()
            body = .create(AnnotationCreation(
                id: annotation, articleID: text.article, textHash: text.hash, selector: selector,
                note: try reader.optionalString(), color: try reader.color(), motivation: try reader.motivation(),
                author: try reader.string(), tags: try reader.tags(), createdAt: try reader.timeOrZero() ?? at))
        case "s":
            let annotation = try reader.annotationID()
            let field = try reader.string()
            let value: FieldValue
            switch field {
            case "note": value = .note(try reader.optionalString())
            case "color": value = .color(try reader.color())
            case "motivation": value = .motivation(try reader.motivation())
            case "selector":
                guard let parts = reader.next() as? [Any] else { throw invalid("has a selector that is not an array") }
                var inner = FieldReader(array: parts)
                value = .selector(try inner.selector(), textHash: try inner.string())
            default: throw invalid("sets an unknown field \"\(field)\"")
            }
            body = .set(annotation: annotation, value: value, seen: try knowledge(&reader))
        case "+":
            body = .tag(annotation: try reader.annotationID(), tag: try reader.tag())
        case "-":
            body = .untag(annotation: try reader.annotationID(), tag: try reader.tag(), seen: try knowledge(&reader))
        case "d":
            body = .delete(annotation: try reader.annotationID(), seen: try knowledge(&reader))
        case "r":
            body = .restore(annotation: try reader.annotationID(), seen: try knowledge(&reader))
        default:
            throw invalid("has an unknown kind \"\(kind)\"")
        }
        return Change(id: id, clock: clock, at: at, body: body)
    }

    private func textReference(_ reader: inout FieldReader) throws -> (article: String, hash: String) {
        let value = reader.next()
        if let number = FieldReader.integer(value) {
            guard number >= 0, number < texts.count else { throw invalid("names text \(number) before it is defined") }
            return texts[number]
        }
        guard let pair = value as? [Any], pair.count == 2 else { throw invalid("names its article text wrongly") }
        var inner = FieldReader(array: pair)
        return (try inner.articleID(), try inner.string())
    }

    private func knowledge(_ reader: inout FieldReader) throws -> Knowledge {
        guard let list = reader.next() as? [Any] else { throw invalid("has a list of changes seen that is not an array") }
        var knowledge = Knowledge()
        for item in list {
            guard let triple = item as? [Any], triple.count == 3, let number = FieldReader.integer(triple[0]),
                let first = FieldReader.integer(triple[1]), let last = FieldReader.integer(triple[2]),
                number >= 0, number < origins.count, first >= 1, last >= first
            else { throw invalid("lists the changes it saw wrongly") }
            knowledge.insert(Int64(first)...Int64(last), for: origins[number])
        }
        return knowledge
    }

    /// The ISO 8601 text of the second `milliseconds` falls in; changes made together share it, so the last one is kept.
    private mutating func secondText(_ milliseconds: Int64) -> String {
        let second = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        if let cached = lastSecond, cached.second == second { return cached.text }
        let text = Timestamp.string(Date(timeIntervalSince1970: Double(second)))
        lastSecond = (second, text)
        return text
    }

    private var lastSecond: (second: Int64, text: String)?

    private func invalid(_ what: String) -> StoreError { StoreError(.invalidInput, "a change \(what)") }
}

/// Reads the fields of a change line in order.
private struct FieldReader {
    let array: [Any]
    var position = 0

    mutating func next() -> Any? {
        defer { position += 1 }
        return position < array.count ? array[position] : nil
    }

    mutating func string() throws -> String {
        guard let text = next() as? String else { throw StoreError(.invalidInput, "a change lacks a text field (field \(position))") }
        return text
    }

    mutating func optionalString() throws -> String? {
        let value = next()
        if value == nil || value is NSNull { return nil }
        guard let text = value as? String else { throw StoreError(.invalidInput, "a change has a field that is not text (field \(position))") }
        return text
    }

    /// `value` as a whole number (JSON true and false, which also come back as numbers, are 1 and 0: harmless
    /// where a number is expected, and the SHA-256 has already vouched for the file).
    static func integer(_ value: Any?) -> Int? {
        value as? Int
    }

    mutating func int() throws -> Int {
        guard let number = Self.integer(next()) else {
            throw StoreError(.invalidInput, "a change lacks a number (field \(position))")
        }
        return number
    }

    mutating func timeOrZero() throws -> String? {
        let value = next()
        if let number = Self.integer(value), number == 0 { return nil }
        guard let text = value as? String, !text.isEmpty else { throw StoreError(.invalidInput, "a change has a bad time") }
        return text
    }

    mutating func annotationID() throws -> String {
        let text = try string()
        guard text.count == 36, UUID(uuidString: text) != nil, text == text.lowercased() else {
            throw StoreError(.invalidInput, "a change names annotation \"\(text.prefix(40))\", which is not a lowercase UUID")
        }
        return text
    }

    mutating func articleID() throws -> String {
        let text = try string()
        guard text.utf8.count == 64, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw StoreError(.invalidInput, "a change names article \"\(text.prefix(70))\", which is not a newsdb article id")
        }
        return text
    }

    mutating func selector() throws -> TextSelector {
        let exact = try string()
        let prefix = try string()
        let suffix = try string()
        let start = try int()
        let end = try int()
        guard !exact.isEmpty, start >= 0, end > start else { throw StoreError(.invalidInput, "a change has an impossible passage") }
        return TextSelector(exact: exact, prefix: prefix, suffix: suffix, start: start, end: end)
    }

    mutating func color() throws -> AnnotationColor {
        let text = try string()
        guard let color = AnnotationColor(rawValue: text) else { throw StoreError(.invalidInput, "a change has an unknown color \"\(text)\"") }
        return color
    }

    mutating func motivation() throws -> Motivation {
        let text = try string()
        guard let motivation = Motivation(rawValue: text) else {
            throw StoreError(.invalidInput, "a change has an unknown motivation \"\(text)\"")
        }
        return motivation
    }

    mutating func tag() throws -> String {
        let text = try string()
        let tag: String
        do {
            tag = try Tag.normalized(text)
        } catch {
            throw StoreError(.invalidInput, "a change has an invalid tag \"\(text.prefix(70))\"")
        }
        guard tag == text else { throw StoreError(.invalidInput, "a change has a tag that is not in normal form \"\(text.prefix(70))\"") }
        return tag
    }

    mutating func tags() throws -> [String] {
        guard let list = next() as? [Any] else { throw StoreError(.invalidInput, "a change has tags that are not a list") }
        return try list.map { item in
            var inner = FieldReader(array: [item])
            return try inner.tag()
        }
    }
}
