import Foundation
import GRDB

/// Which changes a replica has received: for each origin replica, ranges of its counters. A file applied before
/// an earlier one leaves a gap, which the earlier file fills.
public struct Knowledge: Sendable, Equatable, Codable {
    /// Origin replica id to sorted, disjoint, non-adjacent closed ranges of counters.
    public private(set) var ranges: [String: [ClosedRange<Int64>]]

    /// Knows nothing.
    public init() { ranges = [:] }

    /// The largest counter a replica's change can have: 2^53, so that counters are exact in any JSON reader.
    public static let maxCounter: Int64 = 1 << 53

    /// Knows `ranges` (normalized).
    public init(ranges: [String: [ClosedRange<Int64>]]) {
        self.ranges = ranges.compactMapValues { list in
            let normalized = Self.normalized(list)
            return normalized.isEmpty ? nil : normalized
        }
    }

    /// The version vector: for each origin, the last counter up to which nothing is missing (0 when change 1 is).
    public var vector: [String: Int64] {
        ranges.compactMapValues { list in list.first.flatMap { $0.lowerBound == 1 ? $0.upperBound : nil } }
    }

    /// Whether the change `id` has been received.
    public func contains(_ id: ChangeID) -> Bool {
        guard let list = ranges[id.origin] else { return false }
        // The first range that ends at or after the counter is the only one that can hold it.
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].upperBound < id.counter { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low].contains(id.counter)
    }

    /// How many changes of `origin` are known (at most `Int64.max`).
    public func count(for origin: String) -> Int64 {
        (ranges[origin] ?? []).reduce(0) { Self.adding($0, Self.size($1)) }
    }

    /// Records that the changes `range` of `origin` have been received.
    public mutating func insert(_ range: ClosedRange<Int64>, for origin: String) {
        let list = ranges[origin] ?? []
        // Fast path: a counter just past the last range (changes arriving in order).
        if let last = list.last, last.upperBound < range.lowerBound {
            if last.upperBound != .max && range.lowerBound == last.upperBound + 1 {
                ranges[origin]![list.count - 1] = last.lowerBound...range.upperBound
            } else {
                ranges[origin]!.append(range)
            }
            return
        }
        ranges[origin] = Self.merged(list, [range])
    }

    /// Everything known here or in `other`.
    public func union(_ other: Knowledge) -> Knowledge {
        var result = self
        for (origin, list) in other.ranges {
            result.ranges[origin] = Self.merged(result.ranges[origin] ?? [], list)
        }
        return result
    }

    /// The ranges known here and not in `other`, per origin.
    public func subtracting(_ other: Knowledge) -> Knowledge {
        var result = Knowledge()
        for (origin, list) in ranges {
            let taken = other.ranges[origin] ?? []
            var pieces: [ClosedRange<Int64>] = []
            var index = 0
            for range in list {
                var start = range.lowerBound
                var whole = true
                while index < taken.count && taken[index].upperBound < start { index += 1 }
                var cursor = index
                while cursor < taken.count && taken[cursor].lowerBound <= range.upperBound {
                    let cut = taken[cursor]
                    if cut.lowerBound > start { pieces.append(start...(cut.lowerBound - 1)) }
                    guard cut.upperBound < range.upperBound else {
                        whole = false
                        break
                    }
                    start = cut.upperBound + 1
                    cursor += 1
                }
                if whole { pieces.append(start...range.upperBound) }
            }
            if !pieces.isEmpty { result.ranges[origin] = pieces }
        }
        return result
    }

    /// Sorted, disjoint, non-adjacent ranges covering `list`.
    private static func normalized(_ list: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var result: [ClosedRange<Int64>] = []
        result.reserveCapacity(list.count)
        for range in list.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last,
                range.lowerBound <= last.upperBound
                    || (last.upperBound != .max && range.lowerBound == last.upperBound + 1)
            {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// Two normalized lists merged into one.
    private static func merged(_ first: [ClosedRange<Int64>], _ second: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        normalized(first + second)
    }

    private static func size(_ range: ClosedRange<Int64>) -> Int64 {
        let (difference, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        return overflow || difference == .max ? .max : difference + 1
    }

    private static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// Whether nothing is known.
    public var isEmpty: Bool { ranges.values.allSatisfy(\.isEmpty) }

    /// The number of changes known.
    public var total: Int64 { ranges.keys.reduce(0) { Self.adding($0, count(for: $1)) } }

    /// Encodes as `{"ORIGIN": [[FIRST, LAST], ...]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ranges.mapValues { $0.map { [$0.lowerBound, $0.upperBound] } })
    }

    /// Decodes `{"ORIGIN": [[FIRST, LAST], ...]}`, refusing empty or reversed ranges.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: [[Int64]]].self)
        var ranges: [String: [ClosedRange<Int64>]] = [:]
        for (origin, list) in raw {
            ranges[origin] = try list.map { pair in
                guard pair.count == 2, pair[0] >= 1, pair[1] >= pair[0], pair[1] <= Self.maxCounter else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "a counter range must be [first, last], from 1 to 2^53")
                }
                return pair[0]...pair[1]
            }
        }
        self.init(ranges: ranges)
    }

    /// The JSON text of this knowledge (sorted keys), as stored for peers.
    var json: String {
        ranges.keys.sorted().map { origin in
            JSONText.quoted(origin) + ":["
                + (ranges[origin] ?? []).map { "[\($0.lowerBound),\($0.upperBound)]" }
                .joined(separator: ",") + "]"
        }.joined(separator: ",").wrapped(in: "{", "}")
    }

    /// Reads the JSON text `json` writes.
    init(json: String) throws {
        do {
            self = try JSONDecoder().decode(Knowledge.self, from: Data(json.utf8))
        } catch {
            throw StoreError(
                .database, "a stored list of received changes is unreadable: \(StoreError.describe(error))",
                underlying: error)
        }
    }
}

extension String {
    fileprivate func wrapped(in open: String, _ close: String) -> String { open + self + close }
}
