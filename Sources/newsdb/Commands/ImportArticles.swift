import ArgumentParser
import Foundation
import Store

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import articles from files, folders and standard input.",
        discussion: """
            Reads plain text (.txt, .text, .md: title on the first line, then an optional dek, byline, date line and \
            the body), JSON (.json: one article object or an array; an article may carry the saved page in "html" \
            in place of "body") and JSON Lines (.jsonl, .ndjson), and saved web pages (.html, .htm, or any file \
            that starts with <!doctype html or <html): the story is extracted as a reader view does, with its \
            title, byline, date, site and canonical URL from the page's metadata. Folders are searched \
            recursively for those files; '-' reads standard input. See docs/IMPORT.md. Each file imports \
            atomically; a file that cannot be read, or a page that holds no article, is reported and skipped, the \
            others still import, and the exit status is then 1.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The publication to record for articles whose file names none.") var source: String?
    @Option(
        name: .customLong("revision-of"),
        help: ArgumentHelp("Take the one article in the one file as a new text of this article.", valueName: "article"))
    var revisionOf: String?
    @Flag(name: .shortAndLong, help: "Print one line per article.") var verbose = false
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("Files, folders, or - for standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
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
            report = try database.importArticles(inputs, source: source, revisionOf: revisionOf) { progress in
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
            if verbose {
                for article in report.articles {
                    print(
                        "\(article.status.rawValue.padded(to: 9)) "
                            + "\(Terminal.styled(String(article.id.prefix(8)), .yellow))  \(article.title)")
                }
            }
            var summary = "imported \(report.importedCount), unchanged \(report.unchangedCount)"
            if report.updatedCount > 0 { summary += ", updated \(report.updatedCount)" }
            if report.revisedCount > 0 { summary += ", revised \(report.revisedCount)" }
            print(summary + ", skipped \(report.skipped.count)")
        }
        if !report.skipped.isEmpty { throw ExitCode(ExitStatus.failure) }
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
