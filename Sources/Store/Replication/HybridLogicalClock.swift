import Foundation

/// A hybrid logical clock timestamp: wall-clock milliseconds, a counter for events within the same millisecond (or
/// after a clock that ran ahead), and the replica that made it, which breaks ties. Timestamps order totally, and an
/// event made after seeing another always orders after it, whatever the wall clocks say.
public struct HLCTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970, as the clock that made the timestamp knew them (never less than any seen before).
    public let milliseconds: Int64
    /// Orders events with the same `milliseconds`.
    public let counter: UInt32
    /// The replica that made the timestamp.
    public let replica: String

    /// Creates a timestamp.
    public init(milliseconds: Int64, counter: UInt32, replica: String) {
        self.milliseconds = milliseconds
        self.counter = counter
        self.replica = replica
    }

    public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
        (lhs.milliseconds, lhs.counter, lhs.replica) < (rhs.milliseconds, rhs.counter, rhs.replica)
    }

    /// Reads the text `description` writes; nil for anything else.
    public init?(text: String) {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 15, parts[1].count == 10, !parts[2].isEmpty,
            let milliseconds = Int64(parts[0]), let counter = UInt32(parts[1])
        else { return nil }
        self.init(milliseconds: milliseconds, counter: counter, replica: String(parts[2]))
    }

    /// The wall-clock instant the timestamp carries.
    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// `MILLISECONDS-COUNTER-REPLICA`, with fixed-width numbers so that the text sorts as the timestamp does.
    public var description: String {
        guard milliseconds >= 0 && milliseconds < 1_000_000_000_000_000 else {
            let millis = String(milliseconds)
            return String(repeating: "0", count: max(0, 15 - millis.count)) + millis + "-" + Self.padded(counter) + "-"
                + replica
        }
        // Written digit by digit: a sync import makes one for every change it applies.
        var text = [UInt8](repeating: UInt8(ascii: "0"), count: 27)
        var rest = milliseconds
        for index in stride(from: 14, through: 0, by: -1) where rest > 0 {
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        text[15] = UInt8(ascii: "-")
        var count = counter
        for index in stride(from: 25, through: 16, by: -1) where count > 0 {
            text[index] = UInt8(ascii: "0") + UInt8(count % 10)
            count /= 10
        }
        text[26] = UInt8(ascii: "-")
        return String(decoding: text, as: UTF8.self) + replica
    }

    private static func padded(_ counter: UInt32) -> String {
        let count = String(counter)
        return String(repeating: "0", count: max(0, 10 - count.count)) + count
    }
}

/// A hybrid logical clock (Kulkarni et al., 2014) for one replica: `now()` for a local event, `observe(_:)` for a
/// timestamp received from another replica.
///
/// A teammate whose wall clock runs hours ahead cannot make later local edits lose: after observing their
/// timestamp, local events order after it (the counter carries on until the local wall clock catches up).
public struct HybridLogicalClock: Sendable {
    /// The replica whose events this clock stamps.
    public let replica: String
    /// The latest timestamp made or observed.
    public private(set) var latest: HLCTimestamp
    private let wallClock: @Sendable () -> Date

    /// Creates a clock that continues after `latest` (the last timestamp this replica stored), reading `wallClock`.
    public init(replica: String, latest: HLCTimestamp? = nil, wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.replica = replica
        self.latest = latest ?? HLCTimestamp(milliseconds: 0, counter: 0, replica: replica)
        self.wallClock = wallClock
    }

    /// A timestamp for a local event, later than every timestamp made or observed so far.
    public mutating func now() -> HLCTimestamp {
        let physical = Int64((wallClock().timeIntervalSince1970 * 1000).rounded(.down))
        if physical > latest.milliseconds {
            latest = HLCTimestamp(milliseconds: physical, counter: 0, replica: replica)
        } else {
            latest = HLCTimestamp(milliseconds: latest.milliseconds, counter: latest.counter + 1, replica: replica)
        }
        return latest
    }

    /// Takes in a timestamp received from another replica, so that every later local event orders after it.
    public mutating func observe(_ remote: HLCTimestamp) {
        guard
            remote.milliseconds > latest.milliseconds
                || (remote.milliseconds == latest.milliseconds && remote.counter > latest.counter)
        else { return }
        latest = HLCTimestamp(milliseconds: remote.milliseconds, counter: remote.counter, replica: replica)
    }
}
