import Foundation

/// Reads articles from JSON: one object, an array of objects, or JSON Lines (one object per line).
///
/// Fields: `title` and `body` (required strings), and optional strings `url`, `author` (or `byline`), `source`,
/// `published` (ISO 8601 or a date as articles print it) and `dek`. In place of `body`, an article may carry `html`,
/// the saved page, read as an HTML file is (``HTMLArticle``): `title` may then be left out, and the fields given
/// win over what the page says. Other fields are ignored.
enum JSONArticle {
    /// Parses every article in `data`.
    /// - Parameter lines: Read the data as JSON Lines even when it also parses as one JSON document.
    /// - Throws: `StoreError` `.invalidInput` naming the line (JSON Lines) or the array position of the first bad
    ///   article; a file is all or nothing.
    static func parse(_ data: Data, lines: Bool) throws -> [ArticleDraft] {
        if !lines {
            do {
                let document = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
                if let array = document as? [Any] {
                    guard !array.isEmpty else { throw StoreError(.invalidInput, "the JSON array holds no articles") }
                    return try array.enumerated().map { index, element in
                        try draft(element, at: "article \(index + 1)")
                    }
                }
                return [try draft(document, at: nil)]
            } catch let error as StoreError {
                throw error
            } catch {
                // Not one JSON document. It is JSON Lines only if its first line is a whole object by itself;
                // otherwise the document's own parse error says where it is broken.
                guard firstLineIsObject(data) else {
                    throw StoreError(.invalidInput, "not valid JSON: \(parseErrorDetail(error, in: data))")
                }
            }
        }
        var drafts: [ArticleDraft] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !Self.isJSONWhitespace($0) }) else { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])
            } catch {
                throw StoreError(.invalidInput, "line \(lineNumber): not valid JSON")
            }
            drafts.append(try draft(object, at: "line \(lineNumber)"))
        }
        guard !drafts.isEmpty else { throw StoreError(.invalidInput, "the file is empty") }
        return drafts
    }

    private static func firstLineIsObject(_ data: Data) -> Bool {
        guard
            let line = data.split(separator: UInt8(ascii: "\n")).first(where: { $0.contains { !isJSONWhitespace($0) } })
        else { return false }
        do {
            return try JSONSerialization.jsonObject(with: Data(line)) is [String: Any]
        } catch {
            return false  // the first line alone is not JSON: the file is not JSON Lines
        }
    }

    /// The parser's own account of what is wrong, on one line, with "around character N" given as a line and column.
    private static func parseErrorDetail(_ error: any Error, in data: Data) -> String {
        let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        var text = (detail ?? (error as NSError).localizedDescription).split(separator: "\n").joined(separator: " ")
        if let match = text.firstMatch(of: /around character (\d+)/), let offset = Int(match.1), offset <= data.count {
            let before = data.prefix(offset)
            let line = before.count { $0 == UInt8(ascii: "\n") } + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            text.replaceSubrange(match.range, with: "around line \(line), column \(column)")
        }
        return text
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func draft(_ value: Any, at place: String?) throws -> ArticleDraft {
        let prefix = place.map { "\($0): " } ?? ""
        guard let object = value as? [String: Any] else {
            throw StoreError(.invalidInput, "\(prefix)an article must be a JSON object")
        }
        func string(_ key: String) throws -> String? {
            switch object[key] {
            case nil, is NSNull: return nil
            case let text as String:
                guard !text.utf8.contains(0) else {
                    throw StoreError(.invalidInput, "\(prefix)field \"\(key)\" holds a NUL character (U+0000)")
                }
                return text
            default: throw StoreError(.invalidInput, "\(prefix)field \"\(key)\" must be a string")
            }
        }
        // Fields are checked in this order (title, then body) whatever the file holds, so errors name the same field.
        let givenTitle = try string("title")
        let givenBody = try string("body")
        var page: ArticleDraft?
        if givenBody == nil, let html = try string("html") {
            do {
                page = try HTMLArticle.parse(html: html)
            } catch let error as StoreError {
                throw StoreError(.invalidInput, "\(prefix)field \"html\": \(error.message)")
            }
        }
        guard let title = givenTitle ?? page?.title,
            !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw StoreError(.invalidInput, "\(prefix)field \"title\" is missing or empty")
        }
        guard let body = givenBody ?? page?.body, TextScanning.containsWord(body) else {
            throw StoreError(.invalidInput, "\(prefix)the article has no body (field \"body\" is missing or empty)")
        }
        guard !title.contains(where: \.isNewline) else {
            throw StoreError(.invalidInput, "\(prefix)field \"title\" must be one line")
        }
        let url = try string("url") ?? page?.url
        if let url, !url.isEmpty, CanonicalURL.string(url) == nil {
            throw StoreError(.invalidInput, "\(prefix)field \"url\" is not an absolute http(s) URL: \(url.prefix(80))")
        }
        var published: String?
        if let text = try string("published"), !text.isEmpty {
            guard let date = DateLine.parse(text) else {
                throw StoreError(
                    .invalidInput, "\(prefix)field \"published\" is not a date newsdb can read: \(text.prefix(40))")
            }
            published = date
        } else {
            published = page?.publishedAt
        }
        let language = try string("language")
        if let language, !language.isEmpty, ArticleLanguage.tag(language) == nil {
            throw StoreError(
                .invalidInput, "\(prefix)field \"language\" is not a language tag (en, pt-BR): \(language.prefix(40))")
        }
        let direction = try string("direction")
        if let direction, !direction.isEmpty, ArticleLanguage.direction(direction) == nil {
            throw StoreError(
                .invalidInput,
                "\(prefix)field \"direction\" must be \"ltr\", \"rtl\" or \"auto\": \(direction.prefix(40))")
        }
        let paragraphs = PlainTextArticle.paragraphsOf(body).map { $0.joined(separator: "\n") }
        return ArticleDraft(
            title: title, dek: try string("dek") ?? page?.dek,
            byline: try string("author") ?? string("byline") ?? page?.byline,
            source: try string("source") ?? page?.source, url: url, publishedAt: published,
            language: language ?? page?.language, direction: direction ?? page?.direction,
            body: paragraphs.joined(separator: "\n\n"))
    }
}
