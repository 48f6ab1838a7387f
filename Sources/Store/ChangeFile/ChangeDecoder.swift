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

/// Decodes the change lines of a checked file on a thread of its own, a batch at a time, a few batches ahead of the
/// caller, which applies them: decoding and applying overlap, and memory stays bounded.
///
/// `@unchecked Sendable`: the batches, the outcome and the flags are read and written only under `condition`.
final class ChangeDecoder: @unchecked Sendable {
    /// Changes decoded, and how much of the file they reach (from 0 to 1).
    struct Batch: Sendable {
        let changes: [Change]
        let fraction: Double
    }

    /// How many changes a batch holds, and how many batches may wait.
    static let batchSize = 1_000
    static let waitingBatches = 4

    private let condition = NSCondition()
    private var batches: [Batch] = []
    /// Set when decoding has ended, with its error if it failed.
    private var ended = false
    private var failure: StoreError?
    private var stopped = false
    private var exited = false

    /// Starts decoding the change lines of `file`.
    init(_ file: ChangeFileInput, layout: ChangeFileLayout, origins: [String]) {
        let thread = Thread { [self] in
            decode(file, layout: layout, origins: origins)
            condition.withLock {
                exited = true
                condition.broadcast()
            }
        }
        thread.name = "newsdb change decoder"
        thread.start()
    }

    /// The next batch; nil after the last.
    /// - Throws: `StoreError`: what decoding the file threw (a damaged line, a read error, a file changed since it
    ///   was checked).
    func next() throws -> Batch? {
        try condition.withLock {
            while batches.isEmpty && !ended { condition.wait() }
            if !batches.isEmpty {
                condition.broadcast()
                return batches.removeFirst()
            }
            if let failure { throw failure }
            return nil
        }
    }

    /// Stops decoding, and waits for the decoding thread to end.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
            while !exited { condition.wait() }
        }
    }

    private func decode(_ file: ChangeFileInput, layout: ChangeFileLayout, origins: [String]) {
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
                    guard add(Batch(changes: batch, fraction: lines.fraction)) else { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { guard add(Batch(changes: batch, fraction: 1)) else { return } }
            end(nil)
        } catch let error as StoreError {
            end(error)
        } catch {
            end(StoreError(.io, "cannot read \(file.path): \(StoreError.describe(error))", underlying: error))
        }
    }

    /// Hands over `batch`, waiting while enough are waiting. Returns false once the reader has stopped.
    private func add(_ batch: Batch) -> Bool {
        condition.withLock {
            while batches.count >= Self.waitingBatches && !stopped { condition.wait() }
            guard !stopped else { return false }
            batches.append(batch)
            condition.broadcast()
            return true
        }
    }

    private func end(_ failure: StoreError?) {
        condition.withLock {
            ended = true
            self.failure = failure
            condition.broadcast()
        }
    }
}
