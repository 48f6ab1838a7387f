import ArgumentParser
import Store

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Put a backup back as the database, as a new replica.",
        discussion: """
            Copies BACKUP (a migration's backup, or any copy of a newsdb database) to the database path, which must \
            not exist yet, migrates it if it is older, and makes it a new replica: the changes in the backup stay \
            those of the replica that made them, so teammates can send back what it made after the backup was \
            taken (`newsdb sync`, or their change files). See docs/SYNC.md, "Copies and backups".
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The backup file.", valueName: "backup")) var backup: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let path = global.databasePath
        let (_, fork) = try NewsDatabase.restore(backup: backup, to: path)
        if output.json {
            try JSONOutput.print(fork)
            return
        }
        print("restored \(backup) to \(path)")
        Init.printFork(fork)
    }
}
