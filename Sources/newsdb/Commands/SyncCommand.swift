import ArgumentParser
import Foundation
import Store
import Sync

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange changes with teammates through files.",
        discussion: """
            `sync export` writes the changes a teammate lacks to a file; the teammate runs `sync import` on it. Files \
            apply in any order, more than once, and through any route (a file relayed by a third teammate carries the \
            original authors' changes). See docs/SYNC.md.
            """,
        subcommands: [SyncExport.self, SyncImport.self])
}

struct SyncExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write changes to a file for a teammate.",
        discussion: """
            With --for, only the changes PEER is not known to have (known from the files received from PEER); \
            without it, everything.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The file to write (replaced if it exists).", valueName: "file")) var out: String
    @Option(name: .customLong("for"), help: ArgumentHelp("Only what this teammate lacks (a name from `newsdb peers`).", valueName: "peer"))
    var peer: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out needs a file name") }
    }

    func run() throws {
        let database = try global.open()
        let target = try peer.map { try database.peer($0) }
        let summary = try ChangeFileWriter.export(
            from: database, for: target, to: out, newsdbVersion: NewsDB.configuration.version)
        if output.json {
            try JSONOutput.print(summary)
        } else {
            let size = ByteCountFormatter.string(fromByteCount: summary.bytes, countStyle: .file)
            print("wrote \(summary.changes) change\(summary.changes == 1 ? "" : "s") to \(out) (\(size))"
                + (target.map { " for \($0.name)" } ?? ""))
        }
    }
}

struct SyncImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply change files from teammates.",
        discussion: """
            Each file is checked whole (format, version, schema, SHA-256) and applied in one transaction: a damaged, \
            altered or too new file is refused and changes nothing. Changes already here are skipped; changes whose \
            annotation has not arrived wait for it.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("Change files written by `newsdb sync export`.", valueName: "file")) var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one change file") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        let database = try global.open()
        var reports: [ChangeImportReport] = []
        for file in files {
            let bar = ProgressBar(label: "applying")
            let report = try ChangeFileReader.apply(file, to: database) { fraction in
                bar.update(done: Int(fraction * 1000), total: 1000)
            }
            bar.finish()
            reports.append(report)
            if !output.json {
                var parts = ["\(report.applied) applied"]
                if report.duplicates > 0 { parts.append("\(report.duplicates) already here") }
                if report.waiting > 0 { parts.append("\(report.waiting) waiting for earlier changes") }
                if report.released > 0 {
                    parts.append("\(report.released) earlier waiting change\(report.released == 1 ? "" : "s") applied")
                }
                print("\(file) from \(report.sender): " + parts.joined(separator: ", "))
            }
        }
        if output.json { try JSONOutput.print(reports) }
        let conflicts = reports.reduce(0) { $0 + $1.conflicts }
        if conflicts > 0 && !output.json {
            Terminal.printNotice("\(conflicts) conflict\(conflicts == 1 ? "" : "s") to look at: run `newsdb conflicts`")
        }
    }
}
