import Foundation

/// The byte ranges (indices of `data`) of the lines of `data`, without their line feeds, found with memchr: how the
/// line-oriented formats (annotation JSON Lines, change files) are split before their lines are parsed.
public func lineRanges(_ data: Data) -> [Range<Int>] {
    data.withUnsafeBytes { raw -> [Range<Int>] in
        guard let base = raw.baseAddress else { return [] }
        var ranges: [Range<Int>] = []
        var start = 0
        while start < raw.count {
            guard let found = memchr(base + start, 0x0A, raw.count - start) else {
                ranges.append(start..<raw.count)
                break
            }
            let end = base.distance(to: UnsafeRawPointer(found))
            ranges.append(start..<end)
            start = end + 1
        }
        return ranges.map { ($0.lowerBound + data.startIndex)..<($0.upperBound + data.startIndex) }
    }
}
