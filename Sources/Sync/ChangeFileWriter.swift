import Crypto
import Foundation
import Store

/// What an export wrote.
public struct ChangeFileSummary: Sendable, Equatable, Codable {
    /// The file.
    public let path: String
    /// The changes in it.
    public let changes: Int
    /// Its size in bytes.
    public let bytes: Int64
    /// The peer it was made for, when one was named.
    public let peer: String?
}

/// Writes change files (docs/SYNC.md): one JSON document, a header line, one change per line, and a last line with
/// the SHA-256 of every byte before it.
public enum ChangeFileWriter {
    /// Exports the changes `peer` is not known to have (all of them without a peer) to `path` (`-`: standard
    /// output). A new or regular file is written under a temporary name renamed into place, so that a failed export
    /// leaves no partial file behind; a device or FIFO is written through, never replaced (``OutputFile``).
    /// - Throws: `StoreError` (`.io` when the file cannot be written, `.invalidInput` for a folder).
    @discardableResult
    public static func export(
        from database: NewsDatabase, for peer: Peer?, to path: String, newsdbVersion: String
    ) throws -> ChangeFileSummary {
        try OutputFile(path).write { handle in
            var layout = ChangeFileComposer(output: HashingOutput(handle: handle))
            let count = try database.exportChanges(
                excluding: peer?.knowledge ?? Knowledge(), newsdbVersion: newsdbVersion,
                header: { try layout.begin($0) }, change: { try layout.add($0) })
            try layout.finish(count: count)
            return ChangeFileSummary(path: path, changes: count, bytes: layout.output.bytes, peer: peer?.name)
        }
    }

    /// A page of changes as a change file in memory: what a server answers to a pull and a client pushes.
    /// - Throws: `StoreError`.
    public static func encode(_ page: ChangePage) throws -> [UInt8] {
        var layout = ChangeFileComposer(output: HashingOutput(handle: nil))
        try layout.begin(page.header)
        for change in page.changes { try layout.add(change) }
        try layout.finish(count: page.changes.count)
        return layout.output.memory
    }
}

/// The change file's layout: the header line, `"changes": [`, a line per change, `],`, the count, the SHA-256.
private struct ChangeFileComposer {
    var output: HashingOutput
    private var codec = ChangeCodec(origins: [])
    private var first = true

    init(output: HashingOutput) { self.output = output }

    mutating func begin(_ header: ChangeSetHeader) throws {
        // Every replica the sender knows of: changes name the changes they replace, from any of them.
        let origins = Array(Set(header.knowledge.ranges.keys).union([header.sender.id])).sorted()
        codec = ChangeCodec(origins: origins)
        try output.write(ChangeFileHeader.line(header, origins: origins) + "\n\"changes\": [")
    }

    mutating func add(_ change: Change) throws {
        for line in try codec.encode(change) {
            try output.write((first ? "\n" : ",\n") + line)
            first = false
        }
    }

    mutating func finish(count: Int) throws {
        try output.write("\n],\n\"count\": \(count),\n")
        try output.finish()
    }
}

/// Buffered output to a file (or, without one, to memory) that hashes what it writes, and ends with the hash.
private struct HashingOutput {
    let handle: FileHandle?
    var hasher = SHA256()
    var buffer: [UInt8] = []
    /// Everything written, when there is no file.
    var memory: [UInt8] = []
    var bytes: Int64 = 0

    init(handle: FileHandle?) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        hasher.update(data: buffer)
        try put(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the last line: `"sha256": "HEX"}`.
    mutating func finish() throws {
        try flush()
        let digest = hasher.finalize().hex
        try put(Array("\"sha256\": \"\(digest)\"}\n".utf8))
    }

    private mutating func put(_ bytes: [UInt8]) throws {
        if let handle {
            try handle.write(contentsOf: bytes)
        } else {
            memory.append(contentsOf: bytes)
        }
        self.bytes += Int64(bytes.count)
    }
}
