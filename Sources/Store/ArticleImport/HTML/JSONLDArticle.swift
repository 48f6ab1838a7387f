import Foundation

/// The article a page describes in schema.org JSON-LD (`<script type="application/ld+json">`): the first object
/// whose `@type` is an article type, found at the top level, in arrays, or in an `@graph`.
struct JSONLDArticle: Sendable, Equatable {
    /// The `headline`.
    var headline: String?
    /// The `name`, which some sites give as the title and the headline as a summary (Wikipedia).
    var name: String?
    /// The authors' names.
    var authors: [String] = []
    /// The `datePublished` (else `dateCreated`) as given.
    var datePublished: String?
    /// The publisher's name.
    var publisher: String?
    /// The `description`.
    var description: String?
    /// The `url`, else the `@id` of `mainEntityOfPage`.
    var url: String?
    /// The `inLanguage`: a language tag, or a `Language` object's `alternateName` or `name`.
    var inLanguage: String?

    /// The title: the `headline`, or the `name` when there is no headline or when the page's `<title>` holds the
    /// name and not the headline.
    func title(documentTitle: String?) -> String? {
        guard let headline else { return name }
        guard let name, name != headline, let documentTitle else { return headline }
        return documentTitle.contains(name) && !documentTitle.contains(headline) ? name : headline
    }

    /// The schema.org types that are articles.
    static let articleTypes: Set<String> = [
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
        "SocialMediaPosting", "Report", "ScholarlyArticle", "TechArticle", "SatiricalArticle",
        "AdvertiserContentArticle",
        "WebPage",
    ]

    /// The article described by the first JSON-LD block that describes one, preferring an article type to a plain
    /// `WebPage`; nil when there is none.
    static func find(in tree: HTMLTree) -> JSONLDArticle? {
        var page: JSONLDArticle?
        for script in tree.elements("script") {
            guard tree[script].attributes["type"]?.lowercased().contains("ld+json") == true else { continue }
            // Some pages wrap the JSON in a CDATA section, which HTML does not know: it is text around the JSON.
            var text = TextScanning.trimmed(tree.textContent(script))
            if text.hasPrefix("<![CDATA[") && text.hasSuffix("]]>") { text = text.dropFirst(9).dropLast(3) }
            let document: Any
            do {
                document = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            } catch {
                // Broken metadata is common and harmless: the page's other metadata and its text still count.
                continue
            }
            for object in objects(in: document) {
                let types = typeNames(object["@type"])
                guard !types.isDisjoint(with: articleTypes) else { continue }
                let article = JSONLDArticle(object)
                if types.contains("WebPage") && types.count == 1 {
                    page = page ?? article
                } else {
                    return article
                }
            }
        }
        return page
    }

    /// Every object in `value`: itself, the elements of arrays, and the members of `@graph`, depth first.
    private static func objects(in value: Any) -> [[String: Any]] {
        var result: [[String: Any]] = []
        var stack: [(value: Any, depth: Int)] = [(value, 0)]
        while let (next, depth) = stack.popLast().map({ ($0.value, $0.depth) }), result.count < 1_000 {
            guard depth < 8 else { continue }
            if let array = next as? [Any] {
                stack += array.reversed().map { ($0, depth + 1) }
            } else if let object = next as? [String: Any] {
                result.append(object)
                if let graph = object["@graph"] { stack.append((graph, depth + 1)) }
            }
        }
        return result
    }

    private static func typeNames(_ value: Any?) -> Set<String> {
        let names = (value as? [Any])?.compactMap { $0 as? String } ?? (value as? String).map { [$0] } ?? []
        // "http://schema.org/NewsArticle" and "schema:NewsArticle" name the same type.
        return Set(names.map { String($0.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? "") })
    }

    private init(_ object: [String: Any]) {
        headline = Self.text(object["headline"])
        name = Self.text(object["name"])
        authors = Self.names(object["author"]) + Self.names(object["creator"])
        datePublished = Self.text(object["datePublished"]) ?? Self.text(object["dateCreated"])
        publisher = Self.names(object["publisher"]).first
        description = Self.text(object["description"])
        url = Self.text(object["url"]) ?? Self.text((object["mainEntityOfPage"] as? [String: Any])?["@id"])
        let language = object["inLanguage"] as? [String: Any]
        inLanguage =
            Self.text(object["inLanguage"]) ?? Self.text(language?["alternateName"])
            ?? Self.text(language?["name"])
    }

    private static func text(_ value: Any?) -> String? {
        if let array = value as? [Any] { return array.lazy.compactMap { text($0) }.first }
        guard let string = value as? String else { return nil }
        let collapsed = HTMLText.collapsingWhitespace(string)
        return collapsed.isEmpty ? nil : collapsed
    }

    /// Names of people or organizations: strings, `{"name": …}` objects, or arrays of them.
    private static func names(_ value: Any?) -> [String] {
        if let array = value as? [Any] { return array.flatMap { names($0) } }
        if let object = value as? [String: Any] { return text(object["name"]).map { [$0] } ?? [] }
        return text(value).map { [$0] } ?? []
    }
}
