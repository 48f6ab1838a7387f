import ArgumentParser
import Foundation
import Store

extension AnnotationExportFormat: ExpressibleByArgument {}

struct ImportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import annotations from JSON Lines or a W3C export.",
        discussion: """
            JSON Lines: one object per line with article (id, unique prefix or URL), quote, and optional note, tags \
            (a list), color, motivation, occurrence and id. The whole file is checked first: any bad line is \
            reported with its line number and nothing is imported, unless --skip-invalid. A line whose id already \
            exists updates that annotation, so an exported set can be corrected and imported again. A W3C export \
            (newsdb annotations export --format w3c) is recognized and keeps ids, authors and times. A Hypothesis export \
            (its annotation objects) is attached to the articles whose URLs match. Annotations from an export are \
            placed by their quote, prefix and suffix, approximately (fuzzy) when the text differs a little, and \
            kept as orphans when not found. See docs/ANNOTATIONS.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Import the valid lines and report the others (the exit status is then 1).") var skipInvalid = false
    @OptionGroup var output: OutputOptions
    @Argument(
        help: ArgumentHelp(
            "A JSON Lines file, a W3C or a Hypothesis export; '-' for standard input.", valueName: "file"))
    var file: String

    func run() throws {
        let data = try InputFile.data(file)
        let report = try global.open().importAnnotations(data, skipInvalid: skipInvalid)
        for invalid in report.skipped { Terminal.printNotice("skipped \(invalid.place): \(invalid.reason)") }
        if output.json {
            try JSONOutput.print(report)
        } else {
            print(
                "created \(report.created), updated \(report.updated), unchanged \(report.unchanged), skipped \(report.skipped.count)"
            )
        }
        if !report.skipped.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}

struct ExportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export annotations as W3C Web Annotations (JSON-LD) or Markdown.",
        discussion: """
            w3c: an AnnotationCollection that meets every MUST of the W3C Web Annotation Data Model; importing it \
            into a database holding the same articles reproduces the annotations. markdown: per article, its title, \
            source and date, then each quote as a blockquote with its note and tags, ready for a story draft.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "w3c or markdown.") var format: AnnotationExportFormat = .w3c
    @Option(
        help: ArgumentHelp(
            "Write to this file ('-': standard output, the default); a file is replaced whole, a device or FIFO written to.",
            valueName: "file")) var out: String?
    @Argument(help: ArgumentHelp("Only this article's annotations (id or unique prefix).", valueName: "article"))
    var article: String?

    func validate() throws {
        if let article { try checkArgument { try NewsDatabase.checkArticleReference(article) } }
        if let out { try checkOutputPath(out) }
    }

    func run() throws {
        var data = try global.open().exportAnnotations(format, article: article)
        let output = OutputFile(out ?? "-")
        // A JSON document on standard output ends its line, as the shell expects; a file holds the document alone.
        if output.isStandardOutput && format == .w3c { data.append(contentsOf: "\n".utf8) }
        try output.write(data)
    }
}
