import Foundation

/// Values made on a thread of their own, a bounded number ahead of the one consumer that takes them in order: the
/// next values are read (or decoded) while the current one is written, and memory stays bounded.
///
/// The producer hands each value to `yield`, which returns once there is room for another: at most `capacity` values
/// are made and not yet taken, counting the one being made. `yield` returns false once the consumer has stopped;
/// the producer should then return. An error the producer throws reaches the consumer after the values yielded
/// before it.
///
/// The consumer must take values until `next()` returns nil or throws, or call ``stop()``: until then the producer's
/// thread may wait for room, and holds this object.
///
/// `@unchecked Sendable`: the buffer, the failure and the flags are read and written only under `condition`, and the
/// values themselves are `Sendable`.
final class ReadAhead<Value: Sendable>: @unchecked Sendable {
    private let capacity: Int
    private let condition = NSCondition()
    private var buffer: [Value] = []
    /// Set when the producer has returned or thrown; `failure` is what it threw.
    private var ended = false
    private var failure: (any Error)?
    /// Set by `stop()`: the consumer takes no more values.
    private var stopped = false
    /// Set when the producer's thread is about to end.
    private var exited = false

    /// Starts `produce` on a thread of its own.
    /// - Parameters:
    ///   - capacity: How many values may be made and not yet taken, counting the one being made (at least 1).
    ///   - name: The thread's name, for debuggers and crash reports.
    ///   - produce: Makes the values, in order, handing each to `yield`; returns when there are no more, or when
    ///     `yield` returns false.
    init(
        capacity: Int, name: String,
        produce: @escaping @Sendable (_ yield: (Value) -> Bool) throws -> Void
    ) {
        precondition(capacity >= 1, "a read-ahead holds at least one value")
        self.capacity = capacity
        let thread = Thread { [self] in
            let failure: (any Error)?
            do {
                try produce(add)
                failure = nil
            } catch {
                failure = error
            }
            condition.withLock {
                ended = true
                self.failure = failure
                exited = true
                condition.broadcast()
            }
        }
        thread.name = name
        thread.start()
    }

    /// The next value, waiting for it to be made; nil after the last, or after ``stop()``.
    /// - Throws: What the producer threw, once the values it yielded before have been taken.
    func next() throws -> Value? {
        try condition.withLock {
            while buffer.isEmpty && !ended && !stopped { condition.wait() }
            if !buffer.isEmpty {
                condition.broadcast()
                return buffer.removeFirst()
            }
            if !stopped, let failure { throw failure }
            return nil
        }
    }

    /// Ends the producer early (its next `yield` returns false) and waits for its thread to end; the values not
    /// taken are dropped. Calling it again, or after the last value, only waits.
    func stop() {
        condition.withLock {
            stopped = true
            buffer.removeAll()
            condition.broadcast()
            while !exited { condition.wait() }
        }
    }

    /// Hands `value` to the consumer, then waits until another may be made. Returns false once the consumer has
    /// stopped.
    private func add(_ value: Value) -> Bool {
        condition.withLock {
            guard !stopped else { return false }
            buffer.append(value)
            condition.broadcast()
            while buffer.count >= capacity && !stopped { condition.wait() }
            return !stopped
        }
    }
}
