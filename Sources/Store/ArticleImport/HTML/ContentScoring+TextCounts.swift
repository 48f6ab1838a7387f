extension ContentScoring {
    /// The text (white space runs counted once, trimmed, as ``TextSpan`` measures it) and commas of each text node of
    /// a tree (nothing for elements): counted once, then summed by each scoring made of the tree (``PageCleaning``
    /// makes one before the furniture is known, the extraction one after).
    struct TextCounts: Sendable {
        let spans: [TextSpan]
        let commas: [Int]

        init(_ tree: HTMLTree) {
            var spans = [TextSpan](repeating: TextSpan(), count: tree.nodes.count)
            var commas = [Int](repeating: 0, count: tree.nodes.count)
            for (index, node) in tree.nodes.enumerated() where node.name == nil {
                let (span, count) = ContentScoring.measure(node.text)
                spans[index] = span
                commas[index] = count
            }
            self.spans = spans
            self.commas = commas
        }
    }

    /// The length of a text as a browser's `textContent` gives it once white space is collapsed and trimmed (what
    /// Readability measures): runs of white space made one space, the ends trimmed, counted in UTF-16 code units.
    /// Spans join as the text of adjacent nodes does: the white space at the end of one and at the start of the
    /// next is one space between them, so a block's length counts the spaces between its paragraphs.
    struct TextSpan: Sendable, Equatable {
        /// The length of the trimmed text.
        var length = 0
        /// Whether there is white space before the text (all of it, for a span of white space only).
        var leadingSpace = false
        /// Whether there is white space after the text.
        var trailingSpace = false

        /// The text of `first` followed by that of `second`.
        static func + (first: TextSpan, second: TextSpan) -> TextSpan {
            if first.length == 0 {
                return TextSpan(
                    length: second.length, leadingSpace: first.leadingSpace || second.leadingSpace,
                    trailingSpace: second.length == 0
                        ? first.trailingSpace || second.trailingSpace : second.trailingSpace)
            }
            if second.length == 0 {
                return TextSpan(
                    length: first.length, leadingSpace: first.leadingSpace,
                    trailingSpace: first.trailingSpace || second.leadingSpace)
            }
            let space = first.trailingSpace || second.leadingSpace ? 1 : 0
            return TextSpan(
                length: first.length + space + second.length, leadingSpace: first.leadingSpace,
                trailingSpace: second.trailingSpace)
        }
    }

    /// The span of `text` and its commas: ASCII ones and the fullwidth and ideographic ones (U+FF0C, U+3001). One
    /// pass over the UTF-8 bytes: white space is ASCII or U+00A0 (C2 A0), and a UTF-16 code unit starts at every
    /// byte that does not continue a character, two at a four-byte character's first.
    static func measure(_ text: String) -> (TextSpan, commas: Int) {
        var text = text
        return text.withUTF8 { bytes in
            var span = TextSpan()
            var commas = 0
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
                    || (byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0)
                {
                    if span.length == 0 { span.leadingSpace = true } else { pendingSpace = true }
                    index += byte == 0xC2 ? 2 : 1
                    continue
                }
                if pendingSpace {
                    span.length += 1
                    pendingSpace = false
                }
                if byte & 0xC0 != 0x80 { span.length += byte >= 0xF0 ? 2 : 1 }
                if byte == 0x2C {
                    commas += 1
                } else if index >= 2, byte == 0x8C || byte == 0x81 {
                    let lead = (bytes[index - 2], bytes[index - 1])
                    if (byte == 0x8C && lead == (0xEF, 0xBC)) || (byte == 0x81 && lead == (0xE3, 0x80)) { commas += 1 }
                }
                index += 1
            }
            span.trailingSpace = pendingSpace || (span.length == 0 && span.leadingSpace)
            return (span, commas)
        }
    }
}
