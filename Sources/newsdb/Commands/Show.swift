import ArgumentParser
import Store

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show an article.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The article's id or a unique prefix of it.", valueName: "article"))
    var article: String

    func validate() throws {
        try NewsDatabase.checkArticleReference(article)
    }

    func run() throws {
        let article = try global.open().article(article)
        if output.json {
            try JSONOutput.print(article)
            return
        }
        let width = Terminal.width.map { min($0, 100) }
        print(Terminal.styled(Text.wrapped(article.title, to: width), .bold))
        if let dek = article.dek { print(Terminal.styled(Text.wrapped(dek, to: width), .italic)) }
        let details = [article.byline.map { "By \($0)" }, article.source, article.publishedAt].compactMap { $0 }
        if !details.isEmpty { print(Terminal.styled(details.joined(separator: " · "), .dim)) }
        if let url = article.url { print(Terminal.styled(url, .underline)) }
        print(Terminal.styled("\(article.id) · \(article.wordCount) words · imported \(article.importedAt)", .dim))
        print()
        print(Text.wrapped(article.body, to: width))
    }
}
