import Store

/// How annotations read in text output.
enum AnnotationText {
    /// `text` on one line, cut to `limit` characters with an ellipsis.
    static func excerpt(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    /// One line: id, article, anchor state, color, quote and tags.
    static func line(_ annotation: Annotation) -> String {
        let state = annotation.deletedAt == nil ? annotation.anchor.state.rawValue : "deleted"
        var line =
            "\(Terminal.styled(String(annotation.id.prefix(8)), .yellow))  \(annotation.articleID.prefix(8))  "
            + "\(state.padded(to: 7))  "
            + "\(Terminal.styled(annotation.color.rawValue.padded(to: 7), .dim))"
            + "“\(excerpt(annotation.selector.exact, 60))”"
        if !annotation.tags.isEmpty { line += "  " + annotation.tags.map { "#" + $0 }.joined(separator: " ") }
        return Text.truncated(line, to: Terminal.width)
    }
}
