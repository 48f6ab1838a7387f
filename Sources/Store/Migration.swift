import Foundation

/// One numbered schema migration: the SQL text of a `migrations/NNNN_name.sql` file, as built into the binary.
public struct Migration: Sendable, Equatable {
    /// The schema version this migration brings the database to (`NNNN` in the file name).
    public let version: Int
    /// The descriptive part of the file name (`create_articles`).
    public let name: String
    /// The file name, as in `migrations/` (`0001_create_articles.sql`).
    public let fileName: String
    /// The exact bytes of the file.
    public let bytes: Data
    /// SHA-256 (hex) of the file with CRLF and CR line endings normalized to LF, so a checkout with
    /// Windows line endings yields the same checksum.
    public let checksum: String

    /// The SQL text of the migration.
    public var sql: String { String(decoding: bytes, as: UTF8.self) }

    /// Creates a migration from a file name of the form `NNNN_name.sql` and the file's bytes.
    /// - Throws: `StoreError` (`.invalidInput`) when the file name has no version number.
    public init(fileName: String, bytes: Data) throws {
        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
            throw StoreError(.invalidInput, "migration file \(fileName) is not named NNNN_name.sql")
        }
        self.version = version
        self.name = String(parts[1])
        self.fileName = fileName
        self.bytes = bytes
        self.checksum = Migration.checksum(of: bytes)
    }

    /// The checksum newsdb records for migration bytes: SHA-256 (hex) after normalizing line endings to LF.
    public static func checksum(of bytes: Data) -> String {
        var normalized = [UInt8]()
        normalized.reserveCapacity(bytes.count)
        var previousWasCR = false
        for byte in bytes {
            if byte == UInt8(ascii: "\r") {
                normalized.append(UInt8(ascii: "\n"))
                previousWasCR = true
                continue
            }
            if byte == UInt8(ascii: "\n") && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            normalized.append(byte)
        }
        return sha256Hex(bytes: normalized)
    }

    /// The migrations built into this binary, in version order.
    ///
    /// The build embeds `migrations/*.sql` byte for byte (see `Plugins/EmbedMigrations`); the numbering is checked
    /// by the test suite, so a gap or a duplicate never ships.
    public static let embedded: [Migration] = loadEmbedded()

    private static func loadEmbedded() -> [Migration] {
        var migrations: [Migration] = []
        for file in EmbeddedMigrations.files {
            guard let bytes = Data(base64Encoded: file.base64) else {
                // The build tool wrote this base64 itself: failing here means the binary is corrupt,
                // and no database should be touched by it.
                preconditionFailure("newsdb binary is corrupt: embedded migration \(file.name) is not valid base64")
            }
            do {
                migrations.append(try Migration(fileName: file.name, bytes: bytes))
            } catch {
                preconditionFailure("newsdb binary is corrupt: \(error)")
            }
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// The schema version of the newest migration built into this binary.
    public static var latestVersion: Int { embedded.last?.version ?? 0 }
}
