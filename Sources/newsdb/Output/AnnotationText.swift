import Store

/// How annotations read in text output.
enum AnnotationText {
    /// `text` on one line, cut to `limit` characters with an ellipsis.
    static func excerpt(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    /// ` (headline)` or ` (dek)` after the quote of an annotation on that part; nothing for the body.
    static func partNote(_ annotation: Annotation) -> String {
        annotation.part == .body ? "" : " (\(annotation.part.displayName))"
    }

    /// One line: id, article, anchor state, color, quote (and its part, when not the body) and tags.
    static func line(_ annotation: Annotation) -> String {
        let state = annotation.deletedAt == nil ? annotation.anchor.state.rawValue : "deleted"
        var line =
            "\(Terminal.styled(String(annotation.id.prefix(8)), .yellow))  \(annotation.articleID.prefix(8))  "
            + "\(state.padded(to: 7))  "
            + "\(Terminal.styled(annotation.color.rawValue.padded(to: 7), .dim))"
            + "“\(excerpt(annotation.selector.exact, 60))”" + partNote(annotation)
        if !annotation.tags.isEmpty { line += "  " + annotation.tags.map { "#" + $0 }.joined(separator: " ") }
        return Text.truncated(line, to: Terminal.width)
    }
}
