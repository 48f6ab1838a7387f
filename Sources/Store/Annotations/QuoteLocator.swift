/// Finds the passage a reader means by a quote in a part of an article (its body, headline or dek), or explains why it
/// cannot.
enum QuoteLocator {
    /// The range of `quote` in `text`, the text of `part`.
    /// - Parameters:
    ///   - occurrence: Which occurrence, from 1, when the quote occurs more than once.
    ///   - articleID: For messages.
    ///   - part: The part `text` is, for messages.
    ///   - headings: For a quote looked for in the body, the article's title and dek, by name: a quote found there
    ///     and not in the body is refused with the option that annotates it there.
    /// - Throws: `StoreError` `.notFound` showing the closest passage when the quote does not occur; `.ambiguous`
    ///   listing every occurrence with its context when it occurs more than once and `occurrence` is nil;
    ///   `.invalidInput` for an empty quote, an occurrence out of range, a quote from a heading, or one that occurs
    ///   only where it would split a character (occurrences that split one are not counted).
    static func locate(
        _ quote: String, occurrence: Int?, in text: AnchoringText, articleID: String, part: ArticlePart = .body,
        headings: [(name: String, text: String?)] = []
    ) throws -> Range<Int> {
        let pattern = AnchoringText.folded(quote)
        guard !pattern.isEmpty else { throw StoreError(.invalidInput, "the quote is empty") }
        let (found, splitting) = text.wholeOccurrences(of: pattern)
        let article = String(articleID.prefix(8))
        let place = part.place(inArticle: article)
        if found.isEmpty && splitting > 0 { throw splitsCharacter(place) }
        if found.isEmpty,
            let heading = headings.first(where: { AnchoringText($0.text ?? "").occurrences(of: pattern).count > 0 })
        {
            throw StoreError(
                .invalidInput,
                "the quote is from the \(heading.name) of article \(article), not its body; give --in \(heading.name) to annotate it there"
            )
        }
        if found.isEmpty {
            guard let closest = text.closest(to: pattern) else {
                throw StoreError(.notFound, "the quote does not occur in \(place)")
            }
            let passage = excerpt(wholeWords(text.bodyRange(closest.range), in: text), in: text, context: 0)
            throw StoreError(
                .notFound, "the quote does not occur in \(place); the closest passage is “\(passage)”")
        }
        if let occurrence {
            guard (1...found.count).contains(occurrence) else {
                throw StoreError(
                    .invalidInput,
                    "--occurrence \(occurrence) is out of range: the quote occurs \(found.count) time\(found.count == 1 ? "" : "s")"
                )
            }
            return found[occurrence - 1]
        }
        guard found.count == 1 else {
            let listing = found.prefix(20).enumerated().map { index, range in
                "  \(index + 1): …\(excerpt(range, in: text, context: 30))…"
            }
            throw StoreError(
                .ambiguous,
                "the quote occurs \(found.count) times in \(place); pick one with --occurrence N:\n"
                    + listing.joined(separator: "\n"))
        }
        return found[0]
    }

    /// The refusal of a quote found only where it starts or ends inside a character.
    static func splitsCharacter(_ place: String) -> StoreError {
        StoreError(
            .invalidInput,
            "the quote starts or ends inside a character of \(place) (part of a flag, of an emoji with a skin tone or of a joined emoji, or an accent without its letter); quote whole characters"
        )
    }

    /// `range` widened to the white space around it, so a passage is shown in whole words.
    static func wholeWords(_ range: Range<Int>, in text: AnchoringText) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower > 0 && !text.scalars[lower - 1].properties.isWhitespace { lower -= 1 }
        while upper < text.scalars.count && !text.scalars[upper].properties.isWhitespace { upper += 1 }
        return lower..<upper
    }

    /// The passage `range` with `context` scalars either side, on one line.
    static func excerpt(_ range: Range<Int>, in text: AnchoringText, context: Int) -> String {
        let lower = max(0, range.lowerBound - context)
        let upper = min(text.scalars.count, range.upperBound + context)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: text.scalars[lower..<upper])
        return String(view).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
