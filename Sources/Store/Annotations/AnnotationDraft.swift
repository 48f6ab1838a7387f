/// What a reader asks for when annotating: the passage, and what to attach to it.
public struct AnnotationDraft: Sendable, Equatable {
    /// The article: its id, or a unique prefix of it.
    public var article: String
    /// The part of the article the passage is in: the body unless the reader annotates the headline or dek.
    public var part: ArticlePart
    /// The passage as the reader typed or pasted it; matched across line breaks, runs of spaces and curly quotes.
    public var quote: String
    /// Which occurrence (from 1) when the quote occurs more than once.
    public var occurrence: Int?
    /// Where the quote is, exactly (the reader's page); then it is checked there rather than looked for.
    public var position: PassagePosition?
    /// The note (Markdown).
    public var note: String?
    /// The tags.
    public var tags: [String]
    /// The highlight color.
    public var color: AnnotationColor
    /// Why; by default commenting when there is a note, tagging when there are only tags, else highlighting.
    public var motivation: Motivation?
    /// An id to use instead of a new UUID (importing from another tool); must be a UUID.
    public var id: String?

    /// Creates a draft.
    public init(
        article: String, part: ArticlePart = .body, quote: String, occurrence: Int? = nil,
        position: PassagePosition? = nil,
        note: String? = nil, tags: [String] = [], color: AnnotationColor = .default, motivation: Motivation? = nil,
        id: String? = nil
    ) {
        self.article = article
        self.part = part
        self.quote = quote
        self.occurrence = occurrence
        self.position = position
        self.note = note
        self.tags = tags
        self.color = color
        self.motivation = motivation
        self.id = id
    }
}

extension Motivation {
    /// The motivation of an annotation made without one: commenting with a note, tagging with only tags,
    /// else highlighting.
    static func implied(note: String?, tags: [String]) -> Motivation {
        note != nil ? .commenting : tags.isEmpty ? .highlighting : .tagging
    }
}

/// Rules for tags: lowercase, no white space, at most 64 characters.
public enum Tag {
    /// `text` as a tag: trimmed, lowercased, a leading `#` dropped.
    /// - Throws: `StoreError` `.invalidInput` when it is empty, holds white space or is too long.
    public static func normalized(_ text: String) throws -> String {
        var tag = String(TextScanning.trimmed(text)).lowercased()
        if tag.hasPrefix("#") { tag.removeFirst() }
        let control = tag.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !tag.isEmpty, tag.count <= 64, !control, !tag.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw StoreError(.invalidInput, "'\(text)' is not a tag: a tag is one word of at most 64 characters")
        }
        return tag
    }
}
