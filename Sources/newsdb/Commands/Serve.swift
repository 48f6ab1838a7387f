import ArgumentParser
import Foundation
import Hub
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

            With --store, the server is a team hub: its changes, tokens and peers are kept in a PostgreSQL database \
            (set up with `newsdb hub migrate --store …`, tokens made with `newsdb hub tokens create NAME --store …`), \
            and several such processes may serve the same database at once. See docs/HUB.md.
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
    @Option(
        help: ArgumentHelp(
            "Serve a team hub kept in this PostgreSQL database (postgresql://USER@/DB?host=/run/postgresql, or libpq's key=value words; the password from PGPASSWORD or a password file), instead of this replica's database.",
            valueName: "location"))
    var store: String?

    func validate() throws {
        if let store {
            guard global.db == nil else { throw ValidationError("give --db or --store, not both") }
            try checkArgument { _ = try HubLocation(store) }
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (1...4096).contains(maxBody) else { throw ValidationError("--max-body must be between 1 and 4096 (MiB)") }
        guard maxPage > 0 else { throw ValidationError("--max-page must be positive") }
    }

    func run() async throws {
        let logger = GlobalOptions.requestLogger("newsdb.serve")
        let configuration = SyncServerConfiguration(
            host: host, port: port, maxBodyBytes: maxBody << 20, maxPageChanges: maxPage,
            newsdbVersion: NewsDB.configuration.version)
        if let store {
            let location = try HubLocation(store)
            var quiet = logger
            quiet.logLevel = max(logger.logLevel, .warning)
            try await PostgresHubStore.withStore(at: location, logger: quiet) { [logger] hub in
                let server = try await SyncServer(store: hub, configuration: configuration, logger: logger)
                let name = try await hub.replica().name
                try await server.run(handlingSignals: true) { port in
                    Terminal.printNotice(
                        "serving the hub \(name) (\(location)) on \(server.url(port: port)) (Ctrl-C stops)")
                }
            }
        } else {
            let database = try global.openForServing()
            let server = try SyncServer(database: database, configuration: configuration, logger: logger)
            let name = try database.replica().name
            try await server.run(handlingSignals: true) { port in
                Terminal.printNotice("serving \(name) on \(server.url(port: port)) (Ctrl-C stops)")
            }
        }
        Terminal.printNotice("stopped")
    }
}
