import ArgumentParser
import Foundation
import Store

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed between two revisions of an article, and which annotations the changes touched.",
        discussion: """
            The body is compared word by word. On a terminal deleted words are red and inserted ones green; \
            otherwise they are marked [-deleted-] and {+inserted+}, as git diff --word-diff marks them. Under each \
            change are the annotations whose passage it falls in, with how each now stands (moved, fuzzy, or \
            orphan when its passage is gone). By default the last two revisions are compared.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The older revision (default: the one before --to).") var from: Int?
    @Option(help: "The newer revision (default: the current one).") var to: Int?
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The article's id or a unique prefix of it.", valueName: "article"))
    var article: String

    /// Context shown either side of a change, in characters.
    static let context = 40

    func validate() throws {
        try checkArgument { try NewsDatabase.checkArticleReference(article) }
        for revision in [from, to].compactMap({ $0 }) where revision < 1 {
            throw ValidationError("revisions count from 1")
        }
    }

    func run() throws {
        let database = try global.open()
        let diff = try database.revisionDiff(article, from: from, to: to)
        if output.json {
            try JSONOutput.print(diff)
            return
        }
        let newer = try database.article(diff.article, revision: diff.to).body
        let count = diff.changes.count
        print(Terminal.styled(diff.title, .bold))
        print(
            Terminal.styled(
                "article \(diff.article.prefix(8)) · revision \(diff.from) → \(diff.to) · \(count) change\(count == 1 ? "" : "s") to the body",
                .dim))
        for field in diff.fields {
            print("\(field.field): \(Self.marked(deleted: field.from ?? "", inserted: field.to ?? ""))")
        }
        let byChange = Dictionary(grouping: diff.annotations.flatMap { effect in effect.changes.map { ($0, effect) } })
        {
            $0.0
        }
        for (index, change) in diff.changes.enumerated() {
            print()
            let before = Self.around(newer, upTo: change.to.lowerBound)
            let after = Self.around(newer, from: change.to.upperBound)
            print("…\(before)\(Self.marked(deleted: change.deleted, inserted: change.inserted))\(after)…")
            for (_, effect) in byChange[index] ?? [] { print("    " + Self.describe(effect)) }
        }
        let elsewhere = diff.annotations.filter(\.changes.isEmpty)
        if !elsewhere.isEmpty {
            print()
            print(Terminal.styled("Annotations whose context changed:", .bold))
            for effect in elsewhere { print("    " + Self.describe(effect)) }
        }
    }

    /// A change, marked for a terminal or a pipe, on one line (a paragraph break shown as ¶).
    static func marked(deleted: String, inserted: String) -> String {
        func flat(_ text: String) -> String { text.replacingOccurrences(of: "\n\n", with: " ¶ ") }
        let (deleted, inserted) = (flat(deleted), flat(inserted))
        let gone = deleted.isEmpty ? "" : Terminal.useColor ? Terminal.styled(deleted, .red) : "[-\(deleted)-]"
        let new = inserted.isEmpty ? "" : Terminal.useColor ? Terminal.styled(inserted, .green) : "{+\(inserted)+}"
        return gone + new
    }

    /// One annotation a change touched, on one line.
    static func describe(_ effect: RevisionDiff.AnnotationEffect) -> String {
        let quote = effect.quote.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let shown = quote.count > 60 ? String(quote.prefix(59)) + "…" : quote
        return "\(effect.id.prefix(8)) \(effect.state.rawValue) “\(shown)” (\(effect.author))"
    }

    /// Up to ``context`` scalars of `text` before `offset`, on one line.
    static func around(_ text: String, upTo offset: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        return oneLine(scalars[max(0, offset - context)..<min(offset, scalars.count)])
    }

    /// Up to ``context`` scalars of `text` from `offset`, on one line.
    static func around(_ text: String, from offset: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        return oneLine(scalars[min(offset, scalars.count)..<min(scalars.count, offset + context)])
    }

    private static func oneLine(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.map { $0.properties.isWhitespace ? " " : $0 })
        return String(view)
    }
}
