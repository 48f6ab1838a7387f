import Foundation
import GRDB

extension NewsDatabase {
    /// Puts a backup of a database (one a migration left, or any copy of a newsdb database) back as the database at
    /// `path`, as a new replica: the backup's changes stay its replica's, and teammates send back the changes that
    /// replica made after the backup was taken, which a restored copy would otherwise never receive (their ids would
    /// be reused by its next changes).
    ///
    /// The backup is copied with SQLite's backup API (a consistent copy even if it is in use) into a new file
    /// readable by its owner only, then migrated to this binary's schema if it is older. The backup is not changed.
    /// - Parameters:
    ///   - backup: The backup file.
    ///   - path: Where the database goes; nothing may be there (move a damaged database aside first).
    ///   - options: How to open the restored database (its clock; it is migrated, without a further backup).
    /// - Returns: The restored database and the new replica it became.
    /// - Throws: `StoreError`: `.invalidInput` when `path` exists, `.cannotOpen` or `.schemaTooNew` for a backup
    ///   that is not a newsdb database this binary can open, `.io` when the copy cannot be written (nothing is left).
    public static func restore(backup: String, to path: String, options: Options = Options())
        throws -> (database: NewsDatabase, fork: ReplicaFork)
    {
        guard !FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + "-wal")
        else {
            throw StoreError(
                .invalidInput,
                "\(path) exists; move it (and its -wal and -shm files) aside first, or restore to another --db")
        }
        let status = try Migrator.inspect(path: backup, migrations: options.migrations)
        guard status.databaseExists else {
            throw StoreError(.invalidInput, "\(backup) is empty or missing; name a backup file")
        }
        try copyDatabase(from: backup, to: path)
        var options = options
        options.migrate = true
        options.backup = false
        let database = try open(at: path, options: options)
        // A backup newsdb wrote, or one taken from another disk, became a new replica when it was opened.
        if let fork = database.fork {
            return (
                database,
                ReplicaFork(
                    previous: fork.previous, current: fork.current, previousCounter: fork.previousCounter,
                    reason: .restored)
            )
        }
        let fileID = try FileIdentity.of(path: path)
        let made = try database.write("making the restored database a new replica") { db in
            try fork(db, name: nil, fileID: fileID, reason: .restored, wallClock: database.clock())
        }
        return (database, made)
    }

    /// Copies the database at `source` into a new file at `destination`, made readable by its owner only; a failed
    /// copy leaves no file.
    private static func copyDatabase(from source: String, to destination: String) throws {
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "cannot create folder \(folder): \(StoreError.describe(error))", underlying: error)
        }
        let descriptor = Foundation.open(destination, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.io, "cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        do {
            var readOnly = Configuration()
            readOnly.readonly = true
            readOnly.busyMode = .timeout(busyTimeout)
            let from = try DatabaseQueue(path: Migrator.untouchedReadURI(source), configuration: readOnly)
            let to = try DatabaseQueue(path: destination)
            try from.backup(to: to)
            try to.close()
            try from.close()
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(destination + suffix) }
            throw StoreError(
                .io, "cannot copy \(source) to \(destination): \(StoreError.describe(error))", underlying: error)
        }
    }
}
