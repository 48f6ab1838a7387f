import Testing

@testable import Store

@Suite struct QuoteSearchTests {
    @Test(
        "The quote search finds every occurrence, overlapping ones too, as a scalar-by-scalar scan does (300 random texts)"
    )
    func agreesWithScan() {
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("ab é😀\u{0645}c".unicodeScalars)
        for _ in 0..<300 {
            let body = String(
                String.UnicodeScalarView(
                    (0..<Int.random(in: 1...200, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    }))
            let text = AnchoringText(body)
            let pattern = Array(
                text.folded.shuffled(using: &generator).prefix(Int.random(in: 1...4, using: &generator)))
            guard !pattern.isEmpty else { continue }
            var expected: [Int] = []
            if pattern.count <= text.folded.count {
                for start in 0...(text.folded.count - pattern.count)
                where Array(text.folded[start..<(start + pattern.count)]) == pattern {
                    expected.append(start)
                }
            }
            #expect(text.occurrences(of: pattern) == expected.map { text.bodyRange($0..<($0 + pattern.count)) })
        }
    }
}
