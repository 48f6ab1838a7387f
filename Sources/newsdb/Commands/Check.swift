import ArgumentParser
import Foundation
import Store

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the database: SQLite's integrity, the full-text indexes, and the change log against the data.",
        discussion: """
            Changes nothing, and so does not migrate: a database that needs `newsdb migrate` is refused. Opens the \
            database read-only, so it works on a read-only file and waits for no writer. Exits 1 and lists the \
            problems when there are any.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let problems = try NewsDatabase.open(at: global.databasePath, options: .init(readOnly: true)).check()
        if output.json {
            try JSONOutput.print(["problems": problems])
        } else if problems.isEmpty {
            print("ok: SQLite's integrity check, foreign keys, full-text indexes and change log")
        } else {
            for problem in problems { print(problem) }
        }
        if !problems.isEmpty {
            throw CLIError(message: "\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
        }
    }
}
