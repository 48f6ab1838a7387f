/// What changed between two revisions of an article, word by word, and the annotations each change touched: in the
/// body, and in the headline and dek when they changed too (news sites often rewrite a headline quietly).
public struct ArticleDiff: Sendable, Equatable {
    /// One change: neighboring deleted and inserted runs, with the annotations whose passage it touched.
    public struct Change: Sendable, Equatable {
        /// The part of the article the change is in.
        public let part: ArticlePart
        /// The text deleted (empty for a pure insertion).
        public let deleted: String
        /// The text inserted (empty for a pure deletion).
        public let inserted: String
        /// Where it is in the old revision's text of ``part``.
        public let old: Range<Int>
        /// Where it is in the new revision's text of ``part``.
        public let new: Range<Int>
        /// The annotations on the old text of ``part`` whose passage the change overlaps, as they stand on the new
        /// text (its state says whether each moved, changed (fuzzy) or was orphaned).
        public let annotations: [Annotation]
    }

    /// The comparison of one part of the two revisions.
    public struct PartDiff: Sendable, Equatable {
        /// The comparison, run by run.
        public let words: WordDiff
        /// The changes, in order.
        public let changes: [Change]
    }

    /// The article.
    public let articleID: String
    /// The revisions compared.
    public let from: Int
    public let to: Int
    /// The comparison of the bodies.
    public let body: PartDiff
    /// The comparison of the headlines, when they differ.
    public let title: PartDiff?
    /// The comparison of the deks, when they differ (a dek added or removed compares with an empty one).
    public let dek: PartDiff?

    /// The bodies compared, run by run.
    public var words: WordDiff { body.words }
    /// The changes of the body, in order.
    public var changes: [Change] { body.changes }
    /// The parts compared, in document order: the headline and the dek when they differ, and the body.
    public var parts: [PartDiff] { [title, dek].compactMap { $0 } + [body] }
    /// Every change, the headline's first, then the dek's, then the body's.
    public var allChanges: [Change] { parts.flatMap(\.changes) }
}

extension NewsDatabase {
    /// Compares two revisions of an article (by default the one before the current text, and the current one), word
    /// by word, listing beside each change the annotations it touched; the headline and the dek are compared too.
    /// - Throws: `StoreError` `.notFound` for an unknown article or revision, `.ambiguous` for an ambiguous prefix.
    public func diff(_ idOrPrefix: String, from: Int? = nil, to: Int? = nil) throws -> ArticleDiff {
        let current = try article(idOrPrefix)
        let to = to ?? current.revision
        let from = from ?? max(1, to - 1)
        let old = try articleView(current.id, revision: from)
        let new = try articleView(current.id, revision: to)
        let after = Dictionary((new.annotations + new.orphans).map { ($0.id, $0) }) { first, _ in first }
        func compare(_ part: ArticlePart) -> ArticleDiff.PartDiff {
            Self.compare(
                part, old: part.text(of: old.article), new: part.text(of: new.article),
                annotations: old.annotations.filter { $0.part == part }, after: after)
        }
        let headline = old.article.title == new.article.title ? nil : compare(.title)
        let dek = (old.article.dek ?? "") == (new.article.dek ?? "") ? nil : compare(.dek)
        return ArticleDiff(articleID: current.id, from: from, to: to, body: compare(.body), title: headline, dek: dek)
    }

    /// Compares the texts `old` and `new` of `part`, listing beside each change the `annotations` on the old text
    /// it touched, as they stand on the new one (`after`, by id).
    private static func compare(
        _ part: ArticlePart, old: String, new: String, annotations: [Annotation], after: [String: Annotation]
    ) -> ArticleDiff.PartDiff {
        let words = WordDiff(old: old, new: new)
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
            let touched = annotations.filter { annotation in
                guard let range = annotation.anchor.range else { return false }
                // A deletion overlaps the passage; an insertion lands inside it.
                return oldRange.isEmpty
                    ? range.lowerBound < oldRange.lowerBound && oldRange.lowerBound < range.upperBound
                    : range.overlaps(oldRange)
            }
            changes.append(
                ArticleDiff.Change(
                    part: part, deleted: run.filter { $0.kind == .deleted }.map(\.text).joined(),
                    inserted: run.filter { $0.kind == .inserted }.map(\.text).joined(), old: oldRange, new: newRange,
                    annotations: touched.map { after[$0.id] ?? $0 }))
            index = end
        }
        return ArticleDiff.PartDiff(words: words, changes: changes)
    }
}

extension ArticleDiff: Encodable {
    private enum Keys: String, CodingKey {
        case article, from, to, changes, segments, title, dek, part, deleted, inserted, fromStart, fromEnd, toStart,
            toEnd, annotations, id, quote, state, kind, text
    }

    /// Encodes as `{"article", "from", "to", "changes": [CHANGE…], "segments": [{"kind", "text"}], "title":
    /// {"changes", "segments"}, "dek": {"changes", "segments"}}`: `changes` and `segments` are the body's, `title`
    /// and `dek` are there only when that part differs. A CHANGE is `{"part", "deleted", "inserted", "fromStart",
    /// "fromEnd", "toStart", "toEnd", "annotations": [{"id", "quote", "state"}]}`, `state` being `anchored`, `moved`,
    /// `fuzzy` or `orphan` on the newer revision.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(articleID, forKey: .article)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try Self.encode(body, in: &container)
        for (key, part) in [(Keys.title, title), (.dek, dek)] {
            guard let part else { continue }
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: key)
            try Self.encode(part, in: &nested)
        }
    }

    private static func encode(_ diff: PartDiff, in container: inout KeyedEncodingContainer<Keys>) throws {
        var list = container.nestedUnkeyedContainer(forKey: .changes)
        for change in diff.changes {
            var item = list.nestedContainer(keyedBy: Keys.self)
            try item.encode(change.part.rawValue, forKey: .part)
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
        for segment in diff.words.segments {
            var entry = runs.nestedContainer(keyedBy: Keys.self)
            try entry.encode(segment.kind.rawValue, forKey: .kind)
            try entry.encode(segment.text, forKey: .text)
        }
    }
}
