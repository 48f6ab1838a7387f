import Foundation
import GRDB

/// Which changes a replica has received: for each origin replica, ranges of its counters. A file applied before
/// an earlier one leaves a gap, which the earlier file fills.
public struct Knowledge: Sendable, Equatable, Codable {
    /// Origin replica id to sorted, disjoint, non-adjacent closed ranges of counters.
    public private(set) var ranges: [String: [ClosedRange<Int64>]]

    /// Knows nothing.
    public init() { ranges = [:] }

    /// Knows `ranges` (normalized).
    public init(ranges: [String: [ClosedRange<Int64>]]) {
        self.ranges = [:]
        for (origin, list) in ranges { for range in list { insert(range, for: origin) } }
    }

    /// The version vector: for each origin, the last counter up to which nothing is missing (0 when change 1 is).
    public var vector: [String: Int64] {
        ranges.compactMapValues { list in list.first.flatMap { $0.lowerBound == 1 ? $0.upperBound : nil } }
    }

    /// Whether the change `id` has been received.
    public func contains(_ id: ChangeID) -> Bool {
        guard let list = ranges[id.origin] else { return false }
        return list.contains { $0.contains(id.counter) }
    }

    /// How many changes of `origin` are known.
    public func count(for origin: String) -> Int64 {
        (ranges[origin] ?? []).reduce(0) { $0 + Int64($1.count) }
    }

    /// Records that the changes `range` of `origin` have been received.
    public mutating func insert(_ range: ClosedRange<Int64>, for origin: String) {
        var list = ranges[origin] ?? []
        var merged = range
        list.removeAll { existing in
            guard existing.lowerBound <= merged.upperBound + 1 && merged.lowerBound <= existing.upperBound + 1 else {
                return false
            }
            merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            return true
        }
        list.append(merged)
        list.sort { $0.lowerBound < $1.lowerBound }
        ranges[origin] = list
    }

    /// Everything known here or in `other`.
    public func union(_ other: Knowledge) -> Knowledge {
        var result = self
        for (origin, list) in other.ranges { for range in list { result.insert(range, for: origin) } }
        return result
    }

    /// The ranges known here and not in `other`, per origin.
    public func subtracting(_ other: Knowledge) -> Knowledge {
        var result = Knowledge()
        for (origin, list) in ranges {
            for range in list {
                var pieces = [range]
                for taken in other.ranges[origin] ?? [] {
                    pieces = pieces.flatMap { piece -> [ClosedRange<Int64>] in
                        guard taken.overlaps(piece) else { return [piece] }
                        var rest: [ClosedRange<Int64>] = []
                        if piece.lowerBound < taken.lowerBound { rest.append(piece.lowerBound...(taken.lowerBound - 1)) }
                        if piece.upperBound > taken.upperBound { rest.append((taken.upperBound + 1)...piece.upperBound) }
                        return rest
                    }
                }
                for piece in pieces { result.insert(piece, for: origin) }
            }
        }
        return result
    }

    /// Whether nothing is known.
    public var isEmpty: Bool { ranges.values.allSatisfy(\.isEmpty) }

    /// The number of changes known.
    public var total: Int64 { ranges.keys.reduce(0) { $0 + count(for: $1) } }

    /// Encodes as `{"ORIGIN": [[FIRST, LAST], ...]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ranges.mapValues { $0.map { [$0.lowerBound, $0.upperBound] } })
    }

    /// Decodes `{"ORIGIN": [[FIRST, LAST], ...]}`, refusing empty or reversed ranges.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode([String: [[Int64]]].self)
        self.init()
        for (origin, list) in raw {
            for pair in list {
                guard pair.count == 2, pair[0] >= 1, pair[1] >= pair[0] else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "a counter range must be [first, last], from 1")
                }
                insert(pair[0]...pair[1], for: origin)
            }
        }
    }

    /// The JSON text of this knowledge (sorted keys), as stored for peers.
    var json: String {
        ranges.keys.sorted().map { origin in
            JSONText.quoted(origin) + ":[" + (ranges[origin] ?? []).map { "[\($0.lowerBound),\($0.upperBound)]" }
                .joined(separator: ",") + "]"
        }.joined(separator: ",").wrapped(in: "{", "}")
    }

    /// Reads the JSON text `json` writes.
    init(json: String) throws {
        do {
            self = try JSONDecoder().decode(Knowledge.self, from: Data(json.utf8))
        } catch {
            throw StoreError(.database, "a stored list of received changes is unreadable: \(StoreError.describe(error))", underlying: error)
        }
    }
}

extension String {
    fileprivate func wrapped(in open: String, _ close: String) -> String { open + self + close }
}
