import ArgumentParser
import Store

// Any case, as in JSON Lines (`--color Yellow`).
extension AnnotationColor: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension ArticlePart: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension Motivation: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate", abstract: "Highlight a passage of an article, with an optional note, tags and color.",
        discussion: """
            The quote matches across line breaks, runs of spaces and curly or straight quotes. A quote that does not \
            occur is refused with the closest passage; one that occurs more than once is refused with the list of \
            occurrences, unless --occurrence picks one. The quote is looked for in the body, or with --in title in the \
            headline, with --in dek in the dek. Colors: \(AnnotationColor.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The article's id or a unique prefix of it.", valueName: "article")) var article:
        String
    @Option(help: "The passage to highlight, as it reads in the article.") var quote: String
    @Option(
        name: .customLong("in"),
        help: ArgumentHelp("The part the quote is in: title (the headline), dek or body.", valueName: "part"))
    var part: ArticlePart = .body
    @Option(parsing: .unconditional, help: "Which occurrence of the quote, from 1, when it occurs more than once.")
    var occurrence: Int?
    @Option(help: "A note (Markdown).") var note: String?
    @Option(name: .customLong("tag"), help: "A tag; repeat for several.") var tags: [String] = []
    @Option(help: "The highlight color.") var color: AnnotationColor = .default
    @Option(
        help: "Why (a W3C motivation); by default commenting with a note, tagging with tags only, else highlighting.")
    var motivation: Motivation?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkArgument { try NewsDatabase.checkArticleReference(article) }
        if let occurrence, occurrence < 1 { throw ValidationError("--occurrence counts from 1") }
        for tag in tags { try checkArgument { _ = try Tag.normalized(tag) } }
    }

    func run() throws {
        let annotation = try global.open().annotate(
            AnnotationDraft(
                article: article, part: part, quote: quote, occurrence: occurrence, note: note, tags: tags,
                color: color,
                motivation: motivation))
        if output.json {
            try JSONOutput.print(annotation)
        } else {
            print(
                "annotated \(Terminal.styled(String(annotation.id.prefix(8)), .yellow)) on "
                    + (annotation.part == .body ? "" : "the \(annotation.part.displayName) of ")
                    + "article \(annotation.articleID.prefix(8)): “\(AnnotationText.excerpt(annotation.selector.exact, 60))”"
            )
        }
    }
}
