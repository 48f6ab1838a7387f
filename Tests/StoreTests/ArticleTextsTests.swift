import Foundation
import GRDB
import Testing

@testable import Store

/// ``ArticleTexts/holds(_:at:in:)``: whether a received creation's quote is where its offsets say, which decides
/// exact or fuzzy on every replica. It finds the byte of a scalar offset from marks every 64 scalars, so passages
/// are checked on both sides of marks, after emoji and combining marks, and at the text's ends.
@Suite struct ArticleTextsTests {
    @Test("A quote is held exactly where its scalars are, and nowhere else, across marks, emoji and combining marks")
    func holdsWhereScalarsAre() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.fresh(in: folder)
        let sentence = "The ferry 🚢 leaves at 7:15; the café (cafe\u{301}) opens at 8. "
        let body = String(repeating: sentence, count: 12).trimmingCharacters(in: .whitespaces)
        let json = try JSONSerialization.data(withJSONObject: ["title": "Ferry 🚢 times", "body": body])
        let id = try database.importArticles([.data(json, name: "ferry.json")]).articles[0].id
        let stored = try database.article(id).body
        let scalars = Array(stored.unicodeScalars)
        try database.writer.read { db in
            var texts = try #require(try ArticleTexts(articleID: id, db))
            for start in stride(from: 0, to: scalars.count - 12, by: 7) {
                for length in [1, 5, 12] {
                    let range = start..<(start + length)
                    let quote = String(String.UnicodeScalarView(scalars[range]))
                    let held = texts.holds(quote, at: range)
                    let longer = texts.holds(quote + "x", at: start..<(start + length + 1))
                    #expect(held && !longer, "at \(start), \(length) scalars")
                }
            }
            let tail = String(String.UnicodeScalarView(scalars.suffix(8)))
            let atEnd = texts.holds(tail, at: (scalars.count - 8)..<scalars.count)
            let shifted = texts.holds(tail, at: (scalars.count - 9)..<(scalars.count - 1))
            let elsewhere = texts.holds("ferry", at: 5..<10)
            let past = texts.holds("ferry", at: scalars.count..<(scalars.count + 5))
            let titleWrong = texts.holds("🚢", at: 1..<2, in: .title)
            let titleRight = texts.holds("🚢", at: 6..<7, in: .title)
            #expect(atEnd && !shifted && !elsewhere && !past && !titleWrong && titleRight)
        }
    }
}
