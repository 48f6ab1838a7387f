/// Reads JSON values in order straight from UTF-8 bytes, for the change line format (docs/SYNC.md): strings come out
/// as Swift strings and numbers as integers, with no Foundation objects in between (a change file holds hundreds
/// of thousands of lines, and bridging every value through `JSONSerialization` cost more than applying them).
///
/// It reads what the caller expects next (`string()`, `integer()`, `consume(_:)`…) and throws
/// ``StoreError`` `.invalidInput` when the bytes are not JSON there. The bytes must outlive the reader.
struct JSONByteReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The index of the next byte to read.
    private(set) var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        position = 0
    }

    /// The next byte that is not white space, without reading it; nil at the end.
    mutating func peek() -> UInt8? {
        skipSpace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Reads `byte` (after white space) when it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Reads `byte` (after white space), which must come next.
    mutating func expect(_ byte: UInt8) throws {
        guard consume(byte) else { throw notJSON() }
    }

    /// Reads `null` when it comes next.
    mutating func consumeNull() throws -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Checks that nothing but white space is left.
    mutating func expectEnd() throws {
        guard peek() == nil else { throw notJSON() }
    }

    /// Reads a string, which must come next.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return try text(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw notJSON() }
            position += 1
        }
        throw notJSON()
    }

    /// Reads a number, which must come next: nil when it is not a whole number that fits in an `Int`.
    mutating func integer() throws -> Int? {
        guard let first = peek(), first == UInt8(ascii: "-") || isDigit(first) else { throw notJSON() }
        let negative = first == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        var value = 0
        var fits = true
        while position < bytes.count, isDigit(bytes[position]) {
            let (times, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowedAgain) = times.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            if overflowed || overflowedAgain { fits = false }
            value = sum
            position += 1
        }
        // JSON has no leading zeros ("01") and needs a digit after the sign.
        guard position > start, bytes[start] != UInt8(ascii: "0") || position == start + 1 else { throw notJSON() }
        var whole = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            try digits()
            whole = false
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            try digits()
            whole = false
        }
        guard whole, fits else { return nil }
        return negative ? -value : value
    }

    /// Reads an array of strings, which must come next.
    mutating func strings() throws -> [String] {
        try expect(UInt8(ascii: "["))
        var strings: [String] = []
        if consume(UInt8(ascii: "]")) { return strings }
        repeat { strings.append(try string()) } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return strings
    }

    /// Reads any JSON value, which must come next, and drops it.
    mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "["):
            position += 1
            if consume(UInt8(ascii: "]")) { return }
            repeat { try skipValue() } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "{"):
            position += 1
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue()
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try integer()
        }
    }

    // MARK: - Details

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func digits() throws {
        let start = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        guard position > start else { throw notJSON() }
    }

    private mutating func literal(_ word: StaticString) throws {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard position + expected.count <= bytes.count,
            bytes[position..<(position + expected.count)].elementsEqual(expected)
        else { throw notJSON() }
        position += expected.count
    }

    /// The rest of a string that holds escapes, from its first byte at `start`.
    private mutating func escapedString(from start: Int) throws -> String {
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(position - start + 64)
        unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try unescaped.withUnsafeBufferPointer { try text($0) }
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw notJSON() }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"): unescaped.append(contentsOf: String(try escapedScalar()).utf8)
                default: throw notJSON()
                }
            default:
                guard byte >= 0x20 else { throw notJSON() }
                unescaped.append(byte)
            }
        }
        throw notJSON()
    }

    /// The scalar of a `\uXXXX` escape (its `\u` read), or of a surrogate pair written as two.
    private mutating func escapedScalar() throws -> Unicode.Scalar {
        let unit = try hex4()
        if unit >= 0xD800 && unit < 0xDC00 {
            guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw notJSON() }
            position += 2
            let low = try hex4()
            guard low >= 0xDC00 && low < 0xE000,
                let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            else { throw notJSON() }
            return scalar
        }
        guard let scalar = Unicode.Scalar(unit) else { throw notJSON() }  // a lone low surrogate
        // SQLite cuts a text at its first NUL: a change holding one would be stored shorter than it was sent.
        guard scalar != "\0" else {
            throw StoreError(.invalidInput, "a change holds a NUL character (\\u0000), which newsdb text cannot hold")
        }
        return scalar
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw notJSON() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw notJSON()
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private func text(_ utf8: UnsafeBufferPointer<UInt8>) throws -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw StoreError(.invalidInput, "a change holds text that is not UTF-8")
        }
        return text
    }

    private func notJSON() -> StoreError {
        StoreError(.invalidInput, "a change is not valid JSON (at byte \(position + 1))")
    }
}
