import Foundation

/// A change as one line of a change file: a JSON array (docs/SYNC.md).
///
///     [ORIGIN, COUNTER, MILLISECONDS, CLOCK-COUNTER, AT, KIND, ...]
///
/// ORIGIN is an index into the file's list of replica ids; AT is 0 when it is the timestamp's own second. Kinds:
/// `a` article version, `c` annotation created, `s` field set, `+` tag added, `-` tag removed, `d` deleted,
/// `r` restored. A `c` on the headline or dek ends with its part (`title`, `dek`). A `c` names the text it was made on
/// (the SHA-256 of its part's text) by the index of a `t` line (`["t", ARTICLE, TEXT-SHA256]`,
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
                "\"a\"", quotedOrNull(version.id), quotedOrNull(version.title), quotedOrNull(version.dek),
                quotedOrNull(version.byline), quotedOrNull(version.source),
                quotedOrNull(version.url), quotedOrNull(version.publishedAt), quotedOrNull(version.body),
            ]
            // Schema 6 added the language and direction; a version without them is written as before.
            if version.language != nil || version.direction != nil {
                fields += [quotedOrNull(version.language), quotedOrNull(version.direction)]
            }
        case .create(let creation):
            let text = textReference(article: creation.articleID, hash: creation.textHash, lines: &lines)
            fields += [
                "\"c\"", quotedOrNull(creation.id), text, quotedOrNull(creation.selector.exact),
                quotedOrNull(creation.selector.prefix),
                quotedOrNull(creation.selector.suffix), String(creation.selector.start), String(creation.selector.end),
                quotedOrNull(creation.note), quotedOrNull(creation.color.rawValue),
                quotedOrNull(creation.motivation.rawValue), quotedOrNull(creation.author),
                "[" + creation.tags.map(quotedOrNull).joined(separator: ",") + "]",
                creation.createdAt == change.at ? "0" : quotedOrNull(creation.createdAt),
            ]
            // Schema 8 added the part; an annotation on the body is written as before.
            if creation.part != .body { fields.append(quotedOrNull(creation.part.rawValue)) }
        case .set(let annotation, let value, let seen):
            let encoded: String
            switch value {
            case .note(let note): encoded = quotedOrNull(note)
            case .color(let color): encoded = quotedOrNull(color.rawValue)
            case .motivation(let motivation): encoded = quotedOrNull(motivation.rawValue)
            case .selector(let selector, let textHash):
                encoded =
                    "["
                    + [
                        quotedOrNull(selector.exact), quotedOrNull(selector.prefix), quotedOrNull(selector.suffix),
                        String(selector.start),
                        String(selector.end),
                        quotedOrNull(textHash),
                    ].joined(separator: ",") + "]"
            }
            fields += [
                "\"s\"", quotedOrNull(annotation), quotedOrNull(value.field.rawValue), encoded, try knowledge(seen),
            ]
        case .tag(let annotation, let tag):
            fields += ["\"+\"", quotedOrNull(annotation), quotedOrNull(tag)]
        case .untag(let annotation, let tag, let seen):
            fields += ["\"-\"", quotedOrNull(annotation), quotedOrNull(tag), try knowledge(seen)]
        case .delete(let annotation, let seen):
            fields += ["\"d\"", quotedOrNull(annotation), try knowledge(seen)]
        case .restore(let annotation, let seen):
            fields += ["\"r\"", quotedOrNull(annotation), try knowledge(seen)]
        }
        lines.append("[" + fields.joined(separator: ",") + "]")
        return lines
    }

    private mutating func textReference(article: String, hash: String, lines: inout [String]) -> String {
        guard definesTexts else { return "[" + quotedOrNull(article) + "," + quotedOrNull(hash) + "]" }
        let key = article + hash
        if let index = textIndex[key] { return String(index) }
        let index = texts.count
        texts.append((article, hash))
        textIndex[key] = index
        lines.append("[\"t\"," + quotedOrNull(article) + "," + quotedOrNull(hash) + "]")
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
            for range in seen.ranges[origin] ?? [] {
                triples.append("[\(number),\(range.lowerBound),\(range.upperBound)]")
            }
        }
        return "[" + triples.joined(separator: ",") + "]"
    }

    private func quotedOrNull(_ text: String?) -> String { text.map(JSONText.quoted) ?? "null" }

    // MARK: - Reading

    /// Reads one line, given as its UTF-8 bytes (without the line feed, or the comma that separates it from the next
    /// line): a change, or nil for a `t` line (which defines the next text).
    /// - Throws: `StoreError` `.invalidInput` saying what is wrong with the line.
    public mutating func decode(line: UnsafeBufferPointer<UInt8>) throws -> Change? {
        var json = JSONByteReader(line)
        guard json.peek() == UInt8(ascii: "[") else { throw invalid("is not a JSON array") }
        var reader = try ChangeFieldReader(json)
        guard !reader.isAtEnd else { throw invalid("is not a JSON array") }
        let change = try decode(&reader)
        try reader.finish()
        try reader.json.expectEnd()
        return change
    }

    /// Reads one line, given as the JSON value `JSONSerialization` makes of it.
    /// - Throws: `StoreError` `.invalidInput` saying what is wrong with the line.
    public mutating func decode(_ value: Any) throws -> Change? {
        guard value is [Any], JSONSerialization.isValidJSONObject(value) else { throw invalid("is not a JSON array") }
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: value)
        } catch {
            throw invalid("is not a JSON array")
        }
        return try data.withUnsafeBytes { raw in try decode(line: raw.bindMemory(to: UInt8.self)) }
    }

    private mutating func decode(_ reader: inout ChangeFieldReader) throws -> Change? {
        if reader.nextIsText {
            guard try reader.string() == "t" else { throw ChangeFieldReader.lacksNumber(field: 1) }
            let article = try reader.string()
            let hash = try reader.string()
            texts.append((article, hash))
            return nil
        }
        let originNumber = try reader.int()
        guard originNumber >= 0, originNumber < origins.count else {
            throw invalid("names replica \(originNumber), which the file does not list")
        }
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
            var version = ArticleVersion(
                id: try reader.articleID(), title: try reader.string(), dek: try reader.optionalString(),
                byline: try reader.optionalString(), source: try reader.optionalString(),
                url: try reader.optionalString(),
                publishedAt: try reader.optionalString(), body: try reader.string())
            version.language = try reader.optionalString()
            version.direction = try reader.optionalString()
            if let language = version.language, ArticleLanguage.tag(language) != language {
                throw invalid("has an article language that is not a language tag in normal form")
            }
            if let direction = version.direction, !ArticleLanguage.directions.contains(direction) {
                throw invalid("has an article direction that is not ltr, rtl or auto")
            }
            body = .article(version)
        case "c":
            let annotation = try reader.annotationID()
            let text = try textReference(&reader)
            let selector = try reader.selector()
            var creation = AnnotationCreation(
                id: annotation, articleID: text.article, textHash: text.hash, selector: selector,
                note: try reader.optionalString(), color: try reader.color(), motivation: try reader.motivation(),
                author: try reader.string(), tags: try tags(&reader), createdAt: try reader.timeOrZero() ?? at)
            // Absent (or null) for the body, as schemas before 8 wrote every creation.
            if let part = try reader.optionalString() {
                guard let parsed = ArticlePart(rawValue: part) else {
                    throw invalid("is on an unknown part of its article \"\(part.prefix(20))\"")
                }
                creation.part = parsed
            }
            body = .create(creation)
        case "s":
            let annotation = try reader.annotationID()
            let field = try reader.string()
            let value: FieldValue
            switch field {
            case "note": value = .note(try reader.optionalString())
            case "color": value = .color(try reader.color())
            case "motivation": value = .motivation(try reader.motivation())
            case "selector":
                value = try reader.array("a selector") { parts in
                    .selector(try parts.selector(), textHash: try parts.string())
                }
            default: throw invalid("sets an unknown field \"\(field)\"")
            }
            body = .set(annotation: annotation, value: value, seen: try knowledge(&reader))
        case "+":
            body = .tag(annotation: try reader.annotationID(), tag: try tag(&reader))
        case "-":
            body = .untag(annotation: try reader.annotationID(), tag: try tag(&reader), seen: try knowledge(&reader))
        case "d":
            body = .delete(annotation: try reader.annotationID(), seen: try knowledge(&reader))
        case "r":
            body = .restore(annotation: try reader.annotationID(), seen: try knowledge(&reader))
        default:
            throw invalid("has an unknown kind \"\(kind)\"")
        }
        return Change(id: id, clock: clock, at: at, body: body)
    }

    private func textReference(_ reader: inout ChangeFieldReader) throws -> (article: String, hash: String) {
        if let number = try reader.intIfNumber() {
            guard number >= 0, number < texts.count else { throw invalid("names text \(number) before it is defined") }
            return texts[number]
        }
        return try reader.array("its article text") { pair in
            let text = (article: try pair.articleID(), hash: try pair.string())
            guard pair.isAtEnd else { throw invalid("names its article text wrongly") }
            return text
        }
    }

    private func knowledge(_ reader: inout ChangeFieldReader) throws -> Knowledge {
        try reader.array("a list of changes seen") { list in
            var knowledge = Knowledge()
            while !list.isAtEnd {
                let (number, first, last) = try list.array("a change range") { triple in
                    let range = (try triple.int(), try triple.int(), try triple.int())
                    guard triple.isAtEnd else { throw invalid("lists the changes it saw wrongly") }
                    return range
                }
                guard number >= 0, number < origins.count, first >= 1, last >= first else {
                    throw invalid("lists the changes it saw wrongly")
                }
                knowledge.insert(Int64(first)...Int64(last), for: origins[number])
            }
            return knowledge
        }
    }

    /// A tag, which must be in normal form; the few tags a file uses are checked once each.
    private mutating func tag(_ reader: inout ChangeFieldReader) throws -> String {
        let text = try reader.string()
        if checkedTags.contains(text) { return text }
        let tag: String
        do {
            tag = try Tag.normalized(text)
        } catch {
            throw invalid("has an invalid tag \"\(text.prefix(70))\"")
        }
        guard tag == text else { throw invalid("has a tag that is not in normal form \"\(text.prefix(70))\"") }
        checkedTags.insert(tag)
        return tag
    }

    private mutating func tags(_ reader: inout ChangeFieldReader) throws -> [String] {
        try reader.array("tags") { list in
            var tags: [String] = []
            while !list.isAtEnd { tags.append(try tag(&list)) }
            return tags
        }
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
    private var checkedTags = Set<String>()

    private func invalid(_ what: String) -> StoreError { StoreError(.invalidInput, "a change \(what)") }
}
