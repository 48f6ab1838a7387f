import ArgumentParser
import Store

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List articles, most recently imported first.")

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "Show at most this many articles.") var limit: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let articles = try global.open().articles(limit: limit)
        if output.json {
            try JSONOutput.print(articles)
            return
        }
        if articles.isEmpty {
            print("no articles yet; add some with `newsdb import PATH`")
            return
        }
        for article in articles {
            let date = (article.publishedAt.map { String($0.prefix(10)) } ?? "").padded(to: 10)
            let words = String(article.wordCount).leftPadded(to: 6)
            var line = "\(Terminal.styled(String(article.id.prefix(8)), .yellow))  \(date)  \(words)  \(article.title)"
            if let source = article.source { line += Terminal.styled("  · \(source)", .dim) }
            print(Text.truncated(line, to: Terminal.width))
        }
    }
}
