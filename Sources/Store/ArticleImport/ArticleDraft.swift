import Foundation

/// An article as read from a file, before it is stored: the fields an importer found, already cleaned.
public struct ArticleDraft: Sendable, Equatable {
    /// The headline (one line, never empty).
    public var title: String
    /// The subtitle or standfirst.
    public var dek: String?
    /// The author(s).
    public var byline: String?
    /// The publication or outlet.
    public var source: String?
    /// The article's URL, in canonical form when it is an http(s) URL (see ``CanonicalURL``).
    public var url: String?
    /// The publication date (`2026-03-14`) or instant in UTC (`2026-03-14T09:30:00Z`).
    public var publishedAt: String?
    /// The language the article is written in, a BCP 47 tag (see ``ArticleLanguage/tag(_:)``).
    public var language: String?
    /// The writing direction the source declares: `ltr`, `rtl` or `auto`.
    public var direction: String?
    /// Parses an article file's bytes as `import` would, without importing them: plain text, a JSON document,
    /// JSON Lines, an HTML page or a feed, by `name`'s extension (or the content, for other names).
    /// - Parameter raw: Whether a plain-text body keeps a scraped page's furniture (`import --raw`).
    /// - Throws: `StoreError` `.invalidInput` with the reason `import` gives for skipping such a file.
    public static func parse(_ data: Data, named name: String, raw: Bool = false) throws -> [ArticleDraft] {
        try ArticleFile(name: name, data: data).read(source: nil, raw: raw)
    }

    /// The most bytes (UTF-8) an article's body may have: 8 MiB, more than twice War and Peace.
    public static let maxBodyBytes = 8 << 20

    /// The body; paragraphs separated by a blank line (never empty).
    public var body: String
    /// The body the id is worked out from, when it is not ``body``: a plain-text article's body as it read before
    /// furniture was removed from scraped text, so that articles stored before then keep their ids.
    var identityBody: String?

    /// Creates a draft; text fields are trimmed and normalized to Unicode NFC, and empty optional fields become nil.
    /// A language that is not a language tag, or a direction that is not one, is left out.
    public init(
        title: String, dek: String? = nil, byline: String? = nil, source: String? = nil, url: String? = nil,
        publishedAt: String? = nil, language: String? = nil, direction: String? = nil, body: String
    ) {
        self.title = Self.clean(title) ?? ""
        self.dek = Self.clean(dek)
        self.byline = Self.clean(byline)
        self.source = Self.clean(source)
        self.url = Self.clean(url).map { CanonicalURL.string($0) ?? $0 }
        self.publishedAt = Self.clean(publishedAt)
        self.language = language.flatMap(ArticleLanguage.tag)
        self.direction = direction.flatMap(ArticleLanguage.direction)
        self.body = Self.clean(body) ?? ""
    }

    /// The article id: SHA-256 (hex) of the canonical URL when there is one, else of the title and body with
    /// white space collapsed, so that two machines importing the same article agree on its id.
    public var id: String {
        if let url, CanonicalURL.string(url) != nil {
            return sha256Hex(url)
        }
        return sha256Hex(collapsingWhitespaceOf: [title, identityBody ?? body], separator: "\n\n")
    }

    /// A digest of every stored field, to tell an unchanged re-import from a changed one. The language and direction
    /// count only when there is one, so that the digest of an article without them is what it was before schema 6.
    var contentHash: String {
        var fields = [title, dek ?? "", byline ?? "", source ?? "", url ?? "", publishedAt ?? "", body]
        if language != nil || direction != nil { fields += [language ?? "", direction ?? ""] }
        return sha256Hex(fields.joined(separator: "\u{1F}"))
    }

    /// The number of words in the body: white-space-separated runs that hold a letter or digit.
    var wordCount: Int { TextScanning.wordCount(body) }

    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = TextScanning.trimmed(text)
        return trimmed.isEmpty ? nil : TextScanning.nfc(String(trimmed))
    }
}
