import Foundation

/// Fast text primitives for importing large corpora. They work on UTF-8 bytes and treat as white space the
/// ASCII space, tab, line feed, carriage return, vertical tab and form feed, plus U+00A0 (no-break space)
/// when trimming; Foundation's and the standard library's Unicode-aware versions were most of an import's time.
enum TextScanning {
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// The lines of `text`, split at LF, CRLF or CR.
    static func lines(_ text: String) -> [Substring] {
        var text = text
        let breaks: [(start: Int, end: Int)] = text.withUTF8 { bytes in
            var found: [(Int, Int)] = []
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0A || byte == 0x0D {
                    let end =
                        byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? index + 2 : index + 1
                    found.append((index, end))
                    index = end
                } else {
                    index += 1
                }
            }
            return found
        }
        let utf8 = text.utf8
        var result: [Substring] = []
        result.reserveCapacity(breaks.count + 1)
        var lineStart = 0
        for lineBreak in breaks {
            result.append(
                text[
                    utf8.index(
                        utf8.startIndex, offsetBy: lineStart)..<utf8.index(utf8.startIndex, offsetBy: lineBreak.start)])
            lineStart = lineBreak.end
        }
        result.append(text[utf8.index(utf8.startIndex, offsetBy: lineStart)...])
        return result
    }

    /// `text` without leading and trailing white space (ASCII white space and no-break spaces).
    static func trimmed(_ text: String) -> Substring { trimmed(text[...]) }

    /// `text` without leading and trailing white space (ASCII white space and no-break spaces).
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start != end {
            if isSpace(utf8[start]) {
                start = utf8.index(after: start)
            } else if utf8[start] == 0xC2, utf8.index(after: start) != end, utf8[utf8.index(after: start)] == 0xA0 {
                start = utf8.index(start, offsetBy: 2)
            } else {
                break
            }
        }
        while start != end {
            let last = utf8.index(before: end)
            if isSpace(utf8[last]) {
                end = last
            } else if utf8[last] == 0xA0, last != start, utf8[utf8.index(before: last)] == 0xC2 {
                end = utf8.index(before: last)
            } else {
                break
            }
        }
        return text[start..<end]
    }

    /// The number of words: white-space-separated runs that hold at least one letter or digit.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var inToken = false
        var tokenCounted = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                if isSpace(byte) {
                    inToken = false
                    continue
                }
                if !inToken {
                    inToken = true
                    tokenCounted = false
                }
                let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
                if isAlphanumeric && !tokenCounted {
                    count += 1
                    tokenCounted = true
                }
            } else {
                if scalar.properties.isWhitespace {
                    inToken = false
                    continue
                }
                if !inToken {
                    inToken = true
                    tokenCounted = false
                }
                if !tokenCounted && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil) {
                    count += 1
                    tokenCounted = true
                }
            }
        }
        return count
    }

    /// Whether `text` holds at least one letter or digit; stops at the first.
    static func containsWord(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value) | 0x20
                return (value >= 0x30 && value <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
            }
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }

    /// `text` in Unicode Normalization Form C. Text whose every scalar is certainly already NFC (below U+0300, or
    /// general punctuation and currency signs without decompositions: curly quotes, dashes, €) is returned as it is.
    static func nfc(_ text: String) -> String {
        let alreadyNFC = text.unicodeScalars.allSatisfy { scalar in
            let value = scalar.value
            return value < 0x300 || (0x2002...0x206F).contains(value) || (0x20A0...0x20CF).contains(value)
        }
        return alreadyNFC ? text : text.precomposedStringWithCanonicalMapping
    }
}
