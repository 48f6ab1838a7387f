import Foundation

/// Writes values as the stable JSON newsdb documents in docs/JSON.md: snake_case keys, sorted, pretty-printed.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        try Terminal.writeStdout(data)
    }
}
