import ArgumentParser
import Foundation
import Store

@main
struct NewsDB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newsdb",
        abstract: "A local database of news articles and your annotations on them.",
        discussion: """
            The database is --db PATH, else $NEWSDB_DB, else $XDG_DATA_HOME/newsdb/newsdb.sqlite \
            (~/.local/share/newsdb/newsdb.sqlite). It is created on first use and migrated automatically.
            Articles are named by their id or any unique prefix of it (at least 4 characters), as git names commits.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Import.self, List.self, Show.self, Search.self, Status.self, Migrate.self,
        ]
    )

    /// Runs the command line, printing failures as one line on stderr (`newsdb: …`) with a non-zero status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as StoreError {
            Terminal.printError(error.message)
            Foundation.exit(ExitStatus.failure)
        } catch let error as CLIError {
            Terminal.printError(error.message)
            Foundation.exit(error.status)
        } catch {
            exit(withError: error)
        }
    }
}

/// A failure found by the command line itself, with the exit status to end on.
struct CLIError: Error {
    let message: String
    var status: Int32 = ExitStatus.failure
}

/// The exit statuses newsdb ends with.
enum ExitStatus {
    static let success: Int32 = 0
    /// Something failed, or some input was skipped.
    static let failure: Int32 = 1
}
