import Foundation

/// Reads and applies change files (docs/SYNC.md). A file is checked whole (format, version, schema, SHA-256) before
/// anything of it is applied, and then applied in one transaction, so a refused file leaves the database untouched.
/// It is read a block at a time, twice (to check it, then to apply it), and never held in memory whole; its lines
/// are decoded on a thread of their own while the changes decoded before them are applied.
public enum ChangeFileReader {
    /// Applies the change file at `path` to `database`.
    /// - Parameter progress: Called now and then with the fraction of the file applied, during the call (never from
    ///   the thread that decodes the file).
    /// - Returns: What was applied.
    /// - Throws: `StoreError` `.invalidInput` (one line naming the file) for a file that is not a change file, is
    ///   truncated, damaged or altered, or comes from a newer format or schema; `.io` when it cannot be read.
    public static func apply(
        _ path: String, to database: NewsDatabase, progress: ((Double) -> Void)? = nil
    ) throws -> ChangeSetReport {
        try apply(try ChangeFileInput(path: path), to: database, maxChanges: .max, progress: progress)
    }

    /// The header of a change file held in memory (a page received over HTTP): what its sender has, and what it
    /// accounts for. Only its first line is read.
    /// - Parameter name: What to call it in errors.
    /// - Throws: `StoreError` `.invalidInput` when the first line is not a change file's header.
    public static func header(of file: Data, named name: String) throws -> ChangeSetHeader {
        let end = file.firstIndex(of: UInt8(ascii: "\n")) ?? file.endIndex
        return try ChangeFileHeader.read(file[file.startIndex..<end], file: name).header
    }

    /// Applies a change file held in memory (a page received over HTTP), checked as a file is.
    /// - Parameters:
    ///   - name: What to call it in errors.
    ///   - maxChanges: Refuse a file of more changes than this (counted, not taken from its count line).
    /// - Throws: As ``apply(_:to:progress:)``.
    public static func apply(
        _ data: Data, named name: String, to database: NewsDatabase, maxChanges: Int = .max,
        progress: ((Double) -> Void)? = nil
    ) throws -> ChangeSetReport {
        try apply(ChangeFileInput(data: data, name: name), to: database, maxChanges: maxChanges, progress: progress)
    }

    /// Applies a page received over HTTP, checked as a file is, for an async caller (the sync server and client): it
    /// is checked and applied on the database's writer, reached through GRDB's async access, so no thread of the
    /// caller's waits on SQLite. The page is applied in one transaction, as by ``apply(_:named:to:maxChanges:progress:)``.
    /// - Throws: As ``apply(_:to:progress:)``.
    public static func applyPage(
        _ data: Data, named name: String, to database: NewsDatabase, maxChanges: Int = .max
    ) async throws -> ChangeSetReport {
        let file = ChangeFileInput(data: data, name: name)
        return try await database.async.writeWithoutTransaction("applying changes") { db in
            try apply(file, maxChanges: maxChanges, progress: nil) { header, next in
                try database.applyChanges(header: header, next: next, in: db)
            }
        }
    }

    /// Reads a page received over HTTP, checked as a file is, into its header and its changes, for a store that
    /// keeps changes elsewhere than in a ``NewsDatabase`` (the team hub on PostgreSQL). Nothing is applied.
    /// - Parameters:
    ///   - name: What to call it in errors.
    ///   - maxChanges: Refuse a page of more changes than this (counted, not taken from its count line).
    /// - Returns: The header and the changes, in the page's order.
    /// - Throws: As ``apply(_:to:progress:)``.
    public static func readPage(_ data: Data, named name: String, maxChanges: Int = .max) throws -> (
        header: ChangeSetHeader, changes: [Change]
    ) {
        var read: (header: ChangeSetHeader, changes: [Change])?
        _ = try apply(ChangeFileInput(data: data, name: name), maxChanges: maxChanges, progress: nil) { header, next in
            var changes: [Change] = []
            while let change = try next() { changes.append(change) }
            read = (header, changes)
            return ChangeSetReport(sender: header.sender.name)
        }
        guard let read else { throw ChangeFileHeader.notAChangeFile(name) }
        return read
    }

    private static func apply(
        _ file: ChangeFileInput, to database: NewsDatabase, maxChanges: Int, progress: ((Double) -> Void)?
    ) throws -> ChangeSetReport {
        try apply(file, maxChanges: maxChanges, progress: progress) { header, next in
            try database.applyChanges(header: header, next: next)
        }
    }

