/// A migration's SQL text cut into its statements: PostgreSQL takes one statement per query in the extended protocol
/// that postgres-nio speaks. A `;` ends a statement unless it is inside a comment (`--`, `/* */`), a string (`'…'`,
/// `E'…'`), a quoted name (`"…"`) or a dollar-quoted body (`$$…$$`, `$tag$…$tag$`).
enum SQLStatements {
    /// The statements of `sql`, each without its `;`, comments kept; blank and comment-only pieces left out.
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        var hasCode = false
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func skip(past closing: [UInt8]) {
            while index < bytes.count {
                if bytes[index...].starts(with: closing) {
                    index += closing.count
                    return
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where at(1) == UInt8(ascii: "-"):
                skip(past: [UInt8(ascii: "\n")])
            case UInt8(ascii: "/") where at(1) == UInt8(ascii: "*"):
                index += 2
                skip(past: [UInt8(ascii: "*"), UInt8(ascii: "/")])
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // A doubled quote inside is the quote itself: reading on from it reads the rest of the same text.
                hasCode = true
                index += 1
                skip(past: [byte])
            case UInt8(ascii: "$"):
                hasCode = true
                var end = index + 1
                while end < bytes.count,
                    bytes[end] == UInt8(ascii: "_")
                        || (bytes[end] | 0x20) >= UInt8(ascii: "a")
                            && (bytes[end] | 0x20) <= UInt8(ascii: "z")
                {
                    end += 1
                }
                if end < bytes.count, bytes[end] == UInt8(ascii: "$") {
                    let tag = Array(bytes[index...end])
                    index = end + 1
                    skip(past: tag)
                } else {
                    index += 1
                }
            case UInt8(ascii: ";"):
                if hasCode { statements.append(String(decoding: bytes[start..<index], as: UTF8.self)) }
                index += 1
                start = index
                hasCode = false
            default:
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t")
                    && byte != UInt8(ascii: "\r")
                {
                    hasCode = true
                }
                index += 1
            }
        }
        if hasCode { statements.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return statements
    }
}
