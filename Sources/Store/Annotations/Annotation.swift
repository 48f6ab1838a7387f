import Foundation
import GRDB

/// A reader's mark on an article: a highlighted passage, with an optional note, tags and a color.
public struct Annotation: Sendable, Equatable, Codable {
    /// A UUID (lowercase) made on the replica that created the annotation; unique across teammates.
    public let id: String
    /// The annotated article.
    public let articleID: String
    /// The article revision the annotation was made on.
    public let revision: Int
    /// The part of the article it is on (the body unless made on the headline or dek): the selector and anchor count
    /// in that part's text.
    public let part: ArticlePart
    /// Where the annotation was made, in the manner of the W3C Web Annotation selectors.
    public let selector: TextSelector
    /// Where the annotation stands on the article's current text (or, from ``NewsDatabase/articleView(_:revision:)``,
    /// on the revision shown).
    public internal(set) var anchor: Anchor
    /// The note, in Markdown.
    public let note: String?
    /// The tags, sorted.
    public let tags: [String]
    /// The highlight color.
    public let color: AnnotationColor
    /// Why the annotation was made.
    public let motivation: Motivation
    /// The name of the replica that made it.
    public let author: String
    /// When it was made (ISO 8601, UTC).
    public let createdAt: String
    /// When it was last changed.
    public let modifiedAt: String
    /// When it was deleted; deleted annotations are kept as tombstones and listed only when asked for.
    public let deletedAt: String?

    static let columns = """
        id, article_id, revision, part, exact, prefix, suffix, start, "end", anchor_revision, anchor_start, anchor_end,
        anchor_state, note, color, motivation, author, created_at, modified_at, deleted_at
        """

    init(row: Row, tags: [String]) throws {
        id = row["id"]
        articleID = row["article_id"]
        revision = row["revision"]
        part = try ArticlePart.stored(row["part"])
        selector = TextSelector(
            exact: row["exact"], prefix: row["prefix"], suffix: row["suffix"], start: row["start"], end: row["end"])
        let stateName: String = row["anchor_state"]
        guard let state = AnchorState(rawValue: stateName) else {
            throw StoreError(
                .database,
                "annotation \(row["id"] as String) has an unknown anchor state; was it written by a newer newsdb?")
        }
        let start: Int? = row["anchor_start"]
        let end: Int? = row["anchor_end"]
        anchor = Anchor(
            state: state, revision: row["anchor_revision"], range: start.flatMap { start in end.map { start..<$0 } })
        note = row["note"]
        self.tags = tags
        let color: String = row["color"]
        let motivation: String = row["motivation"]
        guard let parsedColor = AnnotationColor(rawValue: color),
            let parsedMotivation = Motivation(rawValue: motivation)
        else {
            throw StoreError(
                .database,
                "annotation \(id.prefix(8)) has an unknown color or motivation; was it written by a newer newsdb?")
        }
        self.color = parsedColor
        self.motivation = parsedMotivation
        author = row["author"]
        createdAt = row["created_at"]
        modifiedAt = row["modified_at"]
        deletedAt = row["deleted_at"]
    }
}

/// A passage of an article: the W3C TextQuoteSelector (the exact text with up to 32 characters of context on either
/// side) and TextPositionSelector (offsets in Unicode scalars of the annotated part's text, the body unless the
/// annotation is on the headline or dek) together.
public struct TextSelector: Sendable, Equatable, Codable {
    /// The passage itself.
    public let exact: String
    /// Up to 32 Unicode scalars of the text before the passage.
    public let prefix: String
    /// Up to 32 Unicode scalars of the text after the passage.
    public let suffix: String
    /// The offset of the passage's first scalar in the text.
    public let start: Int
    /// The offset just past the passage's last scalar.
    public let end: Int

    /// How many scalars of context a selector keeps on either side.
    public static let contextLength = 32

    /// The selector for `range` of `text`.
    static func make(_ range: Range<Int>, in text: AnchoringText) -> TextSelector {
        TextSelector(
            exact: text.string(range),
            prefix: text.string(max(0, range.lowerBound - contextLength)..<range.lowerBound),
            suffix: text.string(range.upperBound..<min(text.scalars.count, range.upperBound + contextLength)),
            start: range.lowerBound, end: range.upperBound)
    }
}

/// Where an annotation stands on the current text of its article.
public struct Anchor: Sendable, Equatable, Codable {
    /// How it was found.
    public let state: AnchorState
    /// The revision it is anchored on.
    public let revision: Int
    /// The offsets, in Unicode scalars of that revision's text of the annotated part; nil for an orphan.
    public let range: Range<Int>?

    private enum CodingKeys: String, CodingKey { case state, revision, start, end }

    init(state: AnchorState, revision: Int, range: Range<Int>?) {
        self.state = state
        self.revision = revision
        self.range = range
    }

    /// Decodes `{"state", "revision", "start", "end"}` (start and end absent for an orphan).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        state = try container.decode(AnchorState.self, forKey: .state)
        revision = try container.decode(Int.self, forKey: .revision)
        let start = try container.decodeIfPresent(Int.self, forKey: .start)
        let end = try container.decodeIfPresent(Int.self, forKey: .end)
        range = start.flatMap { start in end.flatMap { start < $0 ? start..<$0 : nil } }
    }

    /// Encodes as `{"state", "revision", "start", "end"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(revision, forKey: .revision)
        try container.encodeIfPresent(range?.lowerBound, forKey: .start)
        try container.encodeIfPresent(range?.upperBound, forKey: .end)
    }
}

/// How an annotation was found on the current text of its article.
public enum AnchorState: String, Sendable, Codable, CaseIterable {
    /// At its stored offsets, with its quote.
    case exact
    /// Its quote found elsewhere, unambiguously.
    case moved
    /// A passage close to its quote and context (a word or number changed).
    case fuzzy
    /// Not found: kept, with its original quote, and listed by `newsdb annotations --orphans`.
    case orphan
}

/// The highlight colors newsdb offers: a small palette, as in most readers.
public enum AnnotationColor: String, Sendable, Codable, CaseIterable {
    case yellow, green, blue, pink, purple, orange

    /// The color a new annotation gets.
    public static let `default` = AnnotationColor.yellow
}

/// Why an annotation was made: the W3C Web Annotation motivations.
public enum Motivation: String, Sendable, Codable, CaseIterable {
    case assessing, bookmarking, classifying, commenting, describing, editing, highlighting, identifying, linking,
        moderating, questioning, replying, tagging
}
