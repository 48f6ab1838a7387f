import Foundation
import Store
import Testing

@Suite struct ChangeCodecTests {
    let origin = "1fde4bad-dbb5-42ee-ab8c-02f832eedee2"
    let article = String(repeating: "b09a3845", count: 8)
    let annotation = "2770a344-517b-452d-82fa-d46234328fde"

    func decode(_ line: String, origins: [String]? = nil) throws -> Change? {
        var codec = ChangeCodec(origins: origins ?? [origin], definesTexts: false)
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try codec.decode(line: UnsafeBufferPointer($0)) }
    }

    /// A creation with `note` and `tags` (the rest from a line written by hand).
    func creation(note: String?, tags: [String] = ["claim"]) throws -> Change {
        let line = """
            [0,7,1795257441056,3,"2026-11-21T10:37:21Z","c","\(annotation)",["\(article)","\(String(repeating: "8102008f", count: 8))"],\
            "a \\"shortage\\" of crew","blames ",".",99,117,null,"pink","commenting","alice",[],"2026-11-20T09:00:00Z"]
            """
        let template = try #require(try decode(line))
        guard case .create(var made) = template.body else { throw TestFailure("not a creation") }
        made.note = note
        made.tags = tags
        return Change(id: template.id, clock: template.clock, at: template.at, body: .create(made))
    }

    @Test("A change written by the codec reads back the same, whatever its text holds")
    func roundTrip() throws {
        let notes = [
            nil, "", "plain", "quotes \" and \\ backslashes", "lines\nand\ttabs\r", "control \u{01}\u{1F} characters",
            "accents é, CJK 漢字, emoji 😀 and a flag 🇬🇧", String(repeating: "long ", count: 10_000),
        ]
        for note in notes {
            let change = try creation(note: note, tags: ["claim", "follow-up"])
            var writer = ChangeCodec(origins: [origin], definesTexts: false)
            let line = try #require(try writer.encode(change).last)
            #expect(try decode(line) == change, "\(line.prefix(80))")
        }
    }

    @Test("Any JSON spelling of a change reads: escapes, surrogate pairs, white space, fields a later format adds")
    func jsonSpellings() throws {
        let line = """
             [ 0 , 7,1795257441056,3, "2026-11-21T10:37:21Z" ,"c","\(annotation)",["\(article)","\(String(repeating: "8102008f", count: 8))"],\
            "a \\"shortage\\" of crew","blames ",".",99,117,"caf\\u00e9 \\ud83d\\ude00 a\\/b","pink","commenting","alice",["claim"],\
            "2026-11-20T09:00:00Z" , "dek", {"later": [1, 2.5e3, true, false, null]}, "more" ]\t
            """
        let change = try #require(try decode(line))
        guard case .create(let creation) = change.body else { throw TestFailure("not a creation") }
        #expect(creation.note == "café 😀 a/b" && creation.selector.exact == "a \"shortage\" of crew")
        #expect(creation.part == .dek)
    }

    @Test("A creation on the headline or dek ends with its part; one on the body is written as schema 6 wrote it")
    func part() throws {
        let body = try creation(note: nil)
        var writer = ChangeCodec(origins: [origin], definesTexts: false)
        let bodyLine = try #require(try writer.encode(body).last)
        #expect(bodyLine.hasSuffix(#",["claim"],"2026-11-20T09:00:00Z"]"#))
        guard case .create(var made) = body.body else { throw TestFailure("not a creation") }
        for part in [ArticlePart.title, .dek] {
            made.part = part
            let change = Change(id: body.id, clock: body.clock, at: body.at, body: .create(made))
            let line = try #require(try writer.encode(change).last)
            #expect(line.hasSuffix(#""2026-11-20T09:00:00Z","\#(part.rawValue)"]"#))
            #expect(try decode(line) == change)
        }
        for spelling in ["null", #""body""#] {
            let line = bodyLine.dropLast() + ",\(spelling)]"
            #expect(try decode(String(line)) == body)
        }
        let error = try #require(throws: StoreError.self) {
            try decode(String(bodyLine.dropLast() + #","byline"]"#))
        }
        #expect(error.message == #"a change is on an unknown part of its article "byline""#)
    }

    @Test("A line that is not JSON, or not a change, is refused")
    func refused() throws {
        let good = "[0,1,1795257441026,0,0,\"d\",\"\(annotation)\",[[0,1,1]]]"
        #expect(try decode(good) != nil)
        let bad = [
            "", "[]", "{}", "\"t\"", good + " x", good + ",", String(good.dropLast()),
            good.replacingOccurrences(of: "[[0,1,1]]", with: "[[0,1,1.5]]"),
            good.replacingOccurrences(of: "[[0,1,1]]", with: "[[0,01,1]]"),
            good.replacingOccurrences(of: "[[0,1,1]]", with: "[[0,1,99999999999999999999]]"),
            good.replacingOccurrences(of: "[[0,1,1]]", with: "[[1,1,1]]"),
            good.replacingOccurrences(of: "\"d\"", with: "\"x\""),
            good.replacingOccurrences(of: "\"d\"", with: "\"\\q\""),
            good.replacingOccurrences(of: "\"d\"", with: "\"\\ud800\""),
            good.replacingOccurrences(of: "\"d\"", with: "\"d\u{01}\""),
            good.replacingOccurrences(of: annotation, with: annotation.uppercased()),
            good.replacingOccurrences(of: "1795257441026", with: "-1"),
        ]
        for line in bad {
            let error = try #require(throws: StoreError.self, "\(line)") { try decode(line) }
            #expect(error.code == .invalidInput)
        }
        // Bytes that are not UTF-8 inside a string.
        var bytes = Array(good.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "d"))!] = 0xFF
        var codec = ChangeCodec(origins: [origin], definesTexts: false)
        #expect(throws: StoreError.self) { try bytes.withUnsafeBufferPointer { try codec.decode(line: $0) } }
    }

    @Test("A line given as the value JSONSerialization makes of it reads as its bytes do")
    func foundationValue() throws {
        var writer = ChangeCodec(origins: [origin], definesTexts: false)
        let change = try creation(note: "who pays?")
        let line = try #require(try writer.encode(change).last)
        var reader = ChangeCodec(origins: [origin], definesTexts: false)
        #expect(try reader.decode(JSONSerialization.jsonObject(with: Data(line.utf8))) == change)
        #expect(throws: StoreError.self) { try reader.decode(["not": "an array"]) }
    }
}

