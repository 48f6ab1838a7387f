import Foundation

/// Decodes a saved page's bytes to text, by the character set the page states, as browsers do: a byte order mark
/// first, then a `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 1,024 bytes; an undeclared page
/// is UTF-8 when it is valid UTF-8, else windows-1252.
///
/// ISO-8859-1 and US-ASCII are read as windows-1252, its superset (as the WHATWG Encoding standard says); other
/// declared sets (Shift_JIS, EUC-KR, KOI8-R, GB2312 …) are converted with the C library's iconv.
enum HTMLCharset {
    /// How far into the page a declaration is looked for (the HTML standard's prescan reads 1,024 bytes).
    private static let prescanBytes = 1024
    private static let windows1252Names: Set<String> = [
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii",
        "ascii", "cp819", "ibm819", "iso-ir-100", "csisolatin1",
    ]

    /// The page's text.
    /// - Throws: `StoreError` `.invalidInput` when the page declares a character set newsdb cannot convert from,
    ///   or its bytes are not in the set it declares.
    static func decode(_ bytes: Data) throws -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(decoding: bytes.dropFirst(3), as: UTF8.self) }
        if bytes.starts(with: [0xFF, 0xFE]) { return try convert(bytes.dropFirst(2), from: "UTF-16LE") }
        if bytes.starts(with: [0xFE, 0xFF]) { return try convert(bytes.dropFirst(2), from: "UTF-16BE") }
        guard let declared = declaredCharset(bytes.prefix(prescanBytes)) else {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return windows1252(bytes)
        }
        switch declared {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            // Declared UTF-8 but broken: the bad bytes become U+FFFD, as in a browser.
            return String(decoding: bytes, as: UTF8.self)
        case "utf-16", "utf-16le", "utf-16be":
            // A page in UTF-16 has a byte order mark; without one the declaration cannot be true (its own bytes
            // were read as ASCII), so it is read as UTF-8, as browsers do.
            return String(decoding: bytes, as: UTF8.self)
        case _ where windows1252Names.contains(declared):
            return windows1252(bytes)
        default:
            return try convert(bytes[...], from: declared)
        }
    }

    /// The character set named by the first `<meta charset=…>` or `<meta … content="…charset=…">` in `head`,
    /// lowercased, or nil. Read on the bytes, whatever the page's encoding: the names and the markup are ASCII.
    static func declaredCharset(_ head: Data) -> String? {
        let bytes = Array(head)
        var start = 0
        while let tag = find("<meta", in: bytes, from: start) {
            start = tag + 5
            // `<meta` must end there (`<metadata>` is another element), and the tag must be closed.
            guard start == bytes.count || !isWordByte(bytes[start]),
                let close = bytes[start...].firstIndex(of: UInt8(ascii: ">"))
            else { continue }
            // `charset=` stands alone (`<meta charset="…">`) or inside a Content-Type (`content="text/html; charset=…"`).
            var from = start
            while let found = find("charset", in: bytes[..<close], from: from) {
                from = found + 7
                if let name = charsetName(bytes[from..<close]) { return name }
            }
            start = close + 1
        }
        return nil
    }

    /// The name after `charset` in `rest`: `\s*=\s*["']?\s*` and then letters, digits and `._:-`, lowercased.
    private static func charsetName(_ rest: ArraySlice<UInt8>) -> String? {
        var index = rest.startIndex
        func skipSpaces() { while index < rest.endIndex, isSpaceByte(rest[index]) { index += 1 } }
        skipSpaces()
        guard index < rest.endIndex, rest[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        skipSpaces()
        if index < rest.endIndex, rest[index] == UInt8(ascii: "\"") || rest[index] == UInt8(ascii: "'") { index += 1 }
        skipSpaces()
        var name: [UInt8] = []
        while index < rest.endIndex {
            let byte = lowered(rest[index])
            let punctuation = byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D  // . _ : -
            guard (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || punctuation else { break }
            name.append(byte)
            index += 1
        }
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
    }

    /// The first index at or after `start` where `word` (lowercase ASCII) stands in `bytes`, ASCII case ignored.
    private static func find(_ word: String, in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        let word = Array(word.utf8)
        guard word.count <= bytes.endIndex - start else { return nil }
        for index in start...(bytes.endIndex - word.count)
        where word.indices.allSatisfy({ lowered(bytes[index + $0]) == word[$0] }) {
            return index
        }
        return nil
    }

    private static func find(_ word: String, in bytes: [UInt8], from start: Int) -> Int? {
        find(word, in: bytes[...], from: start)
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// White space as regular expressions' `\s` finds it in text read as Latin-1: ASCII's, NEL and no-break space.
    private static func isSpaceByte(_ byte: UInt8) -> Bool {
        TextScanning.isSpace(byte) || byte == 0x85 || byte == 0xA0
    }

    /// Whether a byte read as Latin-1 is a letter, a digit or `_` (what ends `\b` after `<meta`).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        let lower = lowered(byte)
        return (0x61...0x7A).contains(lower) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0xAA
            || byte == 0xB5 || byte == 0xBA || (byte >= 0xC0 && byte != 0xD7 && byte != 0xF7)
    }

    /// windows-1252 to text; the five bytes it leaves undefined become the C1 controls of the same value.
    static func windows1252(_ bytes: Data) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let mapped = Unicode.Scalar(windows1252High[Int(byte) - 0x80]) {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Converts `bytes` from `charset` to text with iconv.
    private static func convert(_ bytes: Data.SubSequence, from charset: String) throws -> String {
        let converter = iconv_open("UTF-8", charset.uppercased())
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw StoreError(
                .invalidInput, "it declares the character set \(charset.prefix(40)), which newsdb cannot read")
        }
        defer { iconv_close(converter) }
        var input = [CChar](repeating: 0, count: bytes.count)
        _ = input.withUnsafeMutableBytes { bytes.copyBytes(to: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
        let written: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return -1 }
                return outBuffer.count - outLeft
            }
        }
        guard written >= 0 else {
            throw StoreError(
                .invalidInput, "its bytes are not valid \(charset.prefix(40)), the character set it declares")
        }
        return String(decoding: output.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
