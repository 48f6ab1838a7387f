/// What changed between two revisions of an article, word by word, and the annotations each change touched.
public struct ArticleDiff: Sendable, Equatable {
    /// One change: neighboring deleted and inserted runs, with the annotations whose passage it touched.
    public struct Change: Sendable, Equatable {
        /// The text deleted (empty for a pure insertion).
        public let deleted: String
        /// The text inserted (empty for a pure deletion).
        public let inserted: String
        /// Where it is in the old revision's body.
        public let old: Range<Int>
        /// Where it is in the new revision's body.
        public let new: Range<Int>
        /// The annotations on the old text whose passage the change overlaps, as they stand on the new text (its
        /// state says whether each moved, changed (fuzzy) or was orphaned).
        public let annotations: [Annotation]
    }

    /// The article.
    public let articleID: String
    /// The revisions compared.
    public let from: Int
    public let to: Int
    /// The comparison, run by run.
    public let words: WordDiff
    /// The changes, in order.
    public let changes: [Change]
}

extension NewsDatabase {
    /// Compares two revisions of an article (by default the one before the current text, and the current one), word
    /// by word, listing beside each change the annotations it touched.
    /// - Throws: `StoreError` `.notFound` for an unknown article or revision, `.ambiguous` for an ambiguous prefix.
    public func diff(_ idOrPrefix: String, from: Int? = nil, to: Int? = nil) throws -> ArticleDiff {
        let current = try article(idOrPrefix)
        let to = to ?? current.revision
        let from = from ?? max(1, to - 1)
        let old = try articleView(current.id, revision: from)
        let new = try articleView(current.id, revision: to)
        let words = WordDiff(old: old.article.body, new: new.article.body)
        let after = Dictionary((new.annotations + new.orphans).map { ($0.id, $0) }) { first, _ in first }
        var changes: [ArticleDiff.Change] = []
        var index = 0
        let segments = words.segments
        while index < segments.count {
            guard segments[index].kind != .same else {
                index += 1
                continue
            }
            var end = index
            while end < segments.count, segments[end].kind != .same { end += 1 }
            let run = segments[index..<end]
            let oldRange = segments[index].old.lowerBound..<segments[end - 1].old.upperBound
            let newRange = segments[index].new.lowerBound..<segments[end - 1].new.upperBound
            let touched = old.annotations.filter { annotation in
                // The words compared are the body's; the headline's and dek's annotations count in their own texts.
                guard annotation.part == .body, let range = annotation.anchor.range else { return false }
                // A deletion overlaps the passage; an insertion lands inside it.
                return oldRange.isEmpty
                    ? range.lowerBound < oldRange.lowerBound && oldRange.lowerBound < range.upperBound
                    : range.overlaps(oldRange)
            }
            changes.append(
                ArticleDiff.Change(
                    deleted: run.filter { $0.kind == .deleted }.map(\.text).joined(),
                    inserted: run.filter { $0.kind == .inserted }.map(\.text).joined(), old: oldRange, new: newRange,
                    annotations: touched.map { after[$0.id] ?? $0 }))
            index = end
        }
        return ArticleDiff(articleID: current.id, from: from, to: to, words: words, changes: changes)
    }
}

extension ArticleDiff: Encodable {
    private enum Keys: String, CodingKey {
        case article, from, to, changes, segments, deleted, inserted, fromStart, fromEnd, toStart, toEnd,
            annotations, id, quote, state, kind, text
    }

    /// Encodes as `{"article", "from", "to", "changes": [{"deleted", "inserted", "fromStart", "fromEnd", "toStart",
    /// "toEnd", "annotations": [{"id", "quote", "state"}]}], "segments": [{"kind", "text"}]}`, `state` being
    /// `anchored`, `moved`, `fuzzy` or `orphan` on the newer revision.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(articleID, forKey: .article)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        var list = container.nestedUnkeyedContainer(forKey: .changes)
        for change in changes {
            var item = list.nestedContainer(keyedBy: Keys.self)
            try item.encode(change.deleted, forKey: .deleted)
            try item.encode(change.inserted, forKey: .inserted)
            try item.encode(change.old.lowerBound, forKey: .fromStart)
            try item.encode(change.old.upperBound, forKey: .fromEnd)
            try item.encode(change.new.lowerBound, forKey: .toStart)
            try item.encode(change.new.upperBound, forKey: .toEnd)
            var touched = item.nestedUnkeyedContainer(forKey: .annotations)
            for annotation in change.annotations {
                var entry = touched.nestedContainer(keyedBy: Keys.self)
                try entry.encode(annotation.id, forKey: .id)
                try entry.encode(annotation.selector.exact, forKey: .quote)
                let state = annotation.anchor.state
                try entry.encode(state == .exact ? "anchored" : state.rawValue, forKey: .state)
            }
        }
        var runs = container.nestedUnkeyedContainer(forKey: .segments)
        for segment in words.segments {
            var entry = runs.nestedContainer(keyedBy: Keys.self)
            try entry.encode(segment.kind.rawValue, forKey: .kind)
            try entry.encode(segment.text, forKey: .text)
        }
    }
}
