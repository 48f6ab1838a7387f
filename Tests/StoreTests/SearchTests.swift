import Foundation
import Testing

@testable import Store

@Suite struct SearchQueryTests {
    @Test(
        "Queries become FTS5 expressions that cannot be syntax errors",
        arguments: [
            ("nato troops", #""nato" AND "troops""#),
            (#""prime minister" vote"#, #""prime minister" AND "vote""#),
            ("elect*", #""elect" *"#),
            ("budget -school", #""budget" NOT "school""#),
            ("strike OR walkout", #"("strike" OR "walkout")"#),
            (#"AND ( "unbalanced"#, #""AND" AND "unbalanced""#),
            (#"it's 6.5%"#, #""it's" AND "6.5%""#),
        ])
    func matchExpressions(_ text: String, _ expected: String) throws {
        #expect(try SearchQuery(text).matchExpression == expected)
    }

    @Test("A query with no word is refused", arguments: ["", "   ", "-- ( )", "\"\""])
    func empty(_ text: String) {
        let error = #expect(throws: StoreError.self) { try SearchQuery(text) }
        #expect(error?.message == "the search '\(text)' has no word to look for")
    }

    @Test("A query that only excludes words says so")
    func onlyExclusions() {
        let error = #expect(throws: StoreError.self) { try SearchQuery("-budget -school") }
        #expect(
            error?.message == "the search '-budget -school' only excludes words; give at least one word to look for")
    }
}

@Suite struct SearchTests {
    let folder: TemporaryDirectory
    let database: NewsDatabase

    init() throws {
        folder = try TemporaryDirectory()
        database = try NewsDatabase.fresh(in: folder)
        _ = try database.importArticles([
            .data(
                Data(
                    plainArticle(
                        title: "Port strike enters second day", body: "Dockworkers stayed out. The harbour was quiet."
                    ).utf8), name: "1"),
            .data(
                Data(
                    plainArticle(
                        title: "Library reopens", body: "The strike at the port was mentioned once. Books returned."
                    ).utf8), name: "2"),
            .data(
                Data(
                    plainArticle(
                        title: "Budget vote", body: "Councillors voted on the budget.", byline: "Ann Strikeford"
                    ).utf8), name: "3"),
        ])
    }

    @Test("A title match ranks above a body match, and the snippet marks the matched words")
    func ranking() throws {
        let hits = try database.search(SearchQuery("port strike"))
        #expect(hits.map(\.title) == ["Port strike enters second day", "Library reopens"])
        #expect(hits[1].snippet.contains("\(SearchHit.matchStart)strike\(SearchHit.matchEnd)"))
    }

    @Test("Words are stemmed: 'voting' finds 'voted'")
    func stemming() throws {
        #expect(try database.search(SearchQuery("voting")).map(\.title) == ["Budget vote"])
    }

    @Test("The byline is searched")
    func byline() throws {
        #expect(try database.search(SearchQuery("strikeford")).map(\.title) == ["Budget vote"])
    }

    @Test("Exclusion and limit work")
    func exclusionAndLimit() throws {
        #expect(try database.search(SearchQuery("strike -library")).map(\.title) == ["Port strike enters second day"])
        #expect(try database.search(SearchQuery("the"), limit: 1).count == 1)
    }
}

@Suite struct ArticleLookupTests {
    @Test("Any unique prefix of at least four characters finds the article; ambiguity and absence are explained")
    func prefixes() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        // Enough articles that some share their first four hex digits.
        var drafts: [ArticleInput] = []
        for index in 0..<300 {
            drafts.append(
                .data(Data(plainArticle(title: "Title \(index)", body: "Body \(index).").utf8), name: "\(index)"))
        }
        let report = try database.importArticles(drafts)
        let ids = report.articles.map(\.id)
        let first = ids[0]
        #expect(try database.article(first).id == first)
        #expect(try database.article(String(first.prefix(12)).uppercased()).id == first)

        var byPrefix: [Substring: [String]] = [:]
        for id in ids { byPrefix[id.prefix(4), default: []].append(id) }
        let shared = try #require(byPrefix.first { $0.value.count > 1 })
        let ambiguous = #expect(throws: StoreError.self) { try database.article(String(shared.key)) }
        #expect(ambiguous?.code == .ambiguous)
        #expect(ambiguous?.message.contains(String(shared.value[0].prefix(12))) == true)

        let short = #expect(throws: StoreError.self) { try database.article(String(first.prefix(3))) }
        #expect(short?.code == .invalidInput)
        let missing = #expect(throws: StoreError.self) { try database.article("ffffffffffff0000") }
        #expect(missing?.code == .notFound)
        #expect(missing?.message == "no article matches 'ffffffffffff0000'; run `newsdb list`")
        let notHex = #expect(throws: StoreError.self) { try database.article("zzzz") }
        #expect(notHex?.code == .notFound)
    }
}
