import Foundation

/// Reads the articles of an RSS or Atom feed: every item with full content becomes an article through the web-page
/// extractor (``HTMLArticle``), from a page made of the item (its content as the body; its title, link, author,
/// date and language, and the feed's title as the site, as the page's metadata), and that page is what is kept.
/// An item with only a summary, or whose content holds no article, is reported and not imported.
enum FeedArticles {
    /// The largest feed read (32 MiB).
    static let maximumFeedBytes = 32 << 20

    /// Whether `bytes` start, after a byte order mark and white space, like an RSS or Atom feed: an XML declaration
    /// or the root element, with `<rss`, `<feed` or `<rdf:RDF` in the first 1,024 bytes.
    static func looksLikeFeed(_ bytes: Data) -> Bool {
        var head = bytes.prefix(1024)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head = head.dropFirst(3) }
        let start = head.drop { TextScanning.isSpace($0) }
        guard
            start.starts(with: Array("<?xml".utf8)) || start.starts(with: Array("<rss".utf8))
                || start.starts(with: Array("<feed".utf8))
        else { return false }
        let text = String(decoding: start, as: UTF8.self)
        return text.contains("<rss") || text.contains("<feed") || text.contains("<rdf:RDF")
    }

    /// The articles of the feed in `bytes`, each with its page, and the items not imported with the reason.
    /// - Throws: `StoreError` `.invalidInput` when the file is too large, not well-formed XML, not a feed, declares
    ///   entities, or has no items.
    static func read(_ bytes: Data, name: String) throws -> ArticleFile.Articles {
        guard bytes.count <= maximumFeedBytes else {
            let size = ByteCountFormatter.string(fromByteCount: Int64(bytes.count), countStyle: .file)
            throw StoreError(.invalidInput, "it is \(size), more than a feed newsdb reads (32 MiB)")
        }
        let (feedTitle, items) = try FeedItem.items(in: FeedXML(bytes))
        guard !items.isEmpty else { throw StoreError(.invalidInput, "the feed has no items") }
        var result = ArticleFile.Articles()
        for (index, item) in items.enumerated() {
            let label =
                "item \(index + 1)" + (item.title.map { " (“\(HTMLText.collapsingWhitespace($0).prefix(60))”)" } ?? "")
            guard let content = item.content, content.contains(where: { !$0.isWhitespace }) else {
                let reason =
                    item.hasSummary ? "only a summary, no full content; not imported" : "no content; not imported"
                result.skipped.append(SkippedFile(path: name, reason: "\(label): \(reason)"))
                continue
            }
            let html = page(item, content: content, site: feedTitle)
            do {
                let draft = try HTMLArticle.parse(html: html)
                if draft.body.utf8.count > ArticleDraft.maxBodyBytes {
                    throw StoreError(.invalidInput, "its body is more than an article can be (8 MiB)")
                }
                result.articles.append((draft, Data(html.utf8)))
            } catch let error as StoreError {
                result.skipped.append(SkippedFile(path: name, reason: "\(label): \(error.message); not imported"))
            }
        }
        return result
    }

    /// The page an item stands for: what the extractor reads, and what is kept for `import --reextract`.
    static func page(_ item: FeedItem, content: String, site: String?) -> String {
        func meta(_ property: String, _ value: String?) -> String {
            guard let value = value.map(HTMLText.collapsingWhitespace), !value.isEmpty else { return "" }
            return "<meta property=\"\(property)\" content=\"\(FeedItem.escaped(value))\">"
        }
        let language = item.language.flatMap(ArticleLanguage.tag).map { " lang=\"\($0)\"" } ?? ""
        let title = item.title.map { "<title>\(FeedItem.escaped(HTMLText.collapsingWhitespace($0)))</title>" } ?? ""
        let link =
            item.link.flatMap(CanonicalURL.string).map {
                "<link rel=\"canonical\" href=\"\(FeedItem.escaped($0))\">"
            } ?? ""
        return "<!DOCTYPE html>\n<html\(language)><head><meta charset=\"utf-8\">\(title)"
            + meta("og:title", item.title) + link + meta("og:site_name", site) + meta("author", item.author)
            + meta("article:published_time", item.date) + "</head><body><article>\n" + content
            + "\n</article></body></html>\n"
    }
}
