import ArgumentParser
import Foundation
import Store
import Sync

struct Clone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Make a new database from a teammate's: a snapshot file or a server.",
        discussion: """
            Makes the database (--db, which must not exist or be empty) a new replica holding everything the source \
            holds: articles and their revisions, annotations with their merge state, the names of the replicas it \
            knows, and what it has received, so that its first sync sends nothing twice. SOURCE is a snapshot file \
            (`newsdb sync export --snapshot --out FILE`), a server's URL (`newsdb serve`, with --token; the server \
            is then stored under its replica's name for `newsdb sync NAME`), or the name of a server your usual \
            database syncs with (`newsdb peers`; the clone then goes to another --db). The snapshot is checked \
            whole before the database is put in place: a damaged snapshot or an interrupted transfer leaves no \
            database, and the clone can simply be run again. See docs/SYNC.md, "Snapshots".
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp(
            "A snapshot file, a server's URL, or a server's name (`newsdb peers`).", valueName: "source"))
    var source: String
    @Option(
        help: ArgumentHelp("The token, for a server given by URL (- reads it from standard input).", valueName: "token")
    )
    var token: String?
    @Option(help: ArgumentHelp("The new replica's name (default: user@host).", valueName: "name"))
    var name: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let name { try checkArgument { try Replica.checkName(name) } }
        if source.contains("://") {
            try checkArgument { _ = try PeerServer.checkURL(source) }
            guard token != nil else { throw ValidationError("a server given by URL needs --token") }
        } else if token != nil {
            throw ValidationError("--token goes with a URL; a stored server has its token (`newsdb peers add`)")
        }
    }

    func run() async throws {
        let target = global.databasePath
        let report: CloneReport
        var server: String?
        if source.contains("://") {
            let remote = PeerServer(name: "", url: try PeerServer.checkURL(source), token: try readToken(token ?? ""))
            report = try await clone(from: remote)
            server = report.source.name
        } else if FileManager.default.fileExists(atPath: source) {
            let bar = ProgressBar(label: "cloning")
            report = try NewsDatabase.clone(snapshot: source, to: target, name: name) { done, total in
                bar.update(done: Int(done >> 10), total: Int(total >> 10))
            }
            bar.finish()
        } else {
            let stored = try storedServer()
            report = try await clone(from: stored)
            server = stored.name
        }
        if output.json {
            try JSONOutput.print(report)
            return
        }
        let size = ByteCountFormatter.string(fromByteCount: report.snapshotBytes, countStyle: .file)
        print(
            "cloned \(report.source.name) (\(report.source.id.prefix(8))) into \(target): \(report.articles) "
                + "article\(report.articles == 1 ? "" : "s"), \(report.annotations) "
                + "annotation\(report.annotations == 1 ? "" : "s"), \(report.changes) "
                + "change\(report.changes == 1 ? "" : "s") (\(size))")
        print("replica \(report.replica.name) (\(report.replica.id)), a new replica")
        if let server { print("stored the server as \(server); sync with `newsdb sync \(server)`") }
    }

    /// Clones from a server, drawing the bar in this task as the bytes arrive.
    private func clone(from remote: PeerServer) async throws -> CloneReport {
        let bar = ProgressBar(label: "cloning")
        let (updates, reporter) = AsyncStream.makeStream(of: (Int64, Int64?).self)
        let target = global.databasePath
        let name = self.name
        async let cloned = {
            defer { reporter.finish() }
            return try await SnapshotClient.clone(
                from: remote, to: target, replicaName: name, newsdbVersion: NewsDB.configuration.version
            ) { done, total in
                reporter.yield((done, total))
            }
        }()
        for await (done, total) in updates {
            if let total { bar.update(done: Int(done >> 10), total: Int(total >> 10)) }
        }
        let report = try await cloned
        bar.finish()
        return report
    }

    /// The server SOURCE names among those of the usual database (`newsdb peers`), for a clone into another --db.
    private func storedServer() throws -> PeerServer {
        let usual = GlobalOptions.usualDatabasePath
        guard global.db != nil, global.databasePath != usual else {
            throw CLIError(
                message: "no such file: \(source); to clone from a server your database syncs with, give the new "
                    + "database with --db (or clone a URL with --token)",
                status: ExitStatus.usage)
        }
        guard FileManager.default.fileExists(atPath: usual) else {
            throw CLIError(
                message: "no such file: \(source), and no database at \(usual) to find a server called that in; "
                    + "clone a URL with --token",
                status: ExitStatus.usage)
        }
        let database = try NewsDatabase.open(at: usual, options: .init(readOnly: true))
        return try database.server(named: source)
    }
}
