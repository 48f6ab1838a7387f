import Foundation

/// Where the parts of a checked change file are.
struct ChangeFileLayout: Sendable {
    /// The change lines: from the third line to the `],` line.
    let body: Range<Int>
    /// The bytes the SHA-256 covers (all before the last line).
    let hashed: Int
    /// The SHA-256 the last line states.
    let digest: String
    /// The number of changes its count line states.
    let count: Int
}

/// Decodes the change lines of a checked file on a thread of its own (a ``ReadAhead``), a batch at a time, a few
/// batches ahead of the caller, which applies them: decoding and applying overlap, and memory stays bounded.
struct ChangeDecoder {
    /// Changes decoded, and how much of the file they reach (from 0 to 1).
    struct Batch: Sendable {
        let changes: [Change]
        let fraction: Double
    }

    /// How many changes a batch holds, and how many decoded batches may wait for the caller.
    static let batchSize = 1_000
    static let waitingBatches = 4

    private let batches: ReadAhead<Batch>

    /// Starts decoding the change lines of `file`.
    init(_ file: ChangeFileInput, layout: ChangeFileLayout, origins: [String]) {
        // The waiting batches, and the one being decoded.
        batches = ReadAhead(capacity: Self.waitingBatches + 1, name: "newsdb change decoder") { yield in
            try Self.decode(file, layout: layout, origins: origins, yield)
        }
    }

    /// The next batch; nil after the last.
    /// - Throws: `StoreError`: what decoding the file threw (a damaged line, a read error, a file changed since it
    ///   was checked).
    func next() throws -> Batch? {
        try batches.next()
    }

    /// Stops decoding, and waits for the decoding thread to end.
    func stop() {
        batches.stop()
    }

    /// Decodes the change lines of `file`, handing each batch to `yield`, until the last or until `yield` returns
    /// false.
    /// - Throws: `StoreError`.
    private static func decode(
        _ file: ChangeFileInput, layout: ChangeFileLayout, origins: [String], _ yield: (Batch) -> Bool
    ) throws {
        var lines = ChangeLines(file, layout: layout)
        var codec = ChangeCodec(origins: origins)
        func decode(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws -> Change? {
            do {
                return try codec.decode(line: line)
            } catch let error as StoreError {
                throw ChangeFileHeader.damaged(file.path, "line \(number): \(error.message)")
            }
        }
        var batch: [Change] = []
        batch.reserveCapacity(Self.batchSize)
        do {
            while let change = try lines.next(decode) {
                guard let change else { continue }
                batch.append(change)
                if batch.count == Self.batchSize {
                    guard yield(Batch(changes: batch, fraction: lines.fraction)) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { _ = yield(Batch(changes: batch, fraction: 1)) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot read \(file.path): \(StoreError.describe(error))", underlying: error)
        }
    }
}
