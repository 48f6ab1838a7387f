import Foundation

/// Reads the plain-text article format: the first non-empty line is the title; an optional short line after it
/// is the dek; a line such as `Author: NAME`, `Written by NAME` or `By NAME` is the byline; a line that is only a
/// date is the publication date; the rest is the body, paragraphs kept.
///
/// The dek is the paragraph right after the title when it is one line of at most 200 characters that does not end
/// like a sentence (`.`, `!`, `?`) and more text follows it. Byline and date lines are looked for among the first
/// paragraphs; a byline may also stand alone among the last three paragraphs (`Author: NAME` after the story), as
/// many sites print it.
enum PlainTextArticle {
    static let maximumDekLength = 200
    private static let headerParagraphs = 4
    private static let trailerParagraphs = 3
    private static let bylinePrefixes = ["author:", "authors:", "written by ", "by ", "reporting by ", "byline:"]

    /// Parses one article.
    /// - Parameters:
    ///   - text: The file's text, already decoded.
    ///   - removingFurniture: Whether the furniture of a scraped page is removed (see ``ScrapedText``); `import
    ///     --raw` keeps the body as it is.
    /// - Returns: The draft, with `source` left nil. Its id is worked out from the body as it reads without
    ///   furniture removal, so that an article stored before furniture was removed keeps its id.
    /// - Throws: `StoreError` `.invalidInput` when there is no title or no body.
    static func parse(_ text: String, removingFurniture: Bool = true) throws -> ArticleDraft {
        var paragraphs = paragraphsOf(text)
        guard !paragraphs.isEmpty else { throw StoreError(.invalidInput, "the file is empty") }
        // The title is the first line; lines right under it (a byline, a date) stand as paragraphs of their own.
        let first = paragraphs.removeFirst()
        let title = first[0]
        paragraphs.insert(contentsOf: first.dropFirst().map { [$0] }, at: 0)

        var dek: String?
        var byline: String?
        var published: String?
        var consumed = 0
        while consumed < headerParagraphs, paragraphs.count > 1, paragraphs[0].count == 1 {
            let line = paragraphs[0][0]
            if byline == nil, let name = bylineName(line) {
                byline = name
            } else if published == nil, let date = DateLine.parse(line) {
                published = date
            } else if consumed == 0, isDek(line) {
                dek = line
            } else {
                break
            }
            paragraphs.removeFirst()
            consumed += 1
        }
        let raw = trailingByline(paragraphs, byline: byline, removingBio: false)
        var (body, identityBody) = (joined(raw.paragraphs), nil as String?)
        if removingFurniture {
            let scraped = ScrapedText.clean(paragraphs)
            let cleaned = trailingByline(scraped.paragraphs, byline: byline ?? scraped.byline, removingBio: true)
            (byline, identityBody) = (cleaned.byline, body)
            body = joined(cleaned.paragraphs)
        } else {
            byline = raw.byline
        }
        guard TextScanning.containsWord(body) else {
            throw StoreError(.invalidInput, "the article has a title but no body")
        }
        var draft = ArticleDraft(title: title, dek: dek, byline: byline, publishedAt: published, body: body)
        draft.identityBody = identityBody.flatMap(ArticleDraft.clean).flatMap { $0 == draft.body ? nil : $0 }
        return draft
    }

    private static func joined(_ paragraphs: [[String]]) -> String {
        paragraphs.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    /// A byline standing alone among the last paragraphs (`Author: NAME` after the story), when the header had
    /// none, taken out of the body; with `removingBio`, the author's bio right after it too.
    private static func trailingByline(
        _ paragraphs: [[String]], byline: String?, removingBio: Bool
    ) -> (paragraphs: [[String]], byline: String?) {
        var paragraphs = paragraphs
        var byline = byline
        let tail = max(paragraphs.count - trailerParagraphs, 0)
        if byline == nil, paragraphs.count > 1,
            let position = paragraphs[tail...].lastIndex(where: { $0.count == 1 && bylineName($0[0]) != nil })
        {
            let name = bylineName(paragraphs[position][0])
            byline = name
            paragraphs.remove(at: position)
            if removingBio, let name, position < paragraphs.count, position >= paragraphs.count - 2,
                ScrapedText.isBio(paragraphs[position], of: name)
            {
                paragraphs.remove(at: position)
            }
        }
        return (paragraphs, byline)
    }

    /// Paragraphs as lists of lines: line endings normalized, each line trimmed, blank lines separating.
    static func paragraphsOf(_ text: String) -> [[String]] {
        var paragraphs: [[String]] = []
        var current: [String] = []
        for rawLine in TextScanning.lines(text) {
            let line = TextScanning.trimmed(rawLine)
            if line.isEmpty {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
            } else {
                current.append(String(line))
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }

    /// The name in a byline line, or nil when the line is not a byline.
    static func bylineName(_ line: String) -> String? {
        guard line.utf8.count <= 200, let first = line.utf8.first, "AaBbWwRr".utf8.contains(first) else { return nil }
        let lowered = line.lowercased()
        guard let prefix = bylinePrefixes.first(where: { lowered.hasPrefix($0) }) else { return nil }
        let name = line.dropFirst(prefix.count).trimmingCharacters(
            in: .whitespaces.union(CharacterSet(charactersIn: ":")))
        // "By the time the vote closed" is a sentence, not a byline: a name starts with a capital and is short.
        guard let initial = name.first, initial.isUppercase,
            name.split(separator: " ").count <= 10, !name.hasSuffix(".") || name.count <= 3
        else { return nil }
        return name
    }

    private static func isDek(_ line: String) -> Bool {
        guard line.count <= maximumDekLength else { return false }
        let end = line.trimmingCharacters(in: CharacterSet(charactersIn: "\"'”’)»"))
        guard let last = end.last else { return false }
        return !".!?:;".contains(last)
    }
}
