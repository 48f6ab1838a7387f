/// An article body prepared for finding passages in it: its Unicode scalars (the unit of annotation offsets), and a
/// folded copy in which runs of white space are one space, curly quotes are straight and dashes are hyphens, so that
/// a quote typed or pasted by a reader matches across line breaks, runs of spaces and typographic punctuation.
struct AnchoringText {
    /// The body's Unicode scalars.
    let scalars: [Unicode.Scalar]
    /// The folded body.
    let folded: [UInt32]
    /// For each folded scalar, the offset of the body scalar it came from.
    let origin: [Int]
    /// The body's UTF-8 bytes, and where each scalar starts in them (one more entry for the end), so a passage
    /// becomes a String with one copy.
    private let utf8: [UInt8]
    private let utf8Offsets: [Int]

    init(_ body: String) {
        scalars = Array(body.unicodeScalars)
        utf8 = Array(body.utf8)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var position = 0
        for scalar in scalars {
            offsets.append(position)
            position += UTF8.width(scalar)
        }
        offsets.append(position)
        utf8Offsets = offsets
        var folded: [UInt32] = []
        var origin: [Int] = []
        folded.reserveCapacity(scalars.count)
        origin.reserveCapacity(scalars.count)
        var previousWasSpace = false
        for (offset, scalar) in scalars.enumerated() {
            let value = Self.fold(scalar)
            if value == 0x20 {
                if previousWasSpace { continue }
                previousWasSpace = true
            } else {
                previousWasSpace = false
            }
            folded.append(value)
            origin.append(offset)
        }
        self.folded = folded
        self.origin = origin
    }

