import CLibXML2
import Foundation

/// One item of an RSS 2.0 (or RSS 1.0) channel or one entry of an Atom feed, as the feed gives it.
struct FeedItem: Sendable, Equatable {
    var title: String?
    /// The item's link (RSS `link`, else a permalink `guid`; Atom's `alternate` link).
    var link: String?
    var author: String?
    /// The publication date as given (RSS `pubDate` or `dc:date`; Atom `published`, else `updated`).
    var date: String?
    /// The full content as HTML (RSS `content:encoded`; Atom `content`), when the feed has it.
    var content: String?
    /// Whether the item has a summary (RSS `description`, Atom `summary`) without full content.
    var hasSummary = false
    /// The language of the item or its feed (`xml:lang`, RSS `language`, `dc:language`).
    var language: String?

    static let contentNamespace = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let atom = "http://www.w3.org/2005/Atom"

    /// The items of the feed in `xml`, and the feed's title.
    /// - Throws: `StoreError` `.invalidInput` when the document is not an RSS or Atom feed.
    static func items(in xml: FeedXML) throws -> (title: String?, items: [FeedItem]) {
        guard let root = xml.root else { throw StoreError(.invalidInput, "the XML file is empty") }
        switch FeedXML.name(root) {
        case "rss", "RDF":
            let channel = FeedXML.children(root).first { FeedXML.name($0) == "channel" }
            let fields = channel.map(FeedXML.children) ?? []
            let language = fields.first { FeedXML.name($0) == "language" }.map(FeedXML.text)
            // RSS 2.0 puts items in the channel, RSS 1.0 beside it.
            let items = (fields + FeedXML.children(root)).filter { FeedXML.name($0) == "item" }
            let title = fields.first { FeedXML.name($0) == "title" }.map(FeedXML.text)
            return (title, items.map { rssItem($0, language: language) })
        case "feed" where FeedXML.namespace(root) == atom:
            let title = FeedXML.children(root).first { FeedXML.name($0) == "title" }.map(FeedXML.text)
            let entries = FeedXML.children(root).filter { FeedXML.name($0) == "entry" }
            let language = FeedXML.language(root)
            return (title, entries.map { atomEntry($0, in: xml.pointer, language: language) })
        default:
            throw StoreError(
                .invalidInput,
                "an XML file that is not an RSS or Atom feed (its root element is <\(FeedXML.name(root))>)")
        }
    }

    private static func rssItem(_ node: xmlNodePtr, language: String?) -> FeedItem {
        var item = FeedItem(language: language)
        for field in FeedXML.children(node) {
            let (name, namespace) = (FeedXML.name(field), FeedXML.namespace(field))
            switch (name, namespace) {
            case ("title", ""): item.title = FeedXML.text(field)
            case ("link", ""): item.link = FeedXML.text(field)
            case ("guid", ""):
                if FeedXML.attribute(field, "isPermaLink")?.lowercased() != "false", item.link == nil {
                    item.link = FeedXML.text(field)
                }
            case ("author", ""), ("creator", dublinCore): item.author = item.author ?? FeedXML.text(field)
            case ("pubDate", ""), ("date", dublinCore): item.date = item.date ?? FeedXML.text(field)
            case ("language", dublinCore): item.language = FeedXML.text(field)
            case ("encoded", contentNamespace): item.content = FeedXML.text(field)
            case ("description", ""): item.hasSummary = true
            default: continue
            }
        }
        return item
    }

    private static func atomEntry(_ node: xmlNodePtr, in document: xmlDocPtr, language: String?) -> FeedItem {
        var item = FeedItem(language: FeedXML.language(node) ?? language)
        for field in FeedXML.children(node) where FeedXML.namespace(field) == atom {
            switch FeedXML.name(field) {
            case "title": item.title = FeedXML.text(field)
            case "link":
                let relation = FeedXML.attribute(field, "rel") ?? "alternate"
                if relation == "alternate", item.link == nil { item.link = FeedXML.attribute(field, "href") }
            case "author":
                item.author =
                    item.author ?? FeedXML.children(field).first { FeedXML.name($0) == "name" }.map(FeedXML.text)
            case "published": item.date = FeedXML.text(field)
            case "updated": item.date = item.date ?? FeedXML.text(field)
            case "content":
                // Content given by reference (`src`) is not in the feed.
                guard FeedXML.attribute(field, "src") == nil else { continue }
                switch FeedXML.attribute(field, "type")?.lowercased() ?? "text" {
                case "html", "text/html": item.content = FeedXML.text(field)
                case "xhtml", "application/xhtml+xml": item.content = FeedXML.innerMarkup(field, in: document)
                case "text", "text/plain": item.content = paragraphs(FeedXML.text(field))
                default: continue
                }
            case "summary": item.hasSummary = true
            default: continue
            }
        }
        return item
    }

    /// Plain text as HTML paragraphs: its blank-line-separated blocks, escaped.
    private static func paragraphs(_ text: String) -> String {
        PlainTextArticle.paragraphsOf(text).map { "<p>" + escaped($0.joined(separator: "\n")) + "</p>" }.joined()
    }

    /// `text` escaped for HTML text or a quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
