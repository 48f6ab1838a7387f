import Crypto
import Dispatch
import Foundation
import Store

/// Reads and applies change files (docs/SYNC.md). A file is checked whole (format, version, schema, SHA-256) before
/// anything of it is applied, and then applied in one transaction, so a refused file leaves the database untouched.
public enum ChangeFileReader {
    /// How many change lines are parsed at a time (on every core); memory stays bounded whatever the file's size.
    static let chunkLines = 4_000

    /// Applies the change file at `path` to `database`.
    /// - Parameter progress: Called now and then with the fraction of the file applied.
    /// - Returns: What was applied.
    /// - Throws: `StoreError` `.invalidInput` (one line naming the file) for a file that is not a change file, is
    ///   truncated, damaged or altered, or comes from a newer format or schema; `.io` when it cannot be read.
    public static func apply(
        _ path: String, to database: NewsDatabase, progress: ((Double) -> Void)? = nil
    ) throws -> ChangeImportReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw StoreError(.io, "cannot read \(path): \(StoreError.describe(error))", underlying: error)
        }
        return try apply(data, named: path, to: database, progress: progress)
    }

    /// Applies a change file held in memory (a page received over HTTP), checked as a file is.
    /// - Parameters:
    ///   - path: What to call it in errors.
    ///   - maxChanges: Refuse a file that says it holds more changes than this.
    /// - Throws: As ``apply(_:to:progress:)``.
    public static func apply(
        _ data: Data, named path: String, to database: NewsDatabase, maxChanges: Int = .max,
        progress: ((Double) -> Void)? = nil
    ) throws -> ChangeImportReport {
        let lines = lineRanges(data)
        guard let headerLine = lines.first else { throw ChangeFileHeader.notAChangeFile(path) }
        let (header, origins) = try ChangeFileHeader.read(data[headerLine], file: path)
        let body = try verify(data, lines: lines, file: path)
        let count = Int(String(decoding: data[lines[lines.count - 2]], as: UTF8.self).dropFirst("\"count\": ".count).dropLast())
        guard let count else { throw ChangeFileHeader.damaged(path, "its count of changes is unreadable") }
        guard count <= maxChanges else {
            throw StoreError(.invalidInput, "\(path) holds more than \(maxChanges) changes, the most one page may hold")
        }
        var codec = ChangeCodec(origins: origins)
        var buffered: [Any] = []
        var bufferedIndex = 0
        var nextLine = body.lowerBound
        var expected = 0
        let report = try database.applyChanges(
            header: header,
            next: {
                while true {
                    if bufferedIndex == buffered.count {
                        guard nextLine < body.upperBound else {
                            // The count is the sender's word, under its own SHA-256: the lines are what counts.
                            guard expected == count else {
                                throw ChangeFileHeader.damaged(path, "it says it holds \(count) changes but holds \(expected)")
                            }
                            return nil
                        }
                        let chunk = nextLine..<min(nextLine + chunkLines, body.upperBound)
                        buffered = try parse(data, lines: lines, chunk, file: path)
                        bufferedIndex = 0
                        nextLine = chunk.upperBound
                        progress?(Double(nextLine - body.lowerBound) / Double(max(1, body.count)))
                    }
                    let line = nextLine - buffered.count + bufferedIndex + 1
                    let value = buffered[bufferedIndex]
                    bufferedIndex += 1
                    let change: Change?
                    do {
                        change = try codec.decode(value)
                    } catch let error as StoreError {
                        throw ChangeFileHeader.damaged(path, "line \(line): \(error.message)")
                    }
                    if let change {
                        expected += 1
                        guard expected <= maxChanges else {
                            throw StoreError(.invalidInput, "\(path) holds more than \(maxChanges) changes, the most one page may hold")
                        }
                        return change
                    }
                }
            })
        return report
    }

    /// Checks the last line's SHA-256 against every byte before it, and the `"changes": [` and `],` lines.
    /// - Returns: The indices (in `lines`) of the change lines.
    private static func verify(_ data: Data, lines: [Range<Int>], file: String) throws -> Range<Int> {
        let count = lines.count
        guard count >= 5, let last = lines.last else {
            throw ChangeFileHeader.damaged(file, "it is truncated")
        }
        let lastText = String(decoding: data[last], as: UTF8.self)
        let prefix = "\"sha256\": \""
        guard lastText.hasPrefix(prefix), lastText.hasSuffix("\"}"), lastText.count == prefix.count + 64 + 2 else {
            throw ChangeFileHeader.damaged(file, "it is truncated (its last line, the SHA-256, is missing)")
        }
        let expected = lastText.dropFirst(prefix.count).prefix(64)
        let digest = SHA256.hash(data: data[data.startIndex..<last.lowerBound]).map { String(format: "%02x", $0) }.joined()
        guard digest == expected else {
            throw ChangeFileHeader.damaged(file, "its SHA-256 does not match its content (it was corrupted or altered)")
        }
        guard String(decoding: data[lines[1]], as: UTF8.self) == "\"changes\": [",
            String(decoding: data[lines[count - 3]], as: UTF8.self) == "],",
            String(decoding: data[lines[count - 2]], as: UTF8.self).hasPrefix("\"count\": ")
        else { throw ChangeFileHeader.damaged(file, "its layout is not the change file layout") }
        return 2..<(count - 3)
    }

    /// Parses the change lines `range` as JSON, on every core.
    private static func parse(_ data: Data, lines: [Range<Int>], _ range: Range<Int>, file: String) throws -> [Any] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, range.count / 500))
        let results = ParsedParts(count: parts)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let slice = (range.lowerBound + range.count * part / parts)..<(range.lowerBound + range.count * (part + 1) / parts)
            var values: [Any] = []
            values.reserveCapacity(slice.count)
            for index in slice {
                var line = data[lines[index]]
                if line.last == UInt8(ascii: ",") { line = line.dropLast() }
                do {
                    values.append(try JSONSerialization.jsonObject(with: line))
                } catch {
                    results.set(part, .failure(ChangeFileHeader.damaged(file, "line \(index + 1) is not JSON")))
                    return
                }
            }
            results.set(part, .success(values))
        }
        return try results.joined()
    }
}

/// The JSON values parsed by each part of a chunk. JSON values are Foundation objects, not `Sendable`; each part
/// writes its own slot once, under the lock, and they are read after every part has finished.
private final class ParsedParts: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[Any], StoreError>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ part: Int, _ result: Result<[Any], StoreError>) {
        lock.withLock { results[part] = result }
    }

    func joined() throws -> [Any] {
        try lock.withLock { try results.flatMap { try $0?.get() ?? [] } }
    }
}
