import ArgumentParser
import Store

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending schema migrations, or show them.",
        discussion: """
            Other commands migrate automatically. Before migrating a database that holds data, newsdb copies it \
            next to itself (PATH.schema-N.TIMESTAMP.bak) unless --no-backup is given.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "List applied and pending migrations with their checksums; change nothing.") var status = false
    @Flag(help: "Print the SQL that would run; change nothing.") var dryRun = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if status && dryRun { throw ValidationError("give --status or --dry-run, not both") }
        if output.json && !status { throw ValidationError("--json goes with --status") }
    }

    func run() throws {
        let path = global.databasePath
        if status || dryRun {
            let current = try NewsDatabase.migrationStatus(at: path)
            if dryRun {
                printDryRun(current, path: path)
            } else if output.json {
                try JSONOutput.print(MigrationStatusJSON(current, path: path))
            } else {
                printStatus(current, path: path)
            }
            return
        }
        let database = try NewsDatabase.open(at: path, options: .init(backup: !global.noBackup))
        let outcome = database.migration
        if outcome.created {
            print("created \(path) at schema \(outcome.toVersion)")
        } else if outcome.didMigrate {
            print("migrated \(path) from schema \(outcome.fromVersion) to \(outcome.toVersion)")
            for migration in outcome.applied { print("  applied \(migration.fileName)") }
            if let backup = outcome.backupPath { print("backup at \(backup)") }
        } else {
            print("\(path) is up to date (schema \(outcome.toVersion))")
        }
    }

    private func printStatus(_ status: MigrationStatus, path: String) {
        if !status.databaseExists {
            print("\(path) does not exist yet; it is created at schema \(status.latestVersion) on first use")
        }
        for applied in status.applied {
            print(
                "applied  \(String(applied.version).leftPadded(to: 4))  \(applied.name)  \(applied.checksum.prefix(12))  \(applied.appliedAt)"
            )
        }
        for pending in status.pending {
            print(
                "pending  \(String(pending.version).leftPadded(to: 4))  \(pending.name)  \(pending.checksum.prefix(12))"
            )
        }
        print("schema \(status.currentVersion) of \(status.latestVersion)")
    }

    private func printDryRun(_ status: MigrationStatus, path: String) {
        guard !status.pending.isEmpty else {
            print("-- \(path) is up to date (schema \(status.currentVersion)); nothing would run")
            return
        }
        for migration in status.pending {
            print("-- \(migration.fileName) (checksum \(migration.checksum)), in its own transaction")
            print(migration.sql)
        }
    }
}

/// `newsdb migrate --status --json`.
private struct MigrationStatusJSON: Encodable {
    struct Entry: Encodable {
        let version: Int
        let name: String
        let checksum: String
        let state: String
        let appliedAt: String?
    }
    let path: String
    let exists: Bool
    let schemaVersion: Int
    let latestSchemaVersion: Int
    let migrations: [Entry]

    init(_ status: MigrationStatus, path: String) {
        self.path = path
        exists = status.databaseExists
        schemaVersion = status.currentVersion
        latestSchemaVersion = status.latestVersion
        migrations =
            status.applied.map {
                Entry(
                    version: $0.version, name: $0.name, checksum: $0.checksum, state: "applied", appliedAt: $0.appliedAt
                )
            }
            + status.pending.map {
                Entry(version: $0.version, name: $0.name, checksum: $0.checksum, state: "pending", appliedAt: nil)
            }
    }
}
