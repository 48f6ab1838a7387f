/// What changed between two texts, word by word: runs of deleted and inserted words, with their offsets in
/// Unicode scalars of each text. Tokens are words (letters, digits and their marks), runs of white space, and runs
/// of other characters (punctuation, symbols); the edit script is the standard library's
/// `CollectionDifference` (Myers' algorithm) over them.
public struct WordDiff: Sendable, Equatable {
    /// One place where the texts differ: what the older text had there and what the newer one has.
    public struct Change: Sendable, Equatable, Codable {
        /// Offsets of the deleted words in the older text (empty for a pure insertion, at the point it goes).
        public let from: Range<Int>
        /// Offsets of the inserted words in the newer text (empty for a pure deletion).
        public let to: Range<Int>
        /// The deleted text ("" when nothing was deleted).
        public let deleted: String
        /// The inserted text ("" when nothing was inserted).
        public let inserted: String

        private enum CodingKeys: String, CodingKey { case fromStart, fromEnd, toStart, toEnd, deleted, inserted }

        public init(from: Range<Int>, to: Range<Int>, deleted: String, inserted: String) {
            self.from = from
            self.to = to
            self.deleted = deleted
            self.inserted = inserted
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            from = try container.decode(Int.self, forKey: .fromStart)..<container.decode(Int.self, forKey: .fromEnd)
            to = try container.decode(Int.self, forKey: .toStart)..<container.decode(Int.self, forKey: .toEnd)
            deleted = try container.decode(String.self, forKey: .deleted)
            inserted = try container.decode(String.self, forKey: .inserted)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(from.lowerBound, forKey: .fromStart)
            try container.encode(from.upperBound, forKey: .fromEnd)
            try container.encode(to.lowerBound, forKey: .toStart)
            try container.encode(to.upperBound, forKey: .toEnd)
            try container.encode(deleted, forKey: .deleted)
            try container.encode(inserted, forKey: .inserted)
        }
    }

    /// The changes, in the order of the texts.
    public let changes: [Change]

    /// The changes that turn `old` into `new`.
    public init(from old: String, to new: String) {
        let oldScalars = Array(old.unicodeScalars)
        let newScalars = Array(new.unicodeScalars)
        let before = Self.tokens(oldScalars)
        let after = Self.tokens(newScalars)
        let beforeText = before.map { String(String.UnicodeScalarView(oldScalars[$0])) }
        let afterText = after.map { String(String.UnicodeScalarView(newScalars[$0])) }
        let difference = afterText.difference(from: beforeText)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        func start(_ tokens: [Range<Int>], _ index: Int, _ length: Int) -> Int {
            index < tokens.count ? tokens[index].lowerBound : length
        }
        func changed(_ i: Int, _ j: Int) -> Bool {
            (i < before.count && removed.contains(i)) || (j < after.count && inserted.contains(j))
        }
        var changes: [Change] = []
        var i = 0
        var j = 0
        while i < before.count || j < after.count {
            guard changed(i, j) else {
                i += 1
                j += 1
                continue
            }
            var (i0, j0) = (i, j)
            while i < before.count && removed.contains(i) { i += 1 }
            while j < after.count && inserted.contains(j) { j += 1 }
            // A run only deleted or only inserted is slid past a token equal to its first, so that it ends on
            // punctuation rather than starting with it: "wall.[- The mayor said so.-]", not "wall[-. The mayor
            // said so-].".
            if j == j0 {
                while i < before.count, !removed.contains(i), beforeText[i0] == beforeText[i] {
                    (i0, i, j0, j) = (i0 + 1, i + 1, j0 + 1, j + 1)
                }
            } else if i == i0 {
                while j < after.count, !inserted.contains(j), afterText[j0] == afterText[j] {
                    (j0, j, i0, i) = (j0 + 1, j + 1, i0 + 1, i + 1)
                }
            }
            while true {
                while i < before.count && removed.contains(i) { i += 1 }
                while j < after.count && inserted.contains(j) { j += 1 }
                // Changes apart by one space only are one change: "[-rose by 2%-]{+fell by 3%+}", not three.
                guard i < before.count, j < after.count, oldScalars[before[i]].allSatisfy(\.properties.isWhitespace),
                    changed(i + 1, j + 1)
                else { break }
                i += 1
                j += 1
            }
            let from = start(before, i0, oldScalars.count)..<start(before, i, oldScalars.count)
            let to = start(after, j0, newScalars.count)..<start(after, j, newScalars.count)
            changes.append(
                Change(
                    from: from, to: to, deleted: String(String.UnicodeScalarView(oldScalars[from])),
                    inserted: String(String.UnicodeScalarView(newScalars[to]))))
        }
        self.changes = changes
    }

    /// The scalar ranges of the tokens of `scalars`.
    static func tokens(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        enum Kind { case word, space, other }
        func kind(_ scalar: Unicode.Scalar) -> Kind {
            let properties = scalar.properties
            if properties.isWhitespace { return .space }
            if properties.isAlphabetic || properties.numericType != nil { return .word }
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return .word
            default: return .other
            }
        }
        var tokens: [Range<Int>] = []
        var index = 0
        while index < scalars.count {
            let first = kind(scalars[index])
            var end = index + 1
            // A mark or a joiner stays with what it follows.
            while end < scalars.count {
                let next = kind(scalars[end])
                let joins =
                    scalars[end].properties.generalCategory == .nonspacingMark || scalars[end].value == 0x200D
                    || scalars[end].properties.isVariationSelector || scalars[end].properties.isEmojiModifier
                    || (end > 0 && scalars[end - 1].value == 0x200D)
                guard next == first || (first != .space && joins) else { break }
                end += 1
            }
            tokens.append(index..<end)
            index = end
        }
        return tokens
    }
}
