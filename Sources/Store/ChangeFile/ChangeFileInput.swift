import Crypto
import Foundation

/// A change file opened for reading, read a block at a time: memory stays small whatever the file's size (a file
/// is never held, or mapped, whole). Its state never changes after opening (reads say where they read), so one
/// thread can check it while another reads it.
final class ChangeFileInput: Sendable {
    /// The file's path, for messages.
    let path: String
    /// Its size in bytes when it was opened.
    let size: Int
    private let descriptor: Int32
    /// The bytes, for a change file held in memory (a page received over HTTP); nil for a file.
    private let memory: Data?

    /// Opens `path`.
    /// - Throws: `StoreError` `.io` when it cannot be opened.
    init(path: String) throws {
        self.path = path
        memory = nil
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.cannotRead(path) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = Self.cannotRead(path)
            close(descriptor)
            throw error
        }
        size = Int(info.st_size)
    }

    /// Reads `data` as a change file called `name`.
    init(data: Data, name: String) {
        path = name
        size = data.count
        descriptor = -1
        memory = data
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The bytes `range` (fewer when the file ends first).
    func bytes(_ range: Range<Int>) throws -> [UInt8] {
        var buffer: [UInt8] = []
        try append(range, to: &buffer)
        return buffer
    }

    /// Appends the bytes `range` to `buffer` (fewer when the file ends first).
    /// - Returns: How many bytes were appended.
    @discardableResult
    func append(_ range: Range<Int>, to buffer: inout [UInt8]) throws -> Int {
        if let memory {
            let available = range.clamped(to: 0..<size)
            buffer.append(
                contentsOf: memory[
                    (memory.startIndex + available.lowerBound)..<(memory.startIndex + available.upperBound)])
            return available.count
        }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: range.count))
        var done = 0
        while done < range.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + start + done, range.count - done, off_t(range.lowerBound + done))
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.cannotRead(path) }
            if count == 0 { break }
            done += count
        }
        buffer.removeLast(range.count - done)
        return done
    }

    /// The line that starts at `offset`, without its line feed, read a block at a time; nil at the end of the file.
    /// - Returns: The line, and the offset of the line after it.
    func line(at offset: Int) throws -> (text: [UInt8], next: Int)? {
        guard offset < size else { return nil }
        var line: [UInt8] = []
        var position = offset
        while true {
            let start = line.count
            let read = try append(position..<(position + 64 * 1024), to: &line)
            if let end = line[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let next = offset + end + 1
                line.removeSubrange(end...)
                return (line, next)
            }
            guard read > 0 else { return (line, position) }
            position += read
        }
    }

    /// The SHA-256 of the bytes `range`, in lowercase hexadecimal.
    func sha256(_ range: Range<Int>) throws -> String {
        var hasher = SHA256()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(ChangeLines.blockSize)
        var position = range.lowerBound
        while position < range.upperBound {
            buffer.removeAll(keepingCapacity: true)
            let read = try append(position..<min(position + ChangeLines.blockSize, range.upperBound), to: &buffer)
            guard read > 0 else { break }
            hasher.update(data: buffer)
            position += read
        }
        return hasher.finalize().hex
    }

    private static func cannotRead(_ path: String) -> StoreError {
        StoreError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
    }
}

extension SHA256.Digest {
    /// The digest in lowercase hexadecimal, as change files state it.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
