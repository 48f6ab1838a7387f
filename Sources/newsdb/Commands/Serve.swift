import ArgumentParser
import Foundation
import Logging
import Store
import Sync

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve this database to teammates over HTTP, for `newsdb sync`.",
        discussion: """
            Teammates sync with a token made by `newsdb tokens create NAME`. Every request is logged on stderr (method, \
            path, status, duration, teammate). SIGINT or SIGTERM stops the server once requests in progress are done; \
            each pushed page is applied in one transaction, so none is ever half applied. Listening beyond loopback \
            (--host 0.0.0.0) needs at least one token. See docs/SYNC.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address")) var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "port"))
    var port = 8787
    @Option(parsing: .unconditional, help: ArgumentHelp("The largest request body taken, in MiB.", valueName: "MiB"))
    var maxBody = 64
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The most changes in one page, pulled or pushed.", valueName: "changes"))
    var maxPage = 10_000

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (1...4096).contains(maxBody) else { throw ValidationError("--max-body must be between 1 and 4096 (MiB)") }
        guard maxPage > 0 else { throw ValidationError("--max-page must be positive") }
    }

    func run() async throws {
        let database = try NewsDatabase.open(
            at: global.databasePath, options: .init(backup: !global.noBackup, connections: .pool))
        GlobalOptions.reportMigration(database.migration, path: global.databasePath)
        var logger = Logger(label: "newsdb.serve")
        logger.logLevel =
            Environment.value("NEWSDB_LOG")
            .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let server = try SyncServer(
            database: database,
            configuration: SyncServerConfiguration(
                host: host, port: port, maxBodyBytes: maxBody << 20, maxPageChanges: maxPage,
                newsdbVersion: NewsDB.configuration.version),
            logger: logger)
        let name = try database.replica().name
        try await server.run(handlingSignals: true) { port in
            Terminal.printNotice("serving \(name) on \(server.url(port: port)) (Ctrl-C stops)")
        }
        Terminal.printNotice("stopped")
    }
}
