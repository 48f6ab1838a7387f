import ArgumentParser
import Foundation
import Logging
import Reader
import Store
import Sync

struct Web: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Read and annotate in the browser: serve the reader on 127.0.0.1.",
        discussion: """
            Prints the address to open, http://127.0.0.1:PORT/?key=KEY, with a key made anew at each start; the page \
            trades it for a session cookie. Only this machine can connect; requests naming another host are refused, \
            and every change needs the session's CSRF token. Every request is logged on stderr. Annotations made in \
            the page are recorded changes like the CLI's, and sync to teammates; the page's Sync now runs `newsdb sync NAME` \
            with a server added by `newsdb peers add`. SIGINT or SIGTERM stops the server. \
            See docs/WEB.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("The port on 127.0.0.1 (0: any free port).", valueName: "port"))
    var port = 8788
    @Flag(help: "Open the address in the browser (with xdg-open, when there is one).")
    var open = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let database = try global.openForServing()
        let logger = GlobalOptions.requestLogger("newsdb.web")
        let server = try ReaderServer(
            database: database, configuration: ReaderConfiguration(port: port), syncing: ClientSyncing(),
            logger: logger)
        let open = open
        try await server.run(handlingSignals: true) { port in
            let address = server.address(port: port)
            do {
                try Terminal.writeStdout(Data((address + "\n").utf8))
            } catch {
                Terminal.printError("\(error)")
            }
            Terminal.printNotice("reading \(global.databasePath) at \(address) (Ctrl-C stops)")
            if open { Self.openInBrowser(address) }
        }
        Terminal.printNotice("stopped")
    }

    /// Opens `address` with xdg-open when it is on the PATH; says so on stderr when it is not or fails.
    static func openInBrowser(_ address: String) {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard
            let opener = path.split(separator: ":").map({ "\($0)/xdg-open" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            Terminal.printNotice("--open: xdg-open is not installed; open the address above in a browser")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [address]
        do {
            try process.run()
        } catch {
            Terminal.printNotice("--open: xdg-open failed (\(error.localizedDescription)); open the address above")
        }
    }
}

/// The page's Sync now: the sync `newsdb sync NAME` runs.
struct ClientSyncing: ReaderSyncing {
    func sync(_ database: NewsDatabase, with server: PeerServer) async throws -> PeerSyncOutcome {
        let report = try await SyncClient.sync(database, with: server, newsdbVersion: NewsDB.configuration.version)
        return PeerSyncOutcome(
            sent: report.pushed.changes, received: report.pulled.changes,
            conflicts: report.pulled.conflicts + report.pushed.conflicts, waiting: report.pulled.waiting)
    }
}
