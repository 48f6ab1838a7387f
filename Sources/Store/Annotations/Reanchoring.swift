/// Finds where an annotation made on one text of an article stands on another, in the order the issue sets:
/// the stored offsets if the quote is still there (exact); the quote found exactly and unambiguously (moved);
/// a passage close to the quote and its context, tolerating a changed word or number (fuzzy); else an orphan.
enum Reanchoring {
    /// The largest share of a quote's scalars that may differ for a fuzzy match.
    static let maximumFuzzyDifference = 0.25
    /// Quotes shorter than this (in folded scalars) must also match their context to be found by approximation.
    static let shortQuote = 16
    /// How well context must agree (0 to 1) where the quote alone does not settle the place.
    static let minimumContext = 0.5

    /// Anchors `selector` on `text`.
    /// - Parameters:
    ///   - selector: The annotation's quote and context as made.
    ///   - stored: Its offsets on the text it was last anchored on (the selector's own for an orphan).
    ///   - storedLength: The length in scalars of that text, to guess where the passage moved to.
    ///   - text: The new text.
    ///   - repeatedBefore: Whether the quote occurred more than once in the text it was last anchored on: then a
    ///     single occurrence left in the new text may be another one, and the context must agree too. Asked only
    ///     when the quote is not at its stored offsets.
    static func anchor(
        _ selector: TextSelector, stored: Range<Int>, storedLength: Int, in text: AnchoringText,
        repeatedBefore: () -> Bool = { false }
    ) -> (state: AnchorState, range: Range<Int>?) {
        let exact = Array(selector.exact.unicodeScalars)
        if stored.upperBound <= text.scalars.count, text.scalars[stored].elementsEqual(exact) {
            return (.exact, stored)
        }
        let wasRepeated = repeatedBefore()
        let pattern = AnchoringText.folded(selector.exact)
        guard !pattern.isEmpty else { return (.orphan, nil) }
        let occurrences = text.occurrences(of: pattern)
        if occurrences.count == 1 && (!wasRepeated || contextScore(selector, at: occurrences[0], in: text) >= 0.75) {
            return (.moved, occurrences[0])
        }
        if occurrences.count > 1 {
            // The same words in several places: the context decides, if it clearly does.
            let scored = occurrences.map { ($0, contextScore(selector, at: $0, in: text)) }.sorted { $0.1 > $1.1 }
            if scored[0].1 >= minimumContext && scored[0].1 > scored[1].1 { return (.moved, scored[0].0) }
        }
        if let range = fuzzyMatch(
            selector, pattern: pattern, stored: stored, storedLength: storedLength, in: text, wasRepeated: wasRepeated)
        {
            return (.fuzzy, range)
        }
        return (.orphan, nil)
    }

    /// A passage within the allowed edit distance of the quote, looked for near where the quote used to be and
    /// then in the whole text. Short quotes also need their context to agree, or a word like "the" would match
    /// anywhere.
    private static func fuzzyMatch(
        _ selector: TextSelector, pattern: [UInt32], stored: Range<Int>, storedLength: Int, in text: AnchoringText,
        wasRepeated: Bool
    ) -> Range<Int>? {
        let allowed = Int((Double(pattern.count) * maximumFuzzyDifference).rounded(.down))
        // A short figure ("by 4.9%") may change by more than a quarter of itself; with its context intact on both
        // sides it is still the same passage.
        let allowedInContext = max(allowed, min(pattern.count / 2, 4))
        guard allowedInContext > 0, !text.folded.isEmpty else { return nil }
        let scale = storedLength > 0 ? Double(text.scalars.count) / Double(storedLength) : 1
        let expected = text.foldedOffset(Int(Double(stored.lowerBound) * scale))
        let reach = 4 * pattern.count + 500
        let near = max(0, expected - reach)..<min(text.folded.count, expected + pattern.count + reach)
        for window in [near, 0..<text.folded.count] {
            guard let match = text.closest(to: pattern, within: window), match.distance <= allowedInContext else {
                continue
            }
            let range = text.bodyRange(match.range)
            let context = contextScore(selector, at: range, in: text)
            if match.distance > allowed && context < 0.75 { continue }
            if (pattern.count < shortQuote || wasRepeated) && context < (wasRepeated ? 0.75 : minimumContext) {
                continue
            }
            return range
        }
        return nil
    }

    /// How well the text around `range` agrees with the selector's prefix and suffix, from 0 to 1.
    static func contextScore(_ selector: TextSelector, at range: Range<Int>, in text: AnchoringText) -> Double {
        let scores = contextScores(selector, at: range, in: text)
        return (scores.prefix + scores.suffix) / 2
    }

    /// How well the text before `range` agrees with the selector's prefix, and the text after it with its suffix,
    /// each from 0 to 1 (an empty side agrees only with an end of the text).
    static func contextScores(_ selector: TextSelector, at range: Range<Int>, in text: AnchoringText) -> (
        prefix: Double, suffix: Double
    ) {
        let prefix = AnchoringText.folded(selector.prefix)
        let suffix = AnchoringText.folded(selector.suffix)
        func around(_ slice: ArraySlice<Unicode.Scalar>) -> [UInt32] {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: slice)
            return AnchoringText.folded(String(view))
        }
        let before = around(text.scalars[max(0, range.lowerBound - TextSelector.contextLength)..<range.lowerBound])
        let after = around(
            text.scalars[range.upperBound..<min(text.scalars.count, range.upperBound + TextSelector.contextLength)])
        return (similarity(prefix, before, alignEnd: true), similarity(suffix, after, alignEnd: false))
    }

    /// 1 minus the normalized edit distance of `a` and `b`, compared from their ends (prefixes) or starts.
    private static func similarity(_ a: [UInt32], _ b: [UInt32], alignEnd: Bool) -> Double {
        let length = min(a.count, b.count)
        if a.isEmpty && b.isEmpty { return 1 }
        guard length > 0 else { return 0 }
        let x = alignEnd ? Array(a.suffix(length)) : Array(a.prefix(length))
        let y = alignEnd ? Array(b.suffix(length)) : Array(b.prefix(length))
        var previous = Array(0...length)
        var current = [Int](repeating: 0, count: length + 1)
        for i in 1...length {
            current[0] = i
            for j in 1...length {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return 1 - Double(previous[length]) / Double(max(a.count, b.count))
    }
}