    /// `text` folded the same way, with white space at either end dropped.
    static func folded(_ text: String) -> [UInt32] {
        var result: [UInt32] = []
        var pendingSpace = false
        // Bodies are stored in NFC: a quote typed or pasted decomposed (e and a combining accent) matches too.
        for scalar in TextScanning.nfc(text).unicodeScalars {
            let value = fold(scalar)
            if value == 0x20 {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(0x20) }
                pendingSpace = false
                result.append(value)
            }
        }
        return result
    }

    @inline(__always)
    static func fold(_ scalar: Unicode.Scalar) -> UInt32 {
        let value = scalar.value
        if value < 0x80 {
            return value == 0x09 || value == 0x0A || value == 0x0D || value == 0x0B || value == 0x0C ? 0x20 : value
        }
        switch value {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: return 0x27  // ’ → '
        case 0x201C, 0x201D, 0x201E, 0x2033: return 0x22  // ” → "
        case 0x2010...0x2015, 0x2212: return 0x2D  // — → -
        default: return scalar.properties.isWhitespace ? 0x20 : value
        }
    }

    /// The text of the body scalars in `range`.
    func string(_ range: Range<Int>) -> String {
        String(decoding: utf8[utf8Offsets[range.lowerBound]..<utf8Offsets[range.upperBound]], as: UTF8.self)
    }

    /// The body range (in scalars) of the folded range `range`.
    func bodyRange(_ range: Range<Int>) -> Range<Int> {
        origin[range.lowerBound]..<(origin[range.upperBound - 1] + 1)
    }

    /// The folded offset of the body offset `offset` (the first folded scalar at or after it).
    func foldedOffset(_ offset: Int) -> Int {
        var low = 0
        var high = origin.count
        while low < high {
            let middle = (low + high) / 2
            if origin[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Every place `pattern` (folded) occurs in the folded body, as body ranges, in order.
    func occurrences(of pattern: [UInt32]) -> [Range<Int>] {
        guard !pattern.isEmpty, pattern.count <= folded.count else { return [] }
        // Boyer-Moore-Horspool, with shifts keyed by a scalar's low byte (a shared byte only shortens a shift):
        // a bulk import looks for every quote in its whole article, to be sure it occurs once.
        let starts: [Int] = folded.withUnsafeBufferPointer { text in
            pattern.withUnsafeBufferPointer { needle in
                var found: [Int] = []
                let length = needle.count
                // On the stack: this runs for every quote of an import, which allocated and cleared a table on the heap each time.
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { shifts in
                    shifts.initialize(repeating: length)
                    for position in 0..<(length - 1) { shifts[Int(needle[position] & 0xFF)] = length - 1 - position }
                    let final = needle[length - 1]
                    var index = 0
                    let last = text.count - length
                    while index <= last {
                        let scalar = text[index + length - 1]
                        if scalar == final {
                            var matched = 0
                            while matched < length - 1 && text[index + matched] == needle[matched] { matched += 1 }
                            if matched == length - 1 { found.append(index) }
                        }
                        index += shifts[Int(scalar & 0xFF)]
                    }
                }
                return found
            }
        }
        return starts.map { bodyRange($0..<($0 + pattern.count)) }
    }

    /// Every place `pattern` (folded) occurs in the folded body as whole characters, as body ranges, in order: an
    /// occurrence that starts or ends inside a character (half of a flag, an emoji without its skin tone, one person
    /// of a family) is left out, since its passage could not be shown or highlighted on its own.
    func wholeOccurrences(of pattern: [UInt32]) -> (whole: [Range<Int>], splitting: Int) {
        let found = occurrences(of: pattern)
        let whole = found.filter { isCharacterBoundary($0.lowerBound) && isCharacterBoundary($0.upperBound) }
        return (whole, found.count - whole.count)
    }

    /// Whether the body offset `offset` lies between two characters (extended grapheme clusters), not inside one.
    func isCharacterBoundary(_ offset: Int) -> Bool {
        guard !isPlainBoundary(offset) else { return true }
        // Characters are found from the nearest plain boundaries either side, which every segmentation shares.
        var lower = offset
        while !isPlainBoundary(lower) { lower -= 1 }
        var upper = offset
        while !isPlainBoundary(upper) { upper += 1 }
        var position = lower
        for character in string(lower..<upper) {
            if position == offset { return true }
            position += character.unicodeScalars.count
            if position > offset { return false }
        }
        return position == offset
    }

    /// A boundary that needs no segmenting: an end of the body, or between two ASCII scalars other than CR LF
    /// (an ASCII scalar never extends, and never prepends to, its neighbour).
    private func isPlainBoundary(_ offset: Int) -> Bool {
        guard offset > 0, offset < scalars.count else { return true }
        let (before, after) = (scalars[offset - 1], scalars[offset])
        return before.isASCII && after.isASCII && !(before == "\r" && after == "\n")
    }

    /// The passage of the folded body closest to `pattern` by edit distance (any substring may match; Sellers'
    /// algorithm), searched within the folded range `window`, as a folded range with its distance.
    func closest(to pattern: [UInt32], within window: Range<Int>? = nil) -> (range: Range<Int>, distance: Int)? {
        let window = window ?? 0..<folded.count
        let m = pattern.count
        guard m > 0, !window.isEmpty else { return nil }
        // One column of the DP table per body scalar: cost of the best alignment of pattern[..<i] ending here,
        // and where that alignment starts.
        var cost = [Int32](0...Int32(m))
        var start = [Int](repeating: window.lowerBound, count: m + 1)
        var best: (end: Int, distance: Int32, start: Int)?
        for j in window {
            let character = folded[j]
            var diagonalCost: Int32 = 0  // cost[0] of the previous column: a match may start anywhere
            var diagonalStart = j
            cost[0] = 0
            start[0] = j + 1
            for i in 1...m {
                let up = cost[i - 1] + 1  // skip a pattern scalar
                let left = cost[i] + 1  // skip a body scalar
                let diagonal = diagonalCost + (pattern[i - 1] == character ? 0 : 1)
                diagonalCost = cost[i]
                let previousStart = start[i]
                if diagonal <= up && diagonal <= left {
                    cost[i] = diagonal
                    start[i] = diagonalStart
                } else if left <= up {
                    cost[i] = left
                } else {
                    cost[i] = up
                    start[i] = start[i - 1]
                }
                diagonalStart = previousStart
            }
            // Among passages equally close, the one nearest the quote's length: a changed last character is a
            // substitution, not a deletion.
            let length = j + 1 - start[m]
            if best == nil || cost[m] < best!.distance
                || (cost[m] == best!.distance && abs(length - m) < abs(best!.end - best!.start - m))
            {
                best = (j + 1, cost[m], start[m])
            }
        }
        guard let best, best.start < best.end else { return nil }
        return (best.start..<best.end, Int(best.distance))
    }
}
