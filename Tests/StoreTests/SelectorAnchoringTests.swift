import Testing

@testable import Store

/// Placing a selector made by another tool: the prefix and suffix choose among occurrences, a quote that differs a
/// little is found approximately, and only an unplaceable one is an orphan.
@Suite struct SelectorAnchoringTests {
    static let body =
        "The council met on Monday. The council voted to approve the sea wall. Later the council met again on Friday."

    private func place(
        _ exact: String, prefix: String = "", suffix: String = "", position: Range<Int>? = nil,
        in body: String = body
    ) -> (state: AnchorState, passage: String?, range: Range<Int>?) {
        let text = AnchoringText(body)
        let selector = TextSelector(
            exact: exact, prefix: prefix, suffix: suffix, start: position?.lowerBound ?? 0,
            end: position?.upperBound ?? 0)
        let (state, range) = SelectorAnchoring.anchor(selector, position: position, in: text)
        return (state, range.map { text.string($0) }, range)
    }

    private func offset(of needle: String, in body: String = body, occurrence: Int = 1) -> Int {
        var search = body.startIndex..<body.endIndex
        var found = body.startIndex
        for _ in 0..<occurrence {
            let range = body.range(of: needle, range: search)!
            found = range.lowerBound
            search = range.upperBound..<body.endIndex
        }
        return body.unicodeScalars.distance(from: body.unicodeScalars.startIndex, to: found)
    }

    @Test("The prefix alone picks the occurrence it precedes")
    func prefixAlone() {
        let placed = place("council met", prefix: "sea wall. Later the ")
        #expect(placed.state == .exact)
        #expect(placed.range?.lowerBound == offset(of: "council met", occurrence: 2))
    }

    @Test("The suffix alone picks the occurrence it follows")
    func suffixAlone() {
        let placed = place("The council", suffix: " voted to approve")
        #expect(placed.range?.lowerBound == offset(of: "The council", occurrence: 2))
    }

    @Test("Prefix and suffix together pick the occurrence where both agree, over one where only one does")
    func both() {
        let body = "Rates rose. Rates fell in May. Prices rose. Rates fell in June."
        let placed = place("Rates fell", prefix: "Prices rose. ", suffix: " in June.", in: body)
        #expect(placed.range?.lowerBound == offset(of: "Rates fell", in: body, occurrence: 2))
        let first = place("Rates fell", prefix: "Rates rose. ", suffix: " in May.", in: body)
        #expect(first.range?.lowerBound == offset(of: "Rates fell", in: body, occurrence: 1))
    }

    @Test("Overlapping repeats: the context places the quote among 'a a a a'")
    func overlappingRepeats() {
        let body = "Say a a a a now."
        // "a a" occurs at 4, 6 and 8; the context names the one at 6.
        let placed = place("a a", prefix: "Say a ", suffix: " a now.", in: body)
        #expect(placed.range == 6..<9)
        #expect(place("a a", prefix: "Say ", suffix: " a a now.", in: body).range == 4..<7)
        #expect(place("a a", prefix: "a a ", suffix: " now.", in: body).range == 8..<11)
    }

    @Test("A quote at the very start and at the very end of the body, with empty context there")
    func startAndEnd() {
        let start = place("The council met", suffix: " on Monday.")
        #expect(start.range == 0..<15)
        let end = place("on Friday.", prefix: "the council met again ")
        #expect(end.range?.upperBound == Self.body.unicodeScalars.count)
    }

    @Test("Between occurrences the context cannot tell apart, the one nearest the position wins, else the first")
    func ties() {
        let body = "Yes. Yes. Yes."
        #expect(place("Yes.", position: 10..<14, in: body).range == 10..<14)
        #expect(place("Yes.", position: 9..<13, in: body).range == 10..<14)
        #expect(place("Yes.", in: body).range == 0..<4)
    }

    @Test("A quote with one word mistyped is found approximately and marked fuzzy")
    func oneWordTypo() {
        let placed = place(
            "The council votd to approve the sea wall", prefix: "met on Monday. ", suffix: ". Later the")
        #expect(placed.state == .fuzzy)
        #expect(placed.passage?.hasPrefix("The council voted to approve the sea wall") == true)
    }

    @Test("A passage after an emoji is placed in Unicode scalars of the body")
    func afterEmoji() {
        let body = "Fans cheered 🎉👍🏽 as the team won the cup. Then the team won again."
        let placed = place("the team won", prefix: "🎉👍🏽 as ", suffix: " the cup.", in: body)
        #expect(placed.state == .exact)
        #expect(placed.range?.lowerBound == offset(of: "the team won", in: body))
        #expect(placed.passage == "the team won")
    }

    @Test("A quote found nowhere, even approximately, is an orphan rather than a refusal")
    func orphan() {
        let placed = place("A passage about something else entirely", prefix: "x", suffix: "y")
        #expect(placed.state == .orphan)
        #expect(placed.range == nil)
    }

    @Test("A position that holds the quote is taken as it is")
    func positionHolds() {
        let at = offset(of: "The council", occurrence: 2)
        #expect(place("The council", position: at..<(at + 11)).state == .exact)
        #expect(place("The council", position: at..<(at + 11)).range == at..<(at + 11))
    }
}
