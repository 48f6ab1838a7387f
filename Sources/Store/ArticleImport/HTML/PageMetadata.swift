import Foundation

/// What a page says about its article, each field from the best source present: schema.org JSON-LD, then
/// OpenGraph and `article:` properties, then Twitter cards and plain `<meta>` names, then the page's own markup
/// (`<time datetime>`, `<link rel="canonical">`, `<title>`, the first `<h1>`). The byline printed in the page,
/// which is best looked for near the story, is ``PrintedByline``'s.
///
/// The language is `<html lang>`, else JSON-LD's `inLanguage`, else `og:locale` or a `content-language`
/// declaration; the direction is `<html dir>`, else `<body dir>`. A value that is not a language tag or a direction
/// is passed over.
struct PageMetadata: Sendable, Equatable {
    /// The headline, site name cut from it (see ``ArticleTitle``).
    var title: String?
    /// The page's summary (`description`), a dek when it does not merely repeat the story's start.
    var description: String?
    /// The author(s) the metadata names.
    var byline: String?
    /// The site's name (the article's source).
    var siteName: String?
    /// The canonical URL, absolute http(s).
    var url: String?
    /// The publication date as ``DateLine`` reads it.
    var publishedAt: String?
    /// The page's language, a BCP 47 tag (see ``ArticleLanguage``).
    var language: String?
    /// The page's writing direction: `ltr`, `rtl` or `auto`.
    var direction: String?

    /// Reads the metadata of `tree`.
    init(_ tree: HTMLTree) {
        let meta = Self.metaValues(tree)
        let jsonLD = JSONLDArticle.find(in: tree)
        func first(_ keys: [String]) -> String? { keys.lazy.compactMap { meta[$0] }.first }

        siteName = jsonLD?.publisher ?? first(["og:site_name", "application-name", "twitter:site:name"])
        let documentTitle = tree.firstElement("title").map { tree.collapsedText($0) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        if let headline = jsonLD?.title(documentTitle: documentTitle)
            ?? first(["og:title", "twitter:title", "dc.title", "parsely-title"])
        {
            title = ArticleTitle.clean(headline, siteName: siteName, fromDocumentTitle: false)
        } else if let documentTitle {
            title = ArticleTitle.clean(documentTitle, siteName: siteName, fromDocumentTitle: true)
        } else {
            title = tree.elements("h1").lazy.map { tree.collapsedText($0) }.first { !$0.isEmpty }
        }
        description =
            jsonLD?.description ?? first(["og:description", "twitter:description", "description", "dc.description"])

        let authors = jsonLD?.authors ?? []
        byline =
            authors.isEmpty
            ? first(["author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl"])
                .flatMap(Self.bylineName)
            : Self.uniqued(authors).joined(separator: ", ")

        let dates =
            [jsonLD?.datePublished]
            + [
                "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "date",
                "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
            ].map { meta[$0] }
        let times = tree.elements("time").compactMap { tree[$0].attributes["datetime"] }
        publishedAt = (dates + times.map(Optional.some)).lazy.compactMap { $0 }.compactMap(DateLine.parse).first

        let roots = ["html", "body"].compactMap { tree.firstElement($0) }.map { tree[$0].attributes }
        let contentLanguage = tree.elements("meta").lazy.map { tree[$0].attributes }.first {
            $0["http-equiv"]?.lowercased() == "content-language"
        }?["content"]
        // A content-language header may list several languages ("en, fr"): only one language is the article's.
        let declared = contentLanguage?.split(separator: ",").count == 1 ? contentLanguage : nil
        language =
            [
                roots.first?["lang"], jsonLD?.inLanguage, first(["og:locale", "content-language", "dc.language"]),
                declared,
            ]
            .lazy.compactMap { $0 }.compactMap(ArticleLanguage.tag).first
        direction = roots.lazy.compactMap { $0["dir"] }.compactMap(ArticleLanguage.direction).first

        let base = first(["og:url"]).flatMap(CanonicalURL.string)
        let canonical = tree.elements("link").first { Self.relations(tree, $0).contains("canonical") }
            .flatMap { tree[$0].attributes["href"] }
        url =
            [canonical, first(["og:url"]), jsonLD?.url].lazy.compactMap { $0 }.compactMap { href in
                CanonicalURL.string(href)
                    ?? base.flatMap { URL(string: href, relativeTo: URL(string: $0)) }
                    .flatMap { CanonicalURL.string($0.absoluteString) }
            }.first
    }

    /// `<meta>` values by lowercased `property` or `name` (both when a tag has both); the first of a name wins.
    private static func metaValues(_ tree: HTMLTree) -> [String: String] {
        var values: [String: String] = [:]
        for element in tree.elements("meta") {
            let attributes = tree[element].attributes
            guard let content = attributes["content"].map(HTMLText.collapsingWhitespace), !content.isEmpty else {
                continue
            }
            // `property` may hold several space-separated names ("og:title twitter:title").
            let keys = [attributes["property"], attributes["name"], attributes["itemprop"]].compactMap { $0 }
                .flatMap { $0.lowercased().split(separator: " ").map(String.init) }
            for key in keys where values[key] == nil { values[key] = content }
        }
        return values
    }

    static func relations(_ tree: HTMLTree, _ element: Int) -> [Substring] {
        (tree[element].attributes["rel"] ?? "").lowercased().split(separator: " ")
    }

    /// A byline's name: "By " and the like cut, and nil for a URL (`article:author` is often a profile link).
    static func bylineName(_ text: String) -> String? {
        guard !text.hasPrefix("http://"), !text.hasPrefix("https://") else { return nil }
        let name = PlainTextArticle.bylineName(text) ?? text
        return name.isEmpty ? nil : name
    }

    private static func uniqued(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0.lowercased()).inserted }
    }
}
