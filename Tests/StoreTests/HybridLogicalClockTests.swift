import Foundation
import Synchronization
import Testing

@testable import Store

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let milliseconds = Mutex<Int64>(0)

    init(_ start: Int64) { milliseconds.withLock { $0 = start } }

    func advance(by delta: Int64) { milliseconds.withLock { $0 += delta } }

    var read: @Sendable () -> Date {
        { Date(timeIntervalSince1970: Double(self.milliseconds.withLock { $0 }) / 1000) }
    }
}

@Suite struct HybridLogicalClockTests {
    @Test("Local timestamps always increase, even when the wall clock stands still or goes back")
    func monotonic() {
        let wall = ManualClock(1_000_000)
        var clock = HybridLogicalClock(replica: "a", wallClock: wall.read)
        let first = clock.now()
        let second = clock.now()
        wall.advance(by: -5_000)
        let third = clock.now()
        #expect(first < second)
        #expect(second < third)
        #expect(third.milliseconds == 1_000_000)
        wall.advance(by: 10_000)
        let fourth = clock.now()
        #expect(fourth.milliseconds == 1_005_000)
        #expect(fourth.counter == 0)
    }

    @Test("After seeing a teammate's clock hours ahead, local edits still order after it")
    func skewedTeammate() {
        let wall = ManualClock(1_000_000)
        var local = HybridLogicalClock(replica: "a", wallClock: wall.read)
        let aheadWall = ManualClock(1_000_000 + 3 * 3_600_000)
        var teammate = HybridLogicalClock(replica: "b", wallClock: aheadWall.read)
        let theirs = teammate.now()
        local.observe(theirs)
        let mine = local.now()
        #expect(mine > theirs, "an edit made after seeing theirs wins over it")
        #expect(mine.replica == "a")
        #expect(mine.milliseconds == theirs.milliseconds)
    }

    @Test("Ties order by replica, and the text form sorts as the timestamps do")
    func ordering() {
        let a = HLCTimestamp(milliseconds: 5, counter: 2, replica: "a")
        let b = HLCTimestamp(milliseconds: 5, counter: 2, replica: "b")
        let later = HLCTimestamp(milliseconds: 40, counter: 0, replica: "a")
        #expect(a < b)
        #expect(b < later)
        #expect([later, b, a].map(\.description).sorted() == [a, b, later].map(\.description))
        #expect(a.description == "000000000000005-0000000002-a")
    }

    @Test("A clock continues after the last stored timestamp")
    func resume() {
        let wall = ManualClock(10)
        var clock = HybridLogicalClock(
            replica: "a", latest: HLCTimestamp(milliseconds: 500, counter: 7, replica: "a"), wallClock: wall.read)
        #expect(clock.now() == HLCTimestamp(milliseconds: 500, counter: 8, replica: "a"))
    }
}
