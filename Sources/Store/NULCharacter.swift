/// SQLite is handed text as C strings, cut at their first NUL character: a text holding one would be stored shorter
/// than it was given, silently. newsdb refuses such text wherever it comes in (files of articles and annotations,
/// change files, notes), with one line saying so, rather than keep a part of it.
enum NULCharacter {
    /// Refuses a parsed JSON value (`JSONSerialization`'s objects, arrays and strings) holding a NUL in any string,
    /// a key included.
    /// - Parameter what: What the value is, to begin the message ("the annotation").
    /// - Throws: `StoreError` `.invalidInput`.
    static func refuse(in value: Any, what: String) throws {
        guard holds(value) else { return }
        throw StoreError(.invalidInput, "\(what) holds a NUL character (\\u0000), which newsdb text cannot hold")
    }

    private static func holds(_ value: Any) -> Bool {
        switch value {
        case let text as String: return text.utf8.contains(0)
        case let list as [Any]: return list.contains(where: holds)
        case let object as [String: Any]: return object.contains { holds($0.key) || holds($0.value) }
        default: return false
        }
    }
}
