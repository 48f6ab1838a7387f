import ArgumentParser
import Store

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search articles by title, dek, byline and body, best match first.",
        discussion: """
            All words must match (stemmed: 'elections' finds 'election'). "exact phrase" keeps words together, \
            word* matches a prefix, -word excludes a word, and a OR b accepts either. Notes of annotations are \
            searched too, and tag:NAME keeps only articles with an annotation tagged NAME.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "Show at most this many articles.") var limit = 20
    @OptionGroup var output: OutputOptions
    @Argument(parsing: .allUnrecognized, help: "What to look for.") var query: [String]

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        guard !query.isEmpty else { throw ValidationError("give something to search for") }
        try checkArgument { _ = try parsedQuery() }
    }

    /// Unrecognized arguments are kept so that `-word` excludes a word; a `--` terminator is not part of the
    /// query, and before one, an unknown `--option` is a mistyped option, not a word.
    private func parsedQuery() throws -> SearchQuery {
        var words = query
        let terminator = words.firstIndex(of: "--") ?? words.endIndex
        if let option = words[..<terminator].first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("unknown option '\(option)'")
        }
        if terminator != words.endIndex { words.remove(at: terminator) }
        return try SearchQuery(words.joined(separator: " "))
    }

    func run() throws {
        let parsed = try parsedQuery()
        let hits = try global.open().search(parsed, limit: limit)
        if output.json {
            try JSONOutput.print(hits.map(SearchHitJSON.init))
            return
        }
        if hits.isEmpty {
            print("no articles match \(parsed.text)")
            return
        }
        let width = Terminal.width
        for hit in hits {
            var heading = "\(Terminal.styled(String(hit.id.prefix(8)), .yellow))  \(Terminal.styled(hit.title, .bold))"
            let details = [hit.source, hit.publishedAt.map { String($0.prefix(10)) }].compactMap { $0 }
            if !details.isEmpty { heading += Terminal.styled("  (\(details.joined(separator: ", ")))", .dim) }
            print(Text.truncated(heading, to: width))
            let snippet =
                (hit.matchedIn == .note ? "note: " : hit.matchedIn == .tag ? "“" : "")
                + hit.snippet.replacing("\n", with: " ") + (hit.matchedIn == .tag ? "”" : "")
            let marked =
                Terminal.useColor
                ? snippet.replacing(SearchHit.matchStart, with: Terminal.style(code: Terminal.Style.highlight.rawValue))
                    .replacing(SearchHit.matchEnd, with: Terminal.styleReset)
                : snippet.replacing(SearchHit.matchStart, with: "[")
                    .replacing(SearchHit.matchEnd, with: "]")
            print("          " + marked)
        }
    }
}

/// `newsdb search --json`: one object per hit; the snippet marks matches with `<mark>` and `</mark>`.
private struct SearchHitJSON: Encodable {
    let id: String
    let title: String
    let source: String?
    let publishedAt: String?
    let snippet: String
    let rank: Double
    let matchedIn: SearchHit.MatchPlace

    init(_ hit: SearchHit) {
        id = hit.id
        title = hit.title
        source = hit.source
        publishedAt = hit.publishedAt
        snippet = hit.snippet.replacing(SearchHit.matchStart, with: "<mark>")
            .replacing(SearchHit.matchEnd, with: "</mark>")
        rank = hit.rank
        matchedIn = hit.matchedIn
    }
}
