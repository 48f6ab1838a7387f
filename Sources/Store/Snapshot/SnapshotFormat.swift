import Foundation

/// The snapshot file (docs/SYNC.md, "The snapshot file"): a header line, a compacted SQLite database compressed as
/// one Zstandard frame (which says where it ends), and a trailer line with the SHA-256 of everything before it.
///
/// ```
/// {"format":"newsdb-snapshot","version":1,"schema":5,"newsdb":"0.3.0","compression":"zstd","databaseBytes":N,"source":{...}}\n
/// a Zstandard frame of the N bytes of a SQLite database file
/// {"sha256":"HEX"}\n
/// ```
public enum SnapshotFormat {
    /// The format's name, the header's first field.
    public static let name = "newsdb-snapshot"
    /// The version this newsdb writes and the newest it reads.
    public static let version = 1
    /// How the database is compressed: the only way there is.
    static let compression = "zstd"
    /// The longest header line read; a longer first line is not a snapshot's.
    static let maximumHeaderBytes = 64 * 1024
    /// The trailer's length: `{"sha256":"` 64 hexadecimal digits `"}` and a line feed.
    static let trailerBytes = 78

    /// The trailer line for `digest` (lowercase hexadecimal).
    static func trailer(sha256 digest: String) -> [UInt8] {
        Array(#"{"sha256":""#.utf8) + Array(digest.utf8) + Array("\"}\n".utf8)
    }

    /// The digest a trailer line holds, or nil when it is not one.
    static func digest(inTrailer bytes: [UInt8]) -> String? {
        let prefix = Array(#"{"sha256":""#.utf8)
        let suffix = Array("\"}\n".utf8)
        guard bytes.count == trailerBytes, bytes.starts(with: prefix), bytes.suffix(suffix.count).elementsEqual(suffix)
        else { return nil }
        let digest = bytes[prefix.count..<(bytes.count - suffix.count)]
        guard digest.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return String(decoding: digest, as: UTF8.self)
    }
}

/// What a snapshot's header says: its format and schema, the newsdb that wrote it, the size of the database it
/// holds (once decompressed), and the replica it was taken from.
public struct SnapshotHeader: Sendable, Equatable, Codable {
    /// The format version (``SnapshotFormat/version``).
    public let version: Int
    /// The schema version of the database inside (its newest migration).
    public let schema: Int
    /// The newsdb version that wrote it.
    public let newsdb: String
    /// The size of the database inside, in bytes, once decompressed.
    public let databaseBytes: Int64
    /// The replica it was taken from.
    public let source: Replica

    /// The header line, ending with a line feed: `format` and `version` first, so a reader can tell a snapshot from
    /// its first bytes.
    var line: [UInt8] {
        let source =
            #"{"id":"# + JSONText.quoted(source.id) + #","name":"# + JSONText.quoted(source.name)
            + #","createdAt":"# + JSONText.quoted(source.createdAt) + "}"
        let text =
            #"{"format":"# + JSONText.quoted(SnapshotFormat.name) + #","version":\#(version),"schema":\#(schema),"#
            + #""newsdb":"# + JSONText.quoted(newsdb) + #","compression":"#
            + JSONText.quoted(SnapshotFormat.compression)
            + #","databaseBytes":\#(databaseBytes),"source":"# + source + "}\n"
        return Array(text.utf8)
    }

    /// Reads a header line (without its line feed), refusing a snapshot this newsdb cannot take.
    /// - Parameters:
    ///   - line: The first line's bytes.
    ///   - name: The snapshot's name for messages (a file, or a server's URL).
    /// - Throws: `StoreError` `.invalidInput`: not a snapshot, a newer format, a newer schema.
    static func parse(_ line: ArraySlice<UInt8>, name: String) throws -> SnapshotHeader {
        let notSnapshot = StoreError(
            .invalidInput, "\(name) is not a newsdb snapshot (made by `newsdb sync export --snapshot`)")
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw notSnapshot
            }
            object = parsed
        } catch {
            throw notSnapshot
        }
        guard object["format"] as? String == SnapshotFormat.name, let version = object["version"] as? Int else {
            throw notSnapshot
        }
        guard version <= SnapshotFormat.version else {
            throw StoreError(
                .invalidInput,
                "\(name) is in snapshot format \(version), newer than this newsdb reads (\(SnapshotFormat.version)); "
                    + "upgrade newsdb")
        }
        guard let schema = object["schema"] as? Int, let newsdb = object["newsdb"] as? String,
            object["compression"] as? String == SnapshotFormat.compression,
            let bytes = (object["databaseBytes"] as? NSNumber)?.int64Value, bytes > 0,
            let source = object["source"] as? [String: Any], let id = source["id"] as? String,
            let sourceName = source["name"] as? String, let createdAt = source["createdAt"] as? String
        else {
            throw StoreError(.invalidInput, "\(name) is damaged: its header line lacks what a snapshot's has")
        }
        guard schema <= Migration.latestVersion else {
            throw StoreError(
                .invalidInput,
                "\(name) comes from a newer newsdb (schema \(schema); this one has \(Migration.latestVersion)); "
                    + "upgrade newsdb")
        }
        return SnapshotHeader(
            version: version, schema: schema, newsdb: newsdb, databaseBytes: bytes,
            source: Replica(id: id, name: sourceName, createdAt: createdAt))
    }
}