@Suite struct ArticleLanguageChangeTests {
    let origin = "1fde4bad-dbb5-42ee-ab8c-02f832eedee2"
    let article = String(repeating: "b09a3845", count: 8)

    func decode(_ line: String) throws -> Change? {
        var codec = ChangeCodec(origins: [origin], definesTexts: false)
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try codec.decode(line: UnsafeBufferPointer($0)) }
    }

    func line(_ extra: String) -> String {
        #"[0,1,1795257441056,0,0,"a","\#(article)","Sea wall",null,null,null,null,null,"The wall."\#(extra)]"#
    }

    @Test("An article version carries its language and direction; one without them is written as schema 3 wrote it")
    func roundTrip() throws {
        let old = try #require(try decode(line("")))
        guard case .article(var version) = old.body else { throw TestFailure("not an article") }
        #expect(version.language == nil && version.direction == nil)
        var codec = ChangeCodec(origins: [origin], definesTexts: false)
        #expect(try codec.encode(old) == [line("")])
        version.language = "ar"
        version.direction = "rtl"
        let change = Change(id: old.id, clock: old.clock, at: old.at, body: .article(version))
        let written = try #require(try codec.encode(change).last)
        #expect(written == line(#","ar","rtl""#))
        #expect(try decode(written) == change)
    }

    @Test("A language not in normal form or an unknown direction is refused with a reason")
    func refused() throws {
        #expect(throws: StoreError.self) { try decode(line(#","AR",null"#)) }
        #expect(throws: StoreError.self) { try decode(line(#","ar","up""#)) }
        do {
            _ = try decode(line(#",null,"up""#))
        } catch let error as StoreError {
            #expect(error.message == "a change has an article direction that is not ltr, rtl or auto")
        }
    }
}
