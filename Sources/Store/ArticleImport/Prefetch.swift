import Dispatch

/// A value computed on another thread, waited for when needed: the import reads the next batch of files while
/// the current one is written.
final class Prefetch<Value: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is written once on the worker thread before `ready` is signalled, and read only after
    // `wait()` has returned from that same semaphore, which orders the write before the read.
    private let ready = DispatchSemaphore(value: 0)
    private var value: Value?

    init(on queue: DispatchQueue, _ work: @escaping @Sendable () -> Value) {
        queue.async {
            self.value = work()
            self.ready.signal()
        }
    }

    /// The value, once computed. Call at most once.
    func wait() -> Value {
        ready.wait()
        guard let value else { preconditionFailure("Prefetch signalled without a value") }
        return value
    }
}
