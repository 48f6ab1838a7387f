import ArgumentParser
import Store

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an article, with its highlights marked and its notes as numbered footnotes.",
        discussion: """
            On a terminal highlights are colored; otherwise each is put in [brackets]. An annotation with a note or \
            tags gets a footnote number after its passage. Orphaned annotations (whose passage is gone from the \
            current text) are listed at the end with their original quote.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "Show this earlier revision of the text (without highlights).") var revision:
        Int?
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The article's id or a unique prefix of it.", valueName: "article"))
    var article: String

    func validate() throws {
        try checkArgument { try NewsDatabase.checkArticleReference(article) }
        if let revision, revision < 1 { throw ValidationError("revisions count from 1") }
    }

    func run() throws {
        let database = try global.open()
        let latest = try database.article(article)
        let shown = try revision.map { try database.article(latest.id, revision: $0) } ?? latest
        let current = shown.revision == latest.revision
        let annotations = current ? try database.annotations(AnnotationFilter(article: shown.id)) : []
        if output.json {
            try JSONOutput.print(ShowJSON(article: shown, annotations: annotations))
            return
        }
        let width = Terminal.width.map { min($0, 100) }
        // The headline, the dek and the body each show their own highlights; footnotes run on through the three.
        var renderings: [AnnotatedRendering] = []
        for part in ArticlePart.allCases {
            renderings.append(
                AnnotatedRendering(
                    body: part.text(of: shown), revision: shown.revision,
                    annotations: annotations.filter { $0.part == part },
                    firstFootnote: renderings.reduce(1) { $0 + $1.footnotes.count }))
        }
        print(Terminal.styled(Text.wrapped(renderings[0].body, to: width), .bold))
        if shown.dek != nil { print(Terminal.styled(Text.wrapped(renderings[1].body, to: width), .italic)) }
        let details = [shown.byline.map { "By \($0)" }, shown.source, shown.publishedAt].compactMap { $0 }
        if !details.isEmpty { print(Terminal.styled(details.joined(separator: " · "), .dim)) }
        if let url = shown.url { print(Terminal.styled(url, .underline)) }
        var facts = "\(shown.id) · \(shown.wordCount) words · imported \(shown.importedAt)"
        if shown.revision > 1 || !current { facts += " · revision \(shown.revision)" }
        if let writing = Self.writing(shown) { facts += " · \(writing)" }
        print(Terminal.styled(facts, .dim))
        print()
        print(Text.wrapped(renderings[2].body, to: width))
        let footnotes = renderings.flatMap(\.footnotes)
        let orphans = renderings.flatMap(\.orphans)
        if !footnotes.isEmpty || !orphans.isEmpty { print() }
        for footnote in footnotes { print(Text.wrapped(footnote, to: width)) }
        if !orphans.isEmpty {
            print(Terminal.styled("Orphaned annotations (their passage is not in this text):", .bold))
            for orphan in orphans { print(Text.wrapped(orphan, to: width)) }
        }
    }
}

extension Show {
    /// The article's language and direction as `show` prints them ("language ar, right to left"), when it has either.
    static func writing(_ article: Article) -> String? {
        let direction = article.direction.map {
            ["ltr": "left to right", "rtl": "right to left", "auto": "direction by text"][$0] ?? $0
        }
        let parts = [article.language.map { "language \($0)" }, direction].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

/// `newsdb show --json`: the article's fields, and its annotations.
private struct ShowJSON: Encodable {
    let article: Article
    let annotations: [Annotation]

    private enum CodingKeys: String, CodingKey { case annotations }

    func encode(to encoder: any Encoder) throws {
        try article.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(annotations, forKey: .annotations)
    }
}
