import ArgumentParser
import Foundation
import Store
import Sync

struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Exchange changes with teammates, through a server or through files.",
        discussion: """
            `newsdb sync NAME` syncs with a server added by `newsdb peers add`. `sync export` writes the changes a \
            teammate lacks to a file; the teammate runs `sync import` on it. Files apply in any order, more than once, \
            and through any route (a file relayed by a third teammate carries the original authors' changes). See \
            docs/SYNC.md.
            """,
        subcommands: [SyncWith.self, SyncExport.self, SyncImport.self],
        defaultSubcommand: SyncWith.self)
}

struct SyncWith: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "with",
        abstract: "Sync with a server: pull what this replica lacks, then push what the server lacks.",
        discussion: """
            `newsdb sync NAME` (the word `with` may be left out) uses a server added by `newsdb peers add`; \
            `newsdb sync URL --token TOKEN` one that is not stored. Changes move in pages, each applied in one \
            transaction: an interrupted sync loses nothing, and the next one continues where it stopped.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("A server's name (`newsdb peers`) or URL.", valueName: "server")) var server: String
    @Option(
        help: ArgumentHelp("The token, for a server given by URL (- reads it from standard input).", valueName: "token")
    )
    var token: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("The most changes per page.", valueName: "changes"))
    var pageSize: Int?

    func validate() throws {
        if let pageSize, pageSize < 1 { throw ValidationError("--page-size must be positive") }
        if server.contains("://") {
            try checkArgument { _ = try PeerServer.checkURL(server) }
            guard token != nil else { throw ValidationError("a server given by URL needs --token") }
        } else if token != nil {
            throw ValidationError("--token goes with a URL; a stored server has its token (`newsdb peers add`)")
        }
    }

    func run() async throws {
        let database = try global.open()
        let remote =
            try token.map { PeerServer(name: server, url: try PeerServer.checkURL(server), token: try readToken($0)) }
            ?? database.server(named: server)
        // The client reports progress from whichever thread runs it: the bar is drawn here, in this task.
        let bar = ProgressBar(label: "syncing")
        let (updates, reporter) = AsyncStream.makeStream(of: SyncProgress.self)
        async let synced = {
            defer { reporter.finish() }
            return try await SyncClient.sync(
                database, with: remote, newsdbVersion: NewsDB.configuration.version, pageLimit: pageSize
            ) { progress in
                reporter.yield(progress)
            }
        }()
        for await progress in updates { bar.update(done: progress.done, total: progress.total) }
        let report = try await synced
        bar.finish()
        if output.json {
            try JSONOutput.print(report)
            return
        }
        print(Self.describe(report.pulled, "pulled", "from", report))
        print(Self.describe(report.pushed, "pushed", "to", report))
        let conflicts = report.pulled.conflicts + report.pushed.conflicts
        if conflicts > 0 {
            Terminal.printNotice("\(conflicts) conflict\(conflicts == 1 ? "" : "s") to look at: run `newsdb conflicts`")
        }
        if report.pulled.waiting > 0 {
            for line in Text.waitingLines(try database.waitingChanges()) { Terminal.printNotice(line) }
        }
    }

    private static func describe(
        _ moved: SyncReport.Direction, _ verb: String, _ preposition: String, _ report: SyncReport
    ) -> String {
        let head =
            "\(verb) \(moved.changes) change\(moved.changes == 1 ? "" : "s") \(preposition) \(report.server) (\(report.url))"
        guard moved.changes > 0 else { return head }
        var parts = ["\(moved.applied) applied"]
        if moved.duplicates > 0 { parts.append("\(moved.duplicates) already there") }
        if moved.waiting > 0 { parts.append("\(moved.waiting) waiting for earlier changes") }
        if moved.released > 0 { parts.append("\(moved.released) earlier waiting applied") }
        return head + ", in \(moved.pages) page\(moved.pages == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }
}

struct SyncExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write changes to a file for a teammate.",
        discussion: """
            With --for, only the changes PEER is not known to have (known from the files received from PEER); \
            without it, everything. With --snapshot, a snapshot of the whole database instead (everything that \
            syncs, nothing private: no tokens, no servers), from which a teammate makes a new database with \
            `newsdb clone FILE`.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(
        help: ArgumentHelp(
            "The file to write ('-': standard output); a file is replaced whole, a device or FIFO written to.",
            valueName: "file"))
    var out: String
    @Option(
        name: .customLong("for"),
        help: ArgumentHelp("Only what this teammate lacks (a name from `newsdb peers`).", valueName: "peer"))
    var peer: String?
    @Flag(help: "Write a snapshot of the whole database, for `newsdb clone FILE`, instead of changes.")
    var snapshot = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out needs a file name") }
        if snapshot && peer != nil {
            throw ValidationError("--snapshot holds everything; it does not go with --for")
        }
        if out == "-" && output.json {
            throw ValidationError(
                "--json prints on standard output, where --out - writes the changes; give a file name")
        }
        try checkOutputPath(out)
    }

    func run() throws {
        let database = try global.open()
        if snapshot {
            try writeSnapshot(database)
            return
        }
        let target = try peer.map { try database.peer($0) }
        let summary = try ChangeFileWriter.export(
            from: database, for: target, to: out, newsdbVersion: NewsDB.configuration.version)
        if output.json {
            try JSONOutput.print(summary)
        } else {
            let size = ByteCountFormatter.string(fromByteCount: summary.bytes, countStyle: .file)
            let line =
                "wrote \(summary.changes) change\(summary.changes == 1 ? "" : "s") to "
                + (out == "-" ? "standard output" : out) + " (\(size))" + (target.map { " for \($0.name)" } ?? "")
            // On standard output the changes are the output; what was written is a notice.
            if out == "-" { Terminal.printNotice(line) } else { print(line) }
        }
    }
}

extension SyncExport {
    private func writeSnapshot(_ database: NewsDatabase) throws {
        let summary = try database.writeSnapshot(to: out, newsdbVersion: NewsDB.configuration.version)
        if output.json {
            try JSONOutput.print(summary)
            return
        }
        let size = ByteCountFormatter.string(fromByteCount: summary.bytes, countStyle: .file)
        let line =
            "wrote a snapshot of \(summary.source.name) to " + (out == "-" ? "standard output" : out) + " (\(size)); "
            + "make a database of it with `newsdb clone FILE`"
        if out == "-" { Terminal.printNotice(line) } else { print(line) }
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
    @Argument(help: ArgumentHelp("Change files written by `newsdb sync export`.", valueName: "file")) var files:
        [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one change file") }
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw ValidationError("no such file: \(file)")
        }
    }

    func run() throws {
        let database = try global.open()
        var reports: [ChangeSetReport] = []
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
        if reports.contains(where: { $0.waiting > 0 }) && !output.json {
            // Say what they wait for, so that a file from an unrelated database does not pass unnoticed.
            for line in Text.waitingLines(try database.waitingChanges()) { Terminal.printNotice(line) }
        }
    }
}
