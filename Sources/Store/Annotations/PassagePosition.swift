/// Where a passage is, as the reader's page describes a selection: offsets in Unicode scalars of the annotated part's
/// text (the body, the headline or the dek), with the text just before and after it (a W3C TextPositionSelector with
/// its TextQuoteSelector's context). Unlike a typed quote, it is not looked for: it must be exactly where it says.
public struct PassagePosition: Sendable, Equatable {
    /// The offset of the passage's first scalar in the part's text.
    public var start: Int
    /// The offset just past the passage's last scalar.
    public var end: Int
    /// The part's text just before the passage (up to ``TextSelector/contextLength`` scalars; may be empty).
    public var prefix: String
    /// The part's text just after the passage (may be empty).
    public var suffix: String

    /// Creates a position.
    public init(start: Int, end: Int, prefix: String, suffix: String) {
        self.start = start
        self.end = end
        self.prefix = prefix
        self.suffix = suffix
    }

    /// The range of `text` this position names, once it is checked against it: `quote` is exactly the body's
    /// scalars `start..<end`, the prefix ends where it starts and the suffix begins where it ends.
    /// - Throws: `StoreError` `.invalidInput` saying which part does not match.
    func range(of quote: String, in text: AnchoringText, articleID: String, part: ArticlePart = .body) throws
        -> Range<Int>
    {
        let article = part.place(inArticle: articleID.prefix(8))
        let length = text.scalars.count
        guard start >= 0, start < end, end <= length else {
            throw StoreError(
                .invalidInput,
                "the selection \(start)..<\(end) is not a passage of \(article), whose \(part.displayName) has \(length) characters"
            )
        }
        guard text.string(start..<end) == quote else {
            throw StoreError(
                .invalidInput,
                "the quote does not match the text of \(article) at \(start)..<\(end); reload the article")
        }
        let prefixLength = prefix.unicodeScalars.count
        let suffixLength = suffix.unicodeScalars.count
        guard prefixLength <= start, text.string((start - prefixLength)..<start) == prefix else {
            throw StoreError(
                .invalidInput, "the prefix does not match the text before the quote in \(article)")
        }
        guard suffixLength <= length - end, text.string(end..<(end + suffixLength)) == suffix else {
            throw StoreError(.invalidInput, "the suffix does not match the text after the quote in \(article)")
        }
        guard text.isCharacterBoundary(start), text.isCharacterBoundary(end) else {
            throw StoreError(
                .invalidInput, "the selection starts or ends inside a character (an emoji or accented letter)")
        }
        return start..<end
    }
}
