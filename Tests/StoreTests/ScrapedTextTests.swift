import Foundation
import Testing

@testable import Store

/// Furniture of scraped pages in plain-text articles, on text written for these tests.
@Suite struct ScrapedTextTests {
    static let story = [
        "The harbour council voted on Tuesday to rebuild the sea wall, after a winter of storms and floods.",
        "Work starts in May. The contractor expects the first section to be finished by the autumn tides.",
    ]

    /// A plain-text article: a title, then `paragraphs` (each a string; lines joined by "\n").
    func parse(_ paragraphs: [String], raw: Bool = false) throws -> ArticleDraft {
        let text = "Sea wall to be rebuilt\n\n" + paragraphs.joined(separator: "\n\n") + "\n"
        return try #require(ArticleDraft.parse(Data(text.utf8), named: "scraped.txt", raw: raw).first)
    }

    @Test("Widget labels standing alone are removed: Most Read, Trending Now, Post a Comment, 0 Comments")
    func labels() throws {
        let draft = try parse(
            ["Trending Now", Self.story[0], "Most Read", Self.story[1], "Post a Comment", "0 Comments", "12 comments"])
        #expect(draft.body == Self.story.joined(separator: "\n\n"))
    }

    @Test("A sentence that starts like a label is story, and stays")
    func labelLikeSentences() throws {
        let sentences = [
            "Most read the report before the vote, the clerk said.", "Trending now: fewer ferries, more buses.",
            "Comments from residents filled two hours of the meeting.",
        ]
        #expect(try parse(Self.story + sentences).body == (Self.story + sentences).joined(separator: "\n\n"))
    }

    @Test("A photo credit and the caption beside it are removed; a long paragraph with a credit-like line stays")
    func photoCredits() throws {
        let image =
            "Photo: Harbour Gazette/Jo Reed\nPhoto: Harbour Gazette/Jo Reed\nWaves over the sea wall in January."
        #expect(try parse([image] + Self.story).body == Self.story.joined(separator: "\n\n"))
        let long =
            "Image: the council's plan\n"
            + Array(repeating: "The plan shows the new wall and its steps.", count: 10).joined(separator: " ")
        #expect(try parse(Self.story + [long]).body.hasSuffix(long))
    }

    @Test(
        "An image's alt text and its caption ending in an agency credit are removed; a story sentence naming an agency stays"
    )
    func captions() throws {
        let caption =
            "Storm over the harbour\nWaves break over the sea wall at Harrowgate Bay on January 12, 2026. JO REED/AFP via Getty Images"
        #expect(try parse([Self.story[0], caption, Self.story[1]]).body == Self.story.joined(separator: "\n\n"))
        let sentence = "The storm was the worst in forty years, according to figures seen by Reuters"
        let kept = try parse(Self.story + ["Harbour figures\n" + sentence + "."])
        #expect(kept.body.contains(sentence))
    }

    @Test("A subscription list is removed; a bulleted list of the story's facts stays")
    func subscriptionLists() throws {
        let offer =
            "Gazette Plus\n • Gazette magazine delivered to your door\n • Enjoy ad-free browsing\n • Comment on articles"
        #expect(try parse(Self.story + [offer]).body == Self.story.joined(separator: "\n\n"))
        let facts =
            "The plan in brief:\n• A wall two metres higher\n• Steps to the beach at three points\n• Work from May"
        #expect(try parse(Self.story + [facts]).body.hasSuffix(facts.replacingOccurrences(of: "\n• ", with: "\n• ")))
    }

    @Test("An About the writer block gives the byline and leaves the body")
    func aboutTheWriter() throws {
        let draft = try parse(
            Self.story + [
                "About the writer", "Jo Reed is the Gazette's harbour correspondent, covering the port since 2019.",
            ])
        #expect(draft.byline == "Jo Reed")
        #expect(draft.body == Self.story.joined(separator: "\n\n"))
    }

    @Test("The author's bio after a closing byline is removed; the same words inside the story stay")
    func bioAfterByline() throws {
        let bio = "Jo Reed is the news editor of the Gazette; follow her on Mastodon."
        let draft = try parse(Self.story + ["Author: Jo Reed", bio])
        #expect(draft.byline == "Jo Reed")
        #expect(draft.body == Self.story.joined(separator: "\n\n"))
        // Without a byline before it, a paragraph about a person is story.
        let story = try parse(Self.story + [bio])
        #expect(story.body.hasSuffix(bio))
    }

    @Test("--raw keeps the body as it is, and the id is the same with or without furniture removed")
    func raw() throws {
        let paragraphs = [
            Self.story[0], "Trending Now", Self.story[1], "About the writer", "Jo Reed is a reporter.", "0 Comments",
        ]
        let raw = try parse(paragraphs, raw: true)
        #expect(raw.body == paragraphs.joined(separator: "\n\n"))
        #expect(raw.byline == nil)
        let cleaned = try parse(paragraphs)
        #expect(cleaned.body == Self.story.joined(separator: "\n\n"))
        #expect(cleaned.id == raw.id)
        // The id is that of the whole text, as it was before furniture was removed.
        #expect(
            raw.id
                == sha256Hex(
                    collapsingWhitespaceOf: ["Sea wall to be rebuilt", paragraphs.joined(separator: "\n\n")],
                    separator: "\n\n"))
    }

    @Test("An article stored before furniture was removed keeps its id: importing it again revises it, no duplicate")
    func upgrade() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        let text = "Sea wall to be rebuilt\n\n" + (Self.story + ["Most Read", "0 Comments"]).joined(separator: "\n\n")
        let path = try folder.write("scraped.txt", text)
        let before = try database.importArticles([.path(path)], raw: true)
        let after = try database.importArticles([.path(path)])
        #expect(after.articles.map(\.id) == before.articles.map(\.id))
        #expect(after.articles.map(\.status) == [.revised])
        #expect(try database.articles().count == 1)
        #expect(try database.article(before.articles[0].id).body == Self.story.joined(separator: "\n\n"))
        #expect(try database.importArticles([.path(path)]).articles.map(\.status) == [.unchanged])
    }
}
