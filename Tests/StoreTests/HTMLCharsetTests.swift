import Foundation
import Testing

@testable import Store

@Suite struct HTMLCharsetTests {
    /// A page whose head is `head` and whose story is `text` (bytes in any encoding) followed by the harbour story.
    func page(head: String, text: [UInt8]) -> Data {
        var bytes = Data("<html><head>\(head)<title>Harbour news</title></head><body><p>".utf8)
        bytes.append(contentsOf: text)
        bytes.append(contentsOf: Array("</p>\(storyParagraphs)</body></html>".utf8))
        return bytes
    }

    func firstParagraph(_ data: Data) throws -> String {
        let draft = try #require(ArticleDraft.parse(data, named: "page.html").first)
        return String(draft.body.prefix { $0 != "\n" })
    }

    // "Café «€» “q”" in windows-1252.
    let windows1252: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x20, 0xAB, 0x80, 0xBB, 0x20, 0x93, 0x71, 0x94]

    @Test("windows-1252 bytes under <meta charset> are decoded")
    func windows1252Declared() throws {
        #expect(try firstParagraph(page(head: #"<meta charset="windows-1252">"#, text: windows1252)) == "Café «€» “q”")
    }

    @Test("ISO-8859-1 in a Content-Type http-equiv is read as windows-1252, as browsers do")
    func latin1() throws {
        let head = #"<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#
        #expect(try firstParagraph(page(head: head, text: [0x4E, 0x6F, 0xEB, 0x6C, 0x20, 0x80])) == "Noël €")
    }

    @Test("Shift_JIS is decoded")
    func shiftJIS() throws {
        // 東京のニュース
        let text: [UInt8] = [0x93, 0x8C, 0x8B, 0x9E, 0x82, 0xCC, 0x83, 0x6A, 0x83, 0x85, 0x81, 0x5B, 0x83, 0x58]
        #expect(try firstParagraph(page(head: #"<meta charset="Shift_JIS">"#, text: text)) == "東京のニュース")
    }

    @Test("An undeclared page that is not valid UTF-8 is read as windows-1252; a valid one as UTF-8")
    func undeclared() throws {
        #expect(try firstParagraph(page(head: "", text: windows1252)) == "Café «€» “q”")
        #expect(try firstParagraph(page(head: "", text: Array("Zoë €".utf8))) == "Zoë €")
    }

    @Test("The declaration is the first charset= of a closed <meta> tag in the first 1,024 bytes, any case and quoting")
    func declarations() {
        func declared(_ head: String) -> String? { HTMLCharset.declaredCharset(Data(head.utf8)) }
        #expect(declared(#"<meta charset="UTF-8">"#) == "utf-8")
        #expect(declared(#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html;CHARSET=Shift_JIS">"#) == "shift_jis")
        #expect(declared(#"<meta name="charset" charset = ' koi8-r'>"#) == "koi8-r")
        #expect(declared(#"<meta name="x"><meta charset=windows-1252>"#) == "windows-1252")
        #expect(declared(#"<metadata charset="koi8-r"><meta charset="euc-jp">"#) == "euc-jp")
        #expect(declared(#"<meta charset="koi8-r""#) == nil)
        #expect(declared(#"<title>charset="koi8-r"</title>"#) == nil)
        #expect(declared(#"<meta charset="">"#) == nil)
        #expect(declared("") == nil)
    }

    @Test("A byte order mark decides over a declaration")
    func byteOrderMark() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(page(head: #"<meta charset="windows-1252">"#, text: Array("Zoë".utf8)))
        #expect(try firstParagraph(data) == "Zoë")
    }

    @Test("A character set newsdb cannot read is refused with its name")
    func unknownCharset() throws {
        #expect {
            try ArticleDraft.parse(page(head: #"<meta charset="x-made-up-9">"#, text: [0x41]), named: "page.html")
        } throws: { error in
            (error as? StoreError)?.message == "it declares the character set x-made-up-9, which newsdb cannot read"
        }
    }
}
