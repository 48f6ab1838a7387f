/// Places an annotation made by another tool (a W3C export, a Hypothesis export) on an article's body by its
/// TextQuoteSelector, as Hypothesis and Apache Annotator anchor one, and never refuses it for where it is:
///
/// 1. At the position the selector gives, when the quote is there (exact).
/// 2. Else at an occurrence of the quote: where it occurs more than once, the one whose text around it agrees best
///    with the prefix and suffix the selector has (an empty one says nothing); between equally good ones, the one
///    nearest the position given, else the first (exact).
/// 3. Else at a passage close to the quote and its context, as a revision re-anchors (fuzzy).
/// 4. Else nowhere: an orphan, kept with the selector it came with.
///
/// Offsets made on a web page count text the extracted body does not have (navigation, captions), so a position
/// is only a hint.
enum SelectorAnchoring {
    static func anchor(_ selector: TextSelector, position: Range<Int>?, in text: AnchoringText) -> (
        state: AnchorState, range: Range<Int>?
    ) {
        if let position, position.upperBound <= text.scalars.count,
            text.scalars[position].elementsEqual(selector.exact.unicodeScalars)
        {
            return (.exact, position)
        }
        let pattern = AnchoringText.folded(selector.exact)
        guard !pattern.isEmpty else { return (.orphan, nil) }
        let found = text.wholeOccurrences(of: pattern).whole
        if let best = bestOccurrence(found, selector: selector, position: position, in: text) {
            return (.exact, best)
        }
        let approximate = Reanchoring.anchor(
            selector, stored: position ?? 0..<0, storedLength: text.scalars.count, in: text)
        return approximate.state == .fuzzy ? approximate : (.orphan, nil)
    }

    /// The occurrence whose context agrees best with the selector's, ties going to the one nearest `position`,
    /// then to the first; nil when there is none.
    private static func bestOccurrence(
        _ occurrences: [Range<Int>], selector: TextSelector, position: Range<Int>?, in text: AnchoringText
    ) -> Range<Int>? {
        guard occurrences.count > 1 else { return occurrences.first }
        func distance(_ range: Range<Int>) -> Int { position.map { abs(range.lowerBound - $0.lowerBound) } ?? 0 }
        var best: (range: Range<Int>, score: Double, distance: Int)?
        let sides = (prefix: !selector.prefix.isEmpty, suffix: !selector.suffix.isEmpty)
        for range in occurrences {
            let scores = Reanchoring.contextScores(selector, at: range, in: text)
            let score = (sides.prefix ? scores.prefix : 0) + (sides.suffix ? scores.suffix : 0)
            let candidate = (range: range, score: score, distance: distance(range))
            guard let current = best else {
                best = candidate
                continue
            }
            if score > current.score || (score == current.score && candidate.distance < current.distance) {
                best = candidate
            }
        }
        return best?.range
    }
}
