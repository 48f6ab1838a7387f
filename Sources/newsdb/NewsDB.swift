import ArgumentParser
import Foundation
import Logging
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
        version: "0.3.0",
        subcommands: [
            Init.self, Import.self, List.self, Show.self, Diff.self, Search.self, Annotate.self, Annotations.self,
            SyncCommand.self,
            Serve.self, Web.self, HubCommand.self, Peers.self, Tokens.self, Conflicts.self, Resolve.self, Status.self,
            Check.self,
            Migrate.self,
            Restore.self, Clone.self,
        ]
    )

    /// Runs the command line, printing failures as one line on stderr (`newsdb: …`) with a non-zero status.
    static func main() async {
        // NEWSDB_LOG=debug (or trace, info…) prints what the store does on stderr; by default it is silent.
        let level = Environment.value("NEWSDB_LOG").flatMap {
            Logger.Level(rawValue: $0.lowercased())
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? .critical
            return handler
        }
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if let unknown = unknownHelpTopic(arguments) {
                Terminal.printError("no command \(unknown); `newsdb --help` lists them")
                Foundation.exit(ExitStatus.usage)
            }
            var command = try parseAsRoot(movingGlobalOptions(arguments))
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
            let status = exitCode(for: error)
            guard status != .success, !(error is ExitCode) else { exit(withError: error) }
            // Usage errors, like every other failure, are one line; `--help` has the details.
            Terminal.printError("\(oneLine(message(for: error))) (see `newsdb --help`)")
            Foundation.exit(status.rawValue)
        }
    }

    /// ArgumentParser's message as one line: its first line, with a list of valid values that follows it (as bullets,
    /// one a line) joined on: "… Please provide one of the following: yellow, green, …".
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map(String.init)
        guard let first = lines.first else { return "invalid arguments" }
        let values = lines.dropFirst().prefix { $0.hasPrefix("  - ") }.map { $0.dropFirst(4) }
        return values.isEmpty ? first : first + " " + values.joined(separator: ", ")
    }

    /// The first name after `help` that is not a command (ArgumentParser's `help` would print the main help for it
    /// and exit 0): `newsdb help annotations nosuch` names `annotations nosuch`.
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var commands: [any ParsableCommand.Type] = configuration.subcommands
        var path: [String] = []
        // The topic is the names before any option; `_commandName` is the name ArgumentParser itself matches.
        for name in arguments.dropFirst().prefix(while: { !$0.hasPrefix("-") }) {
            path.append(name)
            guard
                let command = commands.first(where: {
                    $0._commandName == name || $0.configuration.aliases.contains(name)
                })
            else {
                return path.joined(separator: " ")
            }
            commands = command.configuration.subcommands
        }
        return nil
    }

    /// The options every command takes (`--db`, `--no-backup`) may come before the command name, as in
    /// `newsdb --db team.sqlite list`; they are moved to the end, where the command reads them.
    static func movingGlobalOptions(_ arguments: [String]) -> [String] {
        var global: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--db", rest.count >= 2 {
                global += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--db=") || first == "--no-backup" {
                global.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !global.isEmpty, !rest.isEmpty else { return arguments }
        var moved = Array(rest)
        let end = moved.firstIndex(of: "--") ?? moved.endIndex
        moved.insert(contentsOf: global, at: end)
        return moved
    }
}

/// A failure found by the command line itself, with the exit status to end on.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    var status: Int32 = ExitStatus.failure

    var description: String { message }
}

/// The exit statuses newsdb ends with.
enum ExitStatus {
    static let success: Int32 = 0
    /// The operation failed on a well-formed command line, or some input was skipped.
    static let failure: Int32 = 1
    /// The command line is wrong: an unknown command or option, a missing or malformed value, or a path or id that
    /// cannot be what it should (a missing input file, a folder where a file goes, an id prefix too short).
    static let usage: Int32 = 64
}
