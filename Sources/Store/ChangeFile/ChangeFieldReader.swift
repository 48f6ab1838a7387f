/// Reads the fields of a change line (a JSON array) in order, straight from its bytes.
struct ChangeFieldReader {
    var json: JSONByteReader
    /// The number of the field being read, from 1, for messages.
    private var position = 0
    /// Whether the array's closing bracket has been read.
    private(set) var isAtEnd: Bool

    /// Starts reading the array that comes next in `json`.
    init(_ json: JSONByteReader) throws {
        self.json = json
        try self.json.expect(UInt8(ascii: "["))
        isAtEnd = self.json.consume(UInt8(ascii: "]"))
    }

    /// Whether the next field is a string.
    var nextIsText: Bool {
        mutating get { !isAtEnd && json.peek() == UInt8(ascii: "\"") }
    }

    /// Moves to the next field; false when the array has ended (a field left out reads as missing).
    private mutating func nextField() -> Bool {
        position += 1
        return !isAtEnd
    }

    /// After a field: the array goes on (`,`) or ends (`]`).
    private mutating func endField() throws {
        if json.consume(UInt8(ascii: "]")) { isAtEnd = true } else { try json.expect(UInt8(ascii: ",")) }
    }

    /// Reads the fields after those the reader knows (a later format's), then the array's end.
    mutating func finish() throws {
        while !isAtEnd {
            position += 1
            try json.skipValue()
            try endField()
        }
    }

    mutating func string() throws -> String {
        guard nextField(), json.peek() == UInt8(ascii: "\"") else {
            throw StoreError(.invalidInput, "a change lacks a text field (field \(position))")
        }
        let text = try json.string()
        try endField()
        return text
    }

    mutating func optionalString() throws -> String? {
        guard nextField() else { return nil }
        if try json.consumeNull() {
            try endField()
            return nil
        }
        guard json.peek() == UInt8(ascii: "\"") else {
            throw StoreError(.invalidInput, "a change has a field that is not text (field \(position))")
        }
        let text = try json.string()
        try endField()
        return text
    }

    static func lacksNumber(field: Int) -> StoreError {
        StoreError(.invalidInput, "a change lacks a number (field \(field))")
    }

    mutating func int() throws -> Int {
        guard nextField(), let number = try number() else { throw Self.lacksNumber(field: position) }
        try endField()
        return number
    }

    /// The next field when it is a whole number; nil, reading nothing, when it is something else.
    mutating func intIfNumber() throws -> Int? {
        guard !isAtEnd, let byte = json.peek(), byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else {
            return nil
        }
        return try int()
    }

    /// The number that comes next; nil for anything else.
    private mutating func number() throws -> Int? {
        guard let byte = json.peek(), byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) else { return nil }
        return try json.integer()
    }

    /// Reads the next field, an array, with `body`, which must read the fields it needs (any others are skipped).
    mutating func array<T>(_ what: String, _ body: (inout ChangeFieldReader) throws -> T) throws -> T {
        guard nextField(), json.peek() == UInt8(ascii: "[") else {
            throw StoreError(.invalidInput, "a change has \(what) that is not a list (field \(position))")
        }
        var inner = try ChangeFieldReader(json)
        let value = try body(&inner)
        try inner.finish()
        json = inner.json
        try endField()
        return value
    }

    mutating func timeOrZero() throws -> String? {
        guard nextField() else { throw StoreError(.invalidInput, "a change has a bad time") }
        if let number = try number() {
            guard number == 0 else { throw StoreError(.invalidInput, "a change has a bad time") }
            try endField()
            return nil
        }
        guard json.peek() == UInt8(ascii: "\"") else { throw StoreError(.invalidInput, "a change has a bad time") }
        let text = try json.string()
        guard !text.isEmpty else { throw StoreError(.invalidInput, "a change has a bad time") }
        try endField()
        return text
    }

    mutating func annotationID() throws -> String {
        let text = try string()
        // A lowercase UUID: 8-4-4-4-12 lowercase hexadecimal digits.
        let valid =
            text.utf8.count == 36
            && text.utf8.enumerated().allSatisfy { index, byte in
                index == 8 || index == 13 || index == 18 || index == 23
                    ? byte == UInt8(ascii: "-") : (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
            }
        guard valid else {
            throw StoreError(
                .invalidInput, "a change names annotation \"\(text.prefix(40))\", which is not a lowercase UUID")
        }
        return text
    }

    mutating func articleID() throws -> String {
        let text = try string()
        guard text.utf8.count == 64, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else {
            throw StoreError(
                .invalidInput, "a change names article \"\(text.prefix(70))\", which is not a newsdb article id")
        }
        return text
    }

    mutating func selector() throws -> TextSelector {
        let exact = try string()
        let prefix = try string()
        let suffix = try string()
        let start = try int()
        let end = try int()
        guard !exact.isEmpty, start >= 0, end > start else {
            throw StoreError(.invalidInput, "a change has an impossible passage")
        }
        return TextSelector(exact: exact, prefix: prefix, suffix: suffix, start: start, end: end)
    }

    mutating func color() throws -> AnnotationColor {
        let text = try string()
        guard let color = AnnotationColor(rawValue: text) else {
            throw StoreError(.invalidInput, "a change has an unknown color \"\(text)\"")
        }
        return color
    }

    mutating func motivation() throws -> Motivation {
        let text = try string()
        guard let motivation = Motivation(rawValue: text) else {
            throw StoreError(.invalidInput, "a change has an unknown motivation \"\(text)\"")
        }
        return motivation
    }
}
