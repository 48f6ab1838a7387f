import Foundation
import Testing

@testable import Store

@Suite struct ArticleLanguageTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
    }

    /// A page whose `<html>` element has `attributes`.
    func page(_ attributes: String, head: String = "", body: String = storyParagraphs) -> String {
        "<!DOCTYPE html>\n<html \(attributes)><head><title>Sea wall to be rebuilt</title>\(head)</head><body>\(body)</body></html>"
    }

    @Test(
        "Language tags are put in their usual case; what is not a tag is nil",
        arguments: [
            ("en", "en"), ("EN-gb", "en-GB"), ("pt_BR", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), (" fr ", "fr"),
            ("sr-Latn", "sr-Latn"), ("und", nil), ("", nil), ("e", nil), ("english!", nil), ("en--GB", nil),
            ("123", nil), ("en-toolongsubtag", nil),
        ] as [(String, String?)])
    func tags(text: String, tag: String?) {
        #expect(ArticleLanguage.tag(text) == tag)
    }

    @Test("Directions are ltr, rtl or auto, case ignored")
    func directions() {
        #expect(ArticleLanguage.direction("RTL") == "rtl")
        #expect(ArticleLanguage.direction(" ltr") == "ltr")
        #expect(ArticleLanguage.direction("auto") == "auto")
        #expect(ArticleLanguage.direction("right") == nil)
    }

    @Test("<html lang dir> gives the language and direction")
    func htmlAttributes() throws {
        let draft = try htmlDraft(page(#"lang="ar-eg" dir="RTL""#))
        #expect(draft.language == "ar-EG")
        #expect(draft.direction == "rtl")
    }

    @Test("Without <html lang>, JSON-LD's inLanguage, then og:locale, then content-language give the language")
    func fallbacks() throws {
        let jsonLD = #"<script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "de-AT"}</script>"#
        let locale = #"<meta property="og:locale" content="fr_FR">"#
        let header = #"<meta http-equiv="Content-Language" content="nl">"#
        #expect(try htmlDraft(page("", head: jsonLD + locale + header)).language == "de-AT")
        let object =
            #"<script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": {"@type": "Language", "alternateName": "es"}}</script>"#
        #expect(try htmlDraft(page("", head: object)).language == "es")
        #expect(try htmlDraft(page("", head: locale + header)).language == "fr-FR")
        #expect(try htmlDraft(page("", head: header)).language == "nl")
        // A header listing two languages says nothing of the article's one.
        #expect(
            try htmlDraft(page("", head: #"<meta http-equiv="content-language" content="en, cy">"#)).language == nil)
        // A lang that is not a tag is passed over for the next source.
        #expect(try htmlDraft(page(#"lang="english""#, head: locale)).language == "fr-FR")
    }

    @Test("<body dir> gives the direction when <html> has none; a page without either has none")
    func bodyDirection() throws {
        let draft = try htmlDraft(page(#"lang="he""#, body: "<div dir=\"rtl\">" + storyParagraphs + "</div>"))
        #expect(draft.direction == nil)
        let page =
            "<!DOCTYPE html><html lang=\"he\"><head><title>Sea wall</title></head><body dir=\"rtl\">"
            + storyParagraphs + "</body></html>"
        #expect(try htmlDraft(page).direction == "rtl")
        #expect(try htmlDraft(self.page("")).language == nil)
    }

    @Test("The language and direction are stored and shown in the article and in the list")
    func stored() throws {
        let path = try folder.write("page.html", page(#"lang="fa" dir="rtl""#))
        let report = try database.importArticles([.path(path)])
        let id = try #require(report.articles.first).id
        let article = try database.article(id)
        #expect(article.language == "fa" && article.direction == "rtl")
        let summary = try #require(try database.articles().first)
        #expect(summary.language == "fa" && summary.direction == "rtl")
    }

    @Test("A new revision without a language keeps the stored one; the earlier revision keeps its own")
    func keptAcrossRevisions() throws {
        let first = try database.importArticles([
            .data(Data(page(#"lang="fr" dir="ltr""#).utf8), name: "page.html")
        ])
        let id = try #require(first.articles.first).id
        // The same article as plain text, changed: a new revision, given as one.
        let text = "Sea wall to be rebuilt\n\n" + harbourStory.joined(separator: "\n\n") + "\n\nA line added later."
        let revised = try database.importArticles([.data(Data(text.utf8), name: "later.txt")], revisionOf: id)
        #expect(revised.articles.first?.status == .revised)
        let article = try database.article(id)
        #expect(article.revision == 2 && article.language == "fr" && article.direction == "ltr")
        let earlier = try database.article(id, revision: 1)
        #expect(earlier.language == "fr" && earlier.direction == "ltr")
        // A page in another language replaces it.
        let german = page(#"lang="de""#, body: storyParagraphs + "<p>Ein Absatz, der später hinzukam.</p>")
        _ = try database.importArticles([.data(Data(german.utf8), name: "de.html")], revisionOf: id)
        let latest = try database.article(id)
        #expect(latest.revision == 3 && latest.language == "de" && latest.direction == "ltr")
        #expect(try database.article(id, revision: 2).language == "fr")
    }

    @Test("An article without a language has the content digest it had before languages were kept")
    func digestUnchanged() {
        let draft = ArticleDraft(title: "Sea wall", body: "The wall.")
        #expect(
            draft.contentHash == sha256Hex(["Sea wall", "", "", "", "", "", "The wall."].joined(separator: "\u{1F}")))
        let french = ArticleDraft(title: "Sea wall", language: "fr", body: "The wall.")
        #expect(french.contentHash != draft.contentHash)
    }

    @Test("A JSON article may give language and direction; a wrong one skips the file with one line")
    func jsonFields() throws {
        let good = #"{"title": "Sea wall", "body": "The wall is rebuilt.", "language": "cy", "direction": "ltr"}"#
        let report = try database.importArticles([.data(Data(good.utf8), name: "good.json")])
        let article = try database.article(try #require(report.articles.first).id)
        #expect(article.language == "cy" && article.direction == "ltr")
        let badLanguage = #"{"title": "Sea wall", "body": "The wall.", "language": "Welsh!"}"#
        let badDirection = #"{"title": "Sea wall", "body": "The wall.", "direction": "sideways"}"#
        let refused = try database.importArticles([
            .data(Data(badLanguage.utf8), name: "language.json"),
            .data(Data(badDirection.utf8), name: "direction.json"),
        ])
        #expect(refused.articles.isEmpty)
        #expect(
            refused.skipped.map(\.reason) == [
                #"field "language" is not a language tag (en, pt-BR): Welsh!"#,
                #"field "direction" must be "ltr", "rtl" or "auto": sideways"#,
            ])
    }
}
