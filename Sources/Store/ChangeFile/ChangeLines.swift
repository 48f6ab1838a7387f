import Crypto
import Foundation

/// The change lines of a change file, read a block at a time. Every byte the SHA-256 covers is read (and hashed)
/// again as the lines go by, so that the lines applied are the bytes that were checked: a file changed after its
/// check is caught at the end, before the transaction commits.
struct ChangeLines {
    /// How much of the file is read at a time.
    static let blockSize = 1 << 20

    private let file: ChangeFileInput
    /// The change lines: from the third line to the `],` line.
    private let body: Range<Int>
    /// The bytes the SHA-256 covers (all before the last line), and what it must be.
    private let hashed: Int
    private let digest: String
    private var hasher = SHA256()
    private var buffer: [UInt8] = []
    /// The file offset of `buffer[0]`.
    private var bufferOffset = 0
    /// The file offset of the next line.
    private var position: Int
    /// The number, from 1, of the line last read.
    private var lineNumber = 2

    init(_ file: ChangeFileInput, layout: ChangeFileLayout) {
        self.file = file
        body = layout.body
        hashed = layout.hashed
        digest = layout.digest
        position = body.lowerBound
        buffer.reserveCapacity(Self.blockSize + 64 * 1024)
    }

    /// How much of the change lines has been read, from 0 to 1.
    var fraction: Double {
        body.isEmpty ? 1 : Double(position - body.lowerBound) / Double(body.count)
    }

    /// Calls `decode` with the bytes of the next change line (without its line feed and the comma after it) and its
    /// number in the file, from 1.
    /// - Returns: What `decode` returns; nil after the last line, once the bytes read are known to be those checked.
    /// - Throws: `StoreError` `.io` when the file cannot be read, `.invalidInput` when it changed since its check,
    ///   or what `decode` throws.
    mutating func next<T>(_ decode: (UnsafeBufferPointer<UInt8>, Int) throws -> T) throws -> T? {
        guard position < body.upperBound else {
            try finish()
            return nil
        }
        while true {
            let start = position - bufferOffset
            let end =
                start >= buffer.count
                ? nil
                : buffer.withUnsafeBytes { bytes -> Int? in
                    memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start).map {
                        bytes.baseAddress!.distance(to: $0)
                    }
                }
            guard let end else {
                guard try read() else {
                    throw ChangeFileHeader.damaged(file.path, "it changed while it was being imported")
                }
                continue
            }
            var last = end
            if last > start && buffer[last - 1] == UInt8(ascii: ",") { last -= 1 }
            position = bufferOffset + end + 1
            lineNumber += 1
            return try buffer.withUnsafeBufferPointer {
                try decode(UnsafeBufferPointer(rebasing: $0[start..<last]), lineNumber)
            }
        }
    }

    /// Reads the next block after what `buffer` holds, dropping what comes before `position`.
    /// - Returns: False at the end of the bytes the SHA-256 covers.
    private mutating func read() throws -> Bool {
        let offset = bufferOffset + buffer.count
        guard offset < hashed else { return false }
        let consumed = min(max(0, position - bufferOffset), buffer.count)
        buffer.removeSubrange(0..<consumed)
        bufferOffset += consumed
        let start = buffer.count
        let read = try file.append(offset..<min(offset + Self.blockSize, hashed), to: &buffer)
        guard read > 0 else { return false }
        buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[start...])) }
        return true
    }

    /// Reads and hashes the rest of the bytes the SHA-256 covers, and compares.
    private mutating func finish() throws {
        position = bufferOffset + buffer.count
        while try read() { position = bufferOffset + buffer.count }
        guard bufferOffset + buffer.count == hashed, hasher.finalize().hex == digest else {
            throw ChangeFileHeader.damaged(file.path, "it changed while it was being imported")
        }
    }
}
