import ArgumentParser
import Store

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract:
            "Show what changed between two revisions of an article, word by word, and the annotations it touched.",
        discussion: """
            By default the revision before the current text is compared with the current one. Deleted words are \
            shown [-like this-] and inserted ones {+like this+}, with a few words around them, a change of the \
            headline or dek first and named so; beside each change, the annotations whose passage it touched and \
            where each now stands (anchored, moved, fuzzy or orphan).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "The older revision (default: the one before --to).") var from: Int?
    @Option(parsing: .unconditional, help: "The newer revision (default: the current text).") var to: Int?
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The article's id or a unique prefix of it.", valueName: "article"))
    var article: String

    func validate() throws {
        try checkArgument { try NewsDatabase.checkArticleReference(article) }
        if let from, from < 1 { throw ValidationError("revisions count from 1") }
        if let to, to < 1 { throw ValidationError("revisions count from 1") }
    }

    func run() throws {
        let database = try global.open()
        let diff = try database.diff(article, from: from, to: to)
        if output.json {
            try JSONOutput.print(diff)
            return
        }
        print("article \(diff.articleID.prefix(12)): revision \(diff.from) to \(diff.to)")
        guard !diff.allChanges.isEmpty else {
            print("no change")
            return
        }
        for part in diff.parts {
            let segments = part.words.segments
            for change in part.changes {
                print()
                let before = segments.last { $0.kind == .same && $0.old.upperBound <= change.old.lowerBound }
                let after = segments.first { $0.kind == .same && $0.old.lowerBound >= change.old.upperBound }
                var line = change.part == .body ? "" : "\(change.part.displayName): "
                line += before.map { "…" + Self.lastWords($0.text) } ?? ""
                if !change.deleted.isEmpty { line += "[-\(change.deleted)-]" }
                if !change.inserted.isEmpty { line += "{+\(change.inserted)+}" }
                line += after.map { Self.firstWords($0.text) + "…" } ?? ""
                print(Terminal.visible(line))
                for annotation in change.annotations {
                    let state = annotation.anchor.state == .exact ? "anchored" : annotation.anchor.state.rawValue
                    print("  \(annotation.id.prefix(8))  \(state)  “\(Terminal.visible(annotation.selector.exact))”")
                }
            }
        }
    }

    static func lastWords(_ text: String) -> String {
        String(text.split(separator: " ", omittingEmptySubsequences: false).suffix(6).joined(separator: " "))
    }

    static func firstWords(_ text: String) -> String {
        String(text.split(separator: " ", omittingEmptySubsequences: false).prefix(6).joined(separator: " "))
    }
}
