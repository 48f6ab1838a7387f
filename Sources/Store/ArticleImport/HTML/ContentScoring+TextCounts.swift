extension ContentScoring {
    /// The characters (white space runs counted once, trimmed) and commas of each text node of a tree (0 for
    /// elements): counted once, then summed by each scoring made of the tree (``PageCleaning`` makes one before
    /// the furniture is known, the extraction one after).
    struct TextCounts: Sendable {
        let characters: [Int]
        let commas: [Int]

        init(_ tree: HTMLTree) {
            var characters = [Int](repeating: 0, count: tree.nodes.count)
            var commas = [Int](repeating: 0, count: tree.nodes.count)
            for (index, node) in tree.nodes.enumerated() where node.name == nil {
                characters[index] = HTMLText.collapsingWhitespace(node.text).count
                commas[index] = ContentScoring.commas(in: node.text)
            }
            self.characters = characters
            self.commas = commas
        }
    }

    /// The commas in `text`: ASCII ones and the fullwidth and ideographic ones (U+FF0C, U+3001), counted on the
    /// UTF-8 bytes (EF BC 8C and E3 80 81).
    static func commas(in text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            for (index, byte) in bytes.enumerated() {
                if byte == 0x2C {
                    count += 1
                } else if index >= 2, byte == 0x8C || byte == 0x81 {
                    let lead = (bytes[index - 2], bytes[index - 1])
                    if (byte == 0x8C && lead == (0xEF, 0xBC)) || (byte == 0x81 && lead == (0xE3, 0x80)) { count += 1 }
                }
            }
            return count
        }
    }
}
