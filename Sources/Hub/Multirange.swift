import Store

/// Counters as PostgreSQL's `int8multirange` writes and reads them: `{[FIRST,LAST+1),…}`, the canonical form of
/// ranges of bigint (closed below, open above), which is how the hub keeps what it received of each replica.
enum Multirange {
    /// The text of `ranges` (sorted and disjoint, as ``Knowledge`` keeps them).
    static func text(_ ranges: [ClosedRange<Int64>]) -> String {
        "{" + ranges.map { "[\($0.lowerBound),\($0.upperBound + 1))" }.joined(separator: ",") + "}"
    }

    /// The closed ranges of the text PostgreSQL wrote for an `int8multirange` (canonical: `[a,b)` pieces).
    /// - Throws: `StoreError` `.database` for text of another form.
    static func ranges(_ text: String) throws -> [ClosedRange<Int64>] {
        let body = text.dropFirst().dropLast()
        guard text.hasPrefix("{"), text.hasSuffix("}") else { throw unreadable(text) }
        var ranges: [ClosedRange<Int64>] = []
        for piece in body.split(separator: ")", omittingEmptySubsequences: true) {
            let trimmed = piece.drop { $0 == "," }
            guard trimmed.hasPrefix("[") else { throw unreadable(text) }
            let bounds = trimmed.dropFirst().split(separator: ",")
            guard bounds.count == 2, let first = Int64(bounds[0]), let end = Int64(bounds[1]), end > first else {
                throw unreadable(text)
            }
            ranges.append(first...(end - 1))
        }
        return ranges
    }

    private static func unreadable(_ text: String) -> StoreError {
        StoreError(.database, "the hub's record of received changes is unreadable (\(text.prefix(40)))")
    }
}
