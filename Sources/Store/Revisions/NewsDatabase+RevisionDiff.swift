import Foundation

/// What changed in an article between two of its revisions, and what that did to its annotations.
public struct RevisionDiff: Sendable, Equatable, Codable {
    /// A heading or byline that changed.
    public struct FieldChange: Sendable, Equatable, Codable {
        /// `title`, `dek` or `byline`.
        public let field: String
        public let from: String?
        public let to: String?
    }

    /// An annotation a change touched, or one that did not come through the revision unchanged.
    public struct AnnotationEffect: Sendable, Equatable, Codable {
        public let id: String
        public let quote: String
        public let author: String
        public let note: String?
        /// How it stands on the newer text, found from where it stood on the older one: `exact` (same place),
        /// `moved`, `fuzzy` (its passage changed a little) or `orphan` (its passage is gone).
        public let state: AnchorState
        /// Its offsets on the older text.
        public let fromStart: Int
        public let fromEnd: Int
        /// Its offsets on the newer text; nil for an orphan.
        public let toStart: Int?
        public let toEnd: Int?
        /// The indexes (from 0) in ``RevisionDiff/changes`` of the changes that fall in its passage.
        public let changes: [Int]
    }

    public let article: String
    public let title: String
    public let from: Int
    public let to: Int
    public let fields: [FieldChange]
    /// The body's changes, word by word, in order.
    public let changes: [WordDiff.Change]
    /// The annotations touched, in the order of the older text.
    public let annotations: [AnnotationEffect]
}

extension NewsDatabase {
    /// What changed in an article between revisions `from` and `to` (by default the last two): its headings, its
    /// body word by word, and for each change the annotations it touched (moved, fuzzy or orphaned).
    /// - Throws: `StoreError` `.notFound` for an unknown article or revision, `.invalidInput` for an article with
    ///   one revision or two equal revisions.
    public func revisionDiff(_ idOrPrefix: String, from: Int? = nil, to: Int? = nil) throws -> RevisionDiff {
        let current = try article(idOrPrefix)
        let article = String(current.id.prefix(8))
        guard current.revision > 1 || (from != nil && to != nil) else {
            throw StoreError(
                .invalidInput,
                "article \(article) has one revision, so there is nothing to compare; a changed text imported under the same URL makes a new one"
            )
        }
        let newer = to ?? current.revision
        let older = from ?? newer - 1
        guard older != newer else {
            throw StoreError(.invalidInput, "--from and --to are both revision \(older); name two different revisions")
        }
        for revision in [older, newer] where !(1...current.revision).contains(revision) {
            throw StoreError(
                .notFound,
                "article \(article) has revisions 1 to \(current.revision); there is no revision \(revision)")
        }
        var texts: [Int: Article] = [:]
        func text(_ revision: Int) throws -> Article {
            if let known = texts[revision] { return known }
            let found = try self.article(current.id, revision: revision)
            texts[revision] = found
            return found
        }
        let (a, b) = (try text(older), try text(newer))
        let diff = WordDiff(from: a.body, to: b.body)
        let fields = [("title", a.title, b.title), ("dek", a.dek, b.dek), ("byline", a.byline, b.byline)]
            .filter { $0.1 != $0.2 }
            .map { RevisionDiff.FieldChange(field: $0.0, from: $0.1, to: $0.2) }
        var anchoring: [Int: AnchoringText] = [:]
        func anchoringText(_ revision: Int) throws -> AnchoringText {
            if let known = anchoring[revision] { return known }
            let made = AnchoringText(try text(revision).body)
            anchoring[revision] = made
            return made
        }
        let (fromText, toText) = (try anchoringText(older), try anchoringText(newer))
        var effects: [RevisionDiff.AnnotationEffect] = []
        for annotation in try annotations(AnnotationFilter(article: current.id)) {
            let onOlder = Self.anchor(
                annotation.selector, madeOn: try anchoringText(annotation.revision), on: fromText,
                sameText: annotation.revision == older)
            guard let range = onOlder.range else { continue }
            let step = Reanchoring.anchor(
                TextSelector.make(range, in: fromText), stored: range, storedLength: fromText.scalars.count,
                in: toText)
            let touched = diff.changes.indices.filter { index in
                let change = diff.changes[index].from
                return change.isEmpty
                    ? range.lowerBound < change.lowerBound && change.lowerBound < range.upperBound
                    : change.overlaps(range)
            }
            guard !touched.isEmpty || step.state == .fuzzy || step.state == .orphan else { continue }
            effects.append(
                RevisionDiff.AnnotationEffect(
                    id: annotation.id, quote: fromText.string(range), author: annotation.author, note: annotation.note,
                    state: step.state, fromStart: range.lowerBound, fromEnd: range.upperBound,
                    toStart: step.range?.lowerBound, toEnd: step.range?.upperBound, changes: touched))
        }
        effects.sort { ($0.fromStart, $0.id) < ($1.fromStart, $1.id) }
        return RevisionDiff(
            article: current.id, title: b.title, from: older, to: newer, fields: fields, changes: diff.changes,
            annotations: effects)
    }
}
