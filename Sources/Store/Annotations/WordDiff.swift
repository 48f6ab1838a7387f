/// Two texts compared word by word: the runs that are the same, inserted or deleted, and where each lies in the
/// texts, in Unicode scalar offsets.
public struct WordDiff: Sendable, Equatable {
    /// One run of the comparison.
    public struct Segment: Sendable, Equatable {
        /// What happened to the run.
        public enum Kind: String, Sendable {
            case same, inserted, deleted
        }

        /// What happened to it.
        public let kind: Kind
        /// Its text.
        public let text: String
        /// Where it is in the old text (for an insertion, the empty range where it goes).
        public let old: Range<Int>
        /// Where it is in the new text (for a deletion, the empty range where it was).
        public let new: Range<Int>
    }

    /// The runs, in order; no two neighbors have the same kind.
    public let segments: [Segment]

    /// Compares `old` with `new` word by word: words and the white space between them are the units, so that a
    /// changed word shows as that word deleted and another inserted.
    public init(old: String, new: String) {
        let before = Self.tokens(old)
        let after = Self.tokens(new)
        // Swift's CollectionDifference is Myers' algorithm: the fewest insertions and removals.
        let difference = after.map(\.text).difference(from: before.map(\.text))
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var segments: [Segment] = []
        var (i, j) = (0, 0)
        var (oldAt, newAt) = (0, 0)
        func add(_ kind: Segment.Kind, _ text: String, oldLength: Int, newLength: Int) {
            let old = oldAt..<(oldAt + oldLength)
            let new = newAt..<(newAt + newLength)
            if let last = segments.last, last.kind == kind {
                segments[segments.count - 1] = Segment(
                    kind: kind, text: last.text + text, old: last.old.lowerBound..<old.upperBound,
                    new: last.new.lowerBound..<new.upperBound)
            } else {
                segments.append(Segment(kind: kind, text: text, old: old, new: new))
            }
            oldAt += oldLength
            newAt += newLength
        }
        while i < before.count || j < after.count {
            if i < before.count, removed.contains(i) {
                add(.deleted, before[i].text, oldLength: before[i].length, newLength: 0)
                i += 1
            } else if j < after.count, inserted.contains(j) {
                add(.inserted, after[j].text, oldLength: 0, newLength: after[j].length)
                j += 1
            } else if i < before.count, j < after.count {
                add(.same, before[i].text, oldLength: before[i].length, newLength: after[j].length)
                (i, j) = (i + 1, j + 1)
            } else {
                break
            }
        }
        self.segments = segments
    }

    /// The units of `text`, each with its length in scalars: words (letters and digits), runs of white space, and
    /// each other character alone, so that `3.2%` changed to `4%` is `3.2` changed to `4` (a point, comma or
    /// apostrophe between letters or digits belongs to its word). A character (an emoji with
    /// its skin tone, a letter with its accent) is never split.
    static func tokens(_ text: String) -> [(text: String, length: Int)] {
        enum Kind { case word, space, other }
        var tokens: [(String, Int)] = []
        var current = ""
        var length = 0
        var currentKind: Kind?
        let characters = Array(text)
        func isWordy(_ index: Int) -> Bool {
            characters.indices.contains(index) && (characters[index].isLetter || characters[index].isNumber)
        }
        for (index, character) in characters.enumerated() {
            // A point, comma or apostrophe between two letters or digits is inside a word: 3.2, 10,000, don't.
            let joins = ".,'’".contains(character) && isWordy(index - 1) && isWordy(index + 1)
            let kind: Kind =
                isWordy(index) || joins ? .word : character.isWhitespace ? .space : .other
            if let previous = currentKind, previous != kind || kind == .other {
                tokens.append((current, length))
                (current, length) = ("", 0)
            }
            current.append(character)
            length += character.unicodeScalars.count
            currentKind = kind
        }
        if !current.isEmpty { tokens.append((current, length)) }
        return tokens
    }
}
