import ArgumentParser
import Foundation
import Store

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import articles from files, folders and standard input.",
        discussion: """
            Reads plain text (.txt, .text, .md: title on the first line, then an optional dek, byline, date line and \
            the body; lines that are clearly a scraped page's furniture, such as "Most Read", "0 Comments", photo \
            credits and captions, subscription lists and an "About the writer" block, are left out unless --raw \
            is given), JSON (.json: one article object or an array; an article may carry the saved page in "html" \
            in place of "body") and JSON Lines (.jsonl, .ndjson), and saved web pages (.html, .htm, or any file \
            that starts with <!doctype html or <html): the story is extracted as a reader view does, with its \
            title, byline, date, site, canonical URL, language and direction from the page's metadata. RSS and \
            Atom feeds (.rss, .atom, .xml, or any file that starts like one): every item with full content \
            (content:encoded, Atom content) is an article read the same way; an item with only a summary is \
            reported and not imported. Folders are searched recursively for those files; '-' reads standard input. See docs/IMPORT.md. Each file imports \
            atomically; a file that cannot be read, or a page that holds no article, is reported and skipped, the \
            others still import, and the exit status is then 1.

            The page an article was extracted from is kept with it (compressed). --reextract extracts the articles \
            again from their kept pages (every one, or the one ARTICLE given) with this newsdb's extractor: a new \
            revision when the text comes out different, annotations re-anchored; articles without a kept page are \
            counted, not an error.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The publication to record for articles whose file names none.") var source: String?
    @Option(
        name: .customLong("revision-of"),
        help: ArgumentHelp("Take the one article in the one file as a new text of this article.", valueName: "article"))
    var revisionOf: String?
    @Flag(
        help:
            "Keep plain-text bodies as they are: no furniture of scraped pages (\"Most Read\", photo credits …) removed."
    )
    var raw = false
    @Flag(
        help: ArgumentHelp(
            "Extract every article (or the one given as the argument) again from the page kept with it."))
    var reextract = false
    @Flag(name: .shortAndLong, help: "Print one line per article.") var verbose = false
    @OptionGroup var output: OutputOptions
    @Argument(
        help: ArgumentHelp(
            "Files, folders, or - for standard input; with --reextract, at most one article id or prefix.",
            valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        if reextract {
            guard revisionOf == nil, source == nil, !raw else {
                throw ValidationError("--reextract cannot be combined with --revision-of, --source or --raw")
            }
            guard paths.count <= 1 else { throw ValidationError("--reextract takes at most one article") }
            if let article = paths.first { try checkArgument { try NewsDatabase.checkArticleReference(article) } }
            return
        }
        guard !paths.isEmpty else { throw ValidationError("give at least one file or folder to import") }
        guard paths.filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("'-' (standard input) can be given once")
        }
        if let revisionOf {
            try checkArgument { try NewsDatabase.checkArticleReference(revisionOf) }
            guard paths.count == 1 else { throw ValidationError("--revision-of takes exactly one file") }
        }
    }

    func run() throws {
        if reextract {
            try runReextract()
            return
        }
        let report: ArticleImportReport
        if !paths.contains("-"), !paths.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
            // Nothing to import: say so without creating or migrating a database.
            report = ArticleImportReport(skipped: paths.map { SkippedFile(path: $0, reason: "no such file or folder") })
        } else {
            let database = try global.open()
            let inputs: [ArticleInput] = paths.map { path in
                path == "-" ? .data(FileHandle.standardInput.readDataToEndOfFile(), name: "-") : .path(path)
            }
            let bar = ProgressBar(label: "importing")
            report = try database.importArticles(inputs, source: source, revisionOf: revisionOf, raw: raw) {
                progress in
                bar.update(done: progress.filesDone, total: progress.filesTotal)
            }
            bar.finish()
        }
        for skipped in report.skipped {
            Terminal.printNotice("skipped \(skipped.path): \(skipped.reason)")
        }
        if output.json {
            try JSONOutput.print(ImportJSON(report))
        } else {
            if verbose { report.articles.forEach(Self.printLine) }
            var summary = "imported \(report.importedCount), unchanged \(report.unchangedCount)"
            if report.updatedCount > 0 { summary += ", updated \(report.updatedCount)" }
            if report.revisedCount > 0 { summary += ", revised \(report.revisedCount)" }
            print(summary + ", skipped \(report.skipped.count)")
        }
        if !report.skipped.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}

extension Import {
    /// One article's line: its status, id prefix and title.
    static func printLine(_ article: ImportedArticle) {
        print(
            "\(article.status.rawValue.padded(to: 9)) "
                + "\(Terminal.styled(String(article.id.prefix(8)), .yellow))  \(article.title)")
    }
}

/// `newsdb import --json`: the counts, then every article and every skipped file.
private struct ImportJSON: Encodable {
    let imported: Int
    let unchanged: Int
    let updated: Int
    let revised: Int
    let skipped: Int
    let articles: [ImportedArticle]
    let skippedFiles: [SkippedFile]

    init(_ report: ArticleImportReport) {
        imported = report.importedCount
        unchanged = report.unchangedCount
        updated = report.updatedCount
        revised = report.revisedCount
        skipped = report.skipped.count
        articles = report.articles
        skippedFiles = report.skipped
    }
}