    /// Checks `file` whole, then hands its header and its changes, one at a time, to `applying`.
    private static func apply(
        _ file: ChangeFileInput, maxChanges: Int, progress: ((Double) -> Void)?,
        applying: (ChangeSetHeader, () throws -> Change?) throws -> ChangeSetReport
    ) throws -> ChangeSetReport {
        let path = file.path
        guard let (headerLine, second) = try file.line(at: 0) else { throw ChangeFileHeader.notAChangeFile(path) }
        let (header, origins) = try ChangeFileHeader.read(Data(headerLine), file: path)
        let layout = try verify(file, secondLine: second)
        let tooMany = StoreError(
            .invalidInput, "\(path) holds more than \(maxChanges) changes, the most one page may hold")
        guard layout.count <= maxChanges else { throw tooMany }
        let decoder = ChangeDecoder(file, layout: layout, origins: origins)
        defer { decoder.stop() }
        var batch: [Change] = []
        var taken = 0
        var applied = 0
        var reported = 0.0
        return try applying(
            header,
            {
                while taken == batch.count {
                    guard let next = try decoder.next() else {
                        // The count line is the sender's word, under its own SHA-256: the lines are what counts.
                        guard applied == layout.count else {
                            throw ChangeFileHeader.damaged(
                                path, "it says it holds \(layout.count) changes but holds \(applied)")
                        }
                        progress?(1)
                        return nil
                    }
                    (batch, taken) = (next.changes, 0)
                    if let progress, next.fraction - reported >= 0.01 {
                        reported = next.fraction
                        progress(reported)
                    }
                }
                applied += 1
                guard applied <= maxChanges else { throw tooMany }
                defer { taken += 1 }
                return batch[taken]
            })
    }

    /// Checks the last line's SHA-256 against every byte before it, and the `"changes": [` and `],` lines.
    /// - Parameter secondLine: Where the line after the header starts.
    /// - Returns: Where the change lines are.
    private static func verify(_ file: ChangeFileInput, secondLine: Int) throws -> ChangeFileLayout {
        let path = file.path
        // The last three lines: `],`, `"count": N,` and `"sha256": "HEX"}` (the file ends with a line feed).
        let tailStart = max(0, file.size - 4096)
        let tail = try file.bytes(tailStart..<file.size)
        var ends = tail.last == UInt8(ascii: "\n") ? [tail.count - 1] : [tail.count]
        while ends.count < 4, let previous = tail[..<ends[ends.count - 1]].lastIndex(of: UInt8(ascii: "\n")) {
            ends.append(previous)
        }
        // Line starts, last line first (a line with no line feed before it in the tail starts at the tail).
        let starts = (1..<4).map { $0 < ends.count ? tailStart + ends[$0] + 1 : tailStart }
        func text(_ line: Int) -> String {
            let start = starts[line] - tailStart
            return String(decoding: tail[start..<ends[line]], as: UTF8.self)
        }
        guard let second = try file.line(at: secondLine), ends.count == 4, starts[2] >= second.next else {
            throw ChangeFileHeader.damaged(path, "it is truncated")
        }
        let lastText = text(0)
        let prefix = "\"sha256\": \""
        guard lastText.hasPrefix(prefix), lastText.hasSuffix("\"}"), lastText.utf8.count == prefix.utf8.count + 64 + 2
        else {
            throw ChangeFileHeader.damaged(path, "it is truncated (its last line, the SHA-256, is missing)")
        }
        let expected = String(lastText.dropFirst(prefix.count).prefix(64))
        guard try file.sha256(0..<starts[0]) == expected else {
            throw ChangeFileHeader.damaged(path, "its SHA-256 does not match its content (it was corrupted or altered)")
        }
        guard String(decoding: second.text, as: UTF8.self) == "\"changes\": [", text(2) == "],",
            text(1).hasPrefix("\"count\": ")
        else { throw ChangeFileHeader.damaged(path, "its layout is not the change file layout") }
        guard let count = Int(text(1).dropFirst("\"count\": ".count).dropLast()), count >= 0 else {
            throw ChangeFileHeader.damaged(path, "its count of changes is unreadable")
        }
        return ChangeFileLayout(body: second.next..<starts[2], hashed: starts[0], digest: expected, count: count)
    }
}
