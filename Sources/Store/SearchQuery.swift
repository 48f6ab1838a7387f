/// A search as a person types it, turned into an FTS5 query that cannot be a syntax error.
///
/// Words are all required (`nato troops`); `"exact phrase"` keeps words together; `word*` matches a prefix;
/// `-word` excludes a word; `OR` between two terms accepts either; `tag:claim` keeps only articles with an
/// annotation tagged `claim`. Everything else is matched as literal text, so punctuation, stray quotes and FTS5
/// keywords in a query never fail.
public struct SearchQuery: Sendable, Equatable {
    /// The query as typed.
    public let text: String
    /// The FTS5 MATCH expression, or nil when the query only names tags.
    public let matchExpression: String?
    /// The tags an article's annotations must all carry (`tag:NAME`).
    public let tags: [String]

    /// Parses a query.
    /// - Throws: `StoreError` `.invalidInput` when the query has no word to search for.
    public init(_ text: String) throws {
        self.text = text
        var required: [String] = []
        var excluded: [String] = []
        var pendingOr = false
        var tags: [String] = []
        for token in Self.tokens(text) {
            if !token.quoted, token.raw.lowercased().hasPrefix("tag:"), token.raw.count > 4 {
                tags.append(try Tag.normalized(String(token.raw.dropFirst(4))))
                continue
            }
            if token.raw == "OR", !token.quoted, !required.isEmpty {
                pendingOr = true
                continue
            }
            let negated = !token.quoted && token.raw.hasPrefix("-") && token.raw.count > 1
            var word = negated ? String(token.raw.dropFirst()) : token.raw
            let prefix = !token.quoted && word.hasSuffix("*") && word.count > 1
            if prefix { word.removeLast() }
            guard word.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
            let term = "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" + (prefix ? " *" : "")
            if negated {
                excluded.append(term)
            } else if pendingOr, let last = required.popLast() {
                required.append("(\(last) OR \(term))")
            } else {
                required.append(term)
            }
            pendingOr = false
        }
        self.tags = tags
        guard !required.isEmpty || !tags.isEmpty else {
            throw StoreError(
                .invalidInput,
                excluded.isEmpty
                    ? "the search '\(text)' has no word to look for"
                    : "the search '\(text)' only excludes words; give at least one word to look for")
        }
        if required.isEmpty && !excluded.isEmpty {
            throw StoreError(
                .invalidInput, "the search '\(text)' only excludes words; give at least one word to look for")
        }
        matchExpression =
            required.isEmpty ? nil : required.joined(separator: " AND ") + excluded.map { " NOT \($0)" }.joined()
    }

    private static func tokens(_ text: String) -> [(raw: String, quoted: Bool)] {
        var tokens: [(String, Bool)] = []
        var current = ""
        var inQuotes = false
        for character in text {
            if character == "\"" {
                if inQuotes {
                    tokens.append((current, true))
                } else if !current.isEmpty {
                    tokens.append((current, false))
                }
                current = ""
                inQuotes.toggle()
            } else if character.isWhitespace && !inQuotes {
                if !current.isEmpty { tokens.append((current, false)) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append((current, inQuotes)) }
        return tokens
    }
}
