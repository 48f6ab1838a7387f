import Foundation
import Synchronization
import Testing

@testable import Store

@Suite struct ReadAheadTests {
    /// A number the producer and the consumer both look at.
    final class Shared: Sendable {
        let value = Mutex(0)
        var current: Int { value.withLock { $0 } }
    }

    struct ProducerFailure: Error, Equatable {
        let after: Int
    }

    @Test("Values reach the consumer in the order they were made, then nil")
    func order() throws {
        let values = ReadAhead<Int>(capacity: 3, name: "test producer") { yield in
            for value in 0..<1_000 {
                guard yield(value) else { return }
            }
        }
        defer { values.stop() }
        var taken: [Int] = []
        while let value = try values.next() { taken.append(value) }
        #expect(taken == Array(0..<1_000))
        #expect(try values.next() == nil)
    }

    @Test("The producer is never more than its capacity ahead of the consumer", arguments: [1, 4])
    func bounded(capacity: Int) throws {
        let total = 12
        let started = Shared()
        let values = ReadAhead<Int>(capacity: capacity, name: "test producer") { yield in
            for value in 0..<total {
                started.value.withLock { $0 += 1 }
                guard yield(value) else { return }
            }
        }
        defer { values.stop() }
        var taken = 0
        while true {
            // Until the consumer takes another, the producer may start no more than `capacity` values past those
            // taken: it must reach that bound, and (given a moment to overshoot it) stay there.
            let bound = min(total, taken + capacity)
            let deadline = Date().addingTimeInterval(10)
            while started.current < bound && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
            #expect(started.current == bound)
            Thread.sleep(forTimeInterval: 0.02)
            #expect(started.current <= taken + capacity)
            guard let value = try values.next() else { break }
            #expect(value == taken)
            taken += 1
        }
        #expect(taken == total)
    }

    @Test("An error the producer throws reaches the consumer after the values made before it")
    func producerError() throws {
        let values = ReadAhead<Int>(capacity: 2, name: "test producer") { yield in
            for value in 0..<3 {
                guard yield(value) else { return }
            }
            throw ProducerFailure(after: 3)
        }
        defer { values.stop() }
        var taken: [Int] = []
        #expect(throws: ProducerFailure(after: 3)) {
            while let value = try values.next() { taken.append(value) }
        }
        #expect(taken == [0, 1, 2])
    }

    @Test("Stopping mid-stream ends a producer that would never end, and waits for it")
    func stop() throws {
        let returned = Shared()
        let values = ReadAhead<Int>(capacity: 2, name: "test producer") { yield in
            var value = 0
            while yield(value) { value += 1 }
            returned.value.withLock { $0 = 1 }
        }
        #expect(try values.next() == 0)
        #expect(try values.next() == 1)
        // Stopped on another thread, so that a producer that does not end fails the test instead of hanging it.
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            values.stop()
            stopped.signal()
        }.start()
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        #expect(returned.current == 1)
        #expect(try values.next() == nil)
    }
}
