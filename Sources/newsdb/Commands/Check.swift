import ArgumentParser
import Foundation
import Store

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the database: SQLite's integrity, the full-text indexes, and the change log against the data.",
        discussion: """
            Changes nothing, and so does not migrate: a database that needs `newsdb migrate` is refused. Opens the \
            database read-only, so it works on a read-only file and waits for no writer. Exits 1 and lists the \
            problems when there are any.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let database = try NewsDatabase.open(at: global.databasePath, options: .init(readOnly: true))
        let problems = try database.check()
        // Changes waiting for what has not arrived are no damage, but a user should know what they wait for.
        let waiting = try database.waitingChanges()
        if output.json {
            try JSONOutput.print(CheckResult(problems: problems, waiting: waiting))
        } else {
            if problems.isEmpty {
                print("ok: SQLite's integrity check, foreign keys, full-text indexes and change log")
            }
            for problem in problems { print(problem) }
            for group in waiting { print("waiting: \(group)") }
        }
        if !problems.isEmpty {
            throw CLIError(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
        }
    }

    private struct CheckResult: Encodable {
        let problems: [String]
        let waiting: [WaitingChanges]
    }
}
