import Foundation
import Testing

@testable import Store

/// RSS 2.0 and Atom feeds written for these tests.
@Suite struct FeedImportTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    static let content = harbourStory.map { "<p>\($0)</p>" }.joined()

    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>Harbour Gazette</title><link>https://gazette.example/</link><language>en-gb</language>
        <item><title>Sea wall to be rebuilt</title><link>https://Gazette.example/news/sea-wall?utm_source=rss</link>
        <dc:creator>Priya Raman</dc:creator><pubDate>Sat, 14 Mar 2026 09:30:00 +0000</pubDate>
        <description>The council voted to rebuild the sea wall.</description>
        <content:encoded><![CDATA[\(content)<div class="share">Share this on Facebook</div>]]></content:encoded></item>
        <item><title>Ferry timetable cut</title><link>https://gazette.example/news/ferry</link>
        <description>The ferry will run every 40 minutes.</description></item>
        </channel></rss>
        """

    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
          <title>La Gazette du port</title>
          <entry>
            <title>La digue sera reconstruite</title>
            <link rel="alternate" href="https://gazette.example/fr/digue"/>
            <link rel="edit" href="https://gazette.example/edit/1"/>
            <author><name>Amélie Durand</name></author>
            <updated>2026-03-15T10:00:00Z</updated><published>2026-03-14T08:00:00+01:00</published>
            <content type="html">\(content.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))</content>
          </entry>
          <entry xml:lang="en">
            <title>Sea wall, in XHTML</title>
            <link href="https://gazette.example/en/sea-wall"/>
            <updated>2026-03-16T10:00:00Z</updated>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">\(content)</div></content>
          </entry>
          <entry>
            <title>Sea wall, as text</title>
            <id>urn:uuid:1</id>
            <content type="text">\(harbourStory.joined(separator: "\n\n"))</content>
          </entry>
          <entry><title>Only a summary</title><summary>Short.</summary></entry>
        </feed>
        """

    @Test("Every RSS item with full content is an article: title, link as URL, author, date, feed as source, language")
    func rssItems() throws {
        let path = try folder.write("gazette.rss", Self.rss)
        let report = try database.importArticles([.path(path)])
        #expect(report.importedCount == 1)
        let article = try database.article(try #require(report.articles.first).id)
        #expect(article.title == "Sea wall to be rebuilt")
        #expect(article.url == "https://gazette.example/news/sea-wall")
        #expect(article.id == sha256Hex("https://gazette.example/news/sea-wall"))
        #expect(article.byline == "Priya Raman")
        #expect(article.publishedAt == "2026-03-14T09:30:00Z")
        #expect(article.source == "Harbour Gazette")
        #expect(article.language == "en-GB")
        #expect(article.body == harbourStory.joined(separator: "\n\n"))
        #expect(
            report.skipped == [
                SkippedFile(
                    path: path, reason: "item 2 (“Ferry timetable cut”): only a summary, no full content; not imported")
            ])
        // The same feed again: nothing new, and the item's page is kept for --reextract.
        let again = try database.importArticles([.path(path)])
        #expect(again.unchangedCount == 1 && again.importedCount == 0)
        #expect(try database.reextractArticles().articles.map(\.status) == [.unchanged])
    }

    @Test("Atom entries: html, xhtml and text content, the alternate link, the author's name, published before updated")
    func atomEntries() throws {
        let path = try folder.write("gazette.atom", Self.atom)
        let report = try database.importArticles([.path(path)])
        #expect(
            report.articles.map(\.title) == ["La digue sera reconstruite", "Sea wall, in XHTML", "Sea wall, as text"])
        let articles = try report.articles.map { try database.article($0.id) }
        #expect(articles.map(\.body) == Array(repeating: harbourStory.joined(separator: "\n\n"), count: 3))
        #expect(articles[0].url == "https://gazette.example/fr/digue")
        #expect(articles[0].byline == "Amélie Durand")
        #expect(articles[0].publishedAt == "2026-03-14T07:00:00Z")
        #expect(articles.map(\.language) == ["fr", "en", "fr"])
        #expect(articles[1].publishedAt == "2026-03-16T10:00:00Z")
        #expect(articles[2].url == nil)
        #expect(articles[0].source == "La Gazette du port")
        #expect(
            report.skipped.map(\.reason) == ["item 4 (“Only a summary”): only a summary, no full content; not imported"]
        )
    }

    @Test("A feed is known by its content too: a .xml file, or one without an extension, found in a folder")
    func sniffing() throws {
        _ = try folder.write("feeds/gazette.xml", Self.rss)
        _ = try folder.write("feeds/saved-feed", Self.atom)
        _ = try folder.write("feeds/settings.xml", "<?xml version=\"1.0\"?><settings><a>1</a></settings>")
        let report = try database.importArticles([.path(folder.path("feeds"))])
        #expect(report.importedCount == 4)
        #expect(report.skipped.count == 2)
        #expect(!report.skipped.contains { $0.path.hasSuffix("settings.xml") })
        let named = try database.importArticles([.path(folder.path("feeds/settings.xml"))])
        #expect(
            named.skipped.map(\.reason) == [
                "an XML file that is not an RSS or Atom feed (its root element is <settings>)"
            ])
    }

    @Test(
        "A bad feed is one line and nothing of it is imported; the other files still are",
        arguments: [
            ("<?xml version=\"1.0\"?><rss><channel><item><title>Cut short", "not well-formed XML: "),
            (
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Empty</title></channel></rss>",
                "the feed has no items"
            ),
            (
                """
                <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <rss version="2.0"><channel><item><title>&secret;</title></item></channel></rss>
                """,
                "the feed declares entities in a DTD; newsdb does not read such feeds (they can be attacks)"
            ),
            (
                """
                <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
                <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
                <rss version="2.0"><channel><item><title>&d;</title></item></channel></rss>
                """,
                // libxml2 stops an entity expanding to many times its size before newsdb sees the tree.
                "not well-formed XML: Detected an entity reference loop"
            ),
        ])
    func badFeed(feed: String, reason: String) throws {
        let bad = try folder.write("bad.rss", feed)
        let good = try folder.write("good.txt", "Ferry notes\n\nThe ferry runs late.\n")
        let report = try database.importArticles([.path(bad), .path(good)])
        #expect(report.articles.map(\.title) == ["Ferry notes"])
        #expect(report.skipped.count == 1)
        #expect(report.skipped.first?.path == bad)
        #expect(report.skipped.first?.reason.hasPrefix(reason) == true, "\(report.skipped)")
    }

    @Test("An item whose content holds no article is reported with the extractor's reason; the others import")
    func itemWithoutArticle() throws {
        let feed = Self.rss.replacingOccurrences(
            of: "<description>The ferry will run every 40 minutes.</description>",
            with: "<content:encoded>&lt;p&gt;Photo.&lt;/p&gt;</content:encoded>")
        let report = try database.importArticles([.data(Data(feed.utf8), name: "gazette.rss")])
        #expect(report.importedCount == 1)
        #expect(
            report.skipped.map(\.reason) == [
                "item 2 (“Ferry timetable cut”): no article found: the page has too little text outside menus and links; not imported"
            ])
    }

    @Test("--revision-of refuses a feed of several items")
    func revisionOfFeed() throws {
        let text = try database.importArticles([
            .data(Data("Ferry notes\n\nThe ferry runs late.\n".utf8), name: "a.txt")
        ])
        let id = try #require(text.articles.first).id
        let report = try database.importArticles([.data(Data(Self.rss.utf8), name: "gazette.rss")], revisionOf: id)
        #expect(report.articles.isEmpty)
        #expect(report.skipped.map(\.reason) == ["--revision-of takes a file holding one article; this one holds 2"])
    }
}
