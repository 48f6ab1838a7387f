import Foundation

/// The identity of a change, unique across replicas: the replica that made it and that replica's counter.
public struct ChangeID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id of the replica that made the change.
    public let origin: String
    /// 1 for the replica's first change, 2 for the next, and so on.
    public let counter: Int64

    /// Creates an id.
    public init(origin: String, counter: Int64) {
        self.origin = origin
        self.counter = counter
    }

    public static func < (lhs: ChangeID, rhs: ChangeID) -> Bool {
        (lhs.origin, lhs.counter) < (rhs.origin, rhs.counter)
    }

    /// `ORIGIN:COUNTER`.
    public var description: String { "\(origin):\(counter)" }
}

/// JSON text made by hand where a full encoder would cost more than the text.
public enum JSONText {
    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        // Most texts (ids, times, most notes) need no escape: copied whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
