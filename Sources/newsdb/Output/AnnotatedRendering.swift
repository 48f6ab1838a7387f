import Store

/// A part of an article (its body, headline or dek) with its highlights marked (colored on a terminal, [bracketed]
/// otherwise), footnote numbers after annotations that have a note or tags, and the footnotes and orphans to print
/// after it.
struct AnnotatedRendering {
    let body: String
    let footnotes: [String]
    let orphans: [String]

    /// Marks `annotations` (those on `body`, a text of one part) on it, numbering footnotes from `firstFootnote`.
    init(body: String, revision: Int, annotations: [Annotation], firstFootnote: Int = 1) {
        let highlighted = HighlightedText(body: body, revision: revision, annotations: annotations)
        var numbers: [Int: Int] = [:]
        var footnotes: [String] = []
        var text = ""
        for segment in highlighted.segments {
            if !Terminal.useColor { text += String(repeating: "[", count: segment.starting.count) }
            if let top = segment.covering.last, Terminal.useColor {
                text +=
                    Terminal.style(code: Self.background(annotations[top].color)) + segment.text + Terminal.styleReset
            } else {
                text += segment.text
            }
            if !Terminal.useColor { text += String(repeating: "]", count: segment.ending.count) }
            for index in segment.ending {
                let annotation = annotations[index]
                guard annotation.note != nil || !annotation.tags.isEmpty else { continue }
                let number = footnotes.count + firstFootnote
                numbers[index] = number
                text += Terminal.useColor ? Terminal.styled("[\(number)]", .yellow) : "[\(number)]"
                footnotes.append(Self.footnote(number: number, annotation))
            }
        }
        self.body = text
        self.footnotes = footnotes
        orphans = annotations.filter { $0.anchor.range == nil || $0.anchor.revision != revision }.map { annotation in
            var line =
                "  “\(annotation.selector.exact)”\(AnnotationText.partNote(annotation)) (\(annotation.id.prefix(8)))"
            if let note = annotation.note { line += " — \(note)" }
            if !annotation.tags.isEmpty { line += " " + annotation.tags.map { "#" + $0 }.joined(separator: " ") }
            return line
        }
    }

    private static func footnote(number: Int, _ annotation: Annotation) -> String {
        var line = "[\(number)] "
        if let note = annotation.note { line += note.split(separator: "\n").joined(separator: " ") }
        if !annotation.tags.isEmpty {
            line += (annotation.note == nil ? "" : "  ") + annotation.tags.map { "#" + $0 }.joined(separator: " ")
        }
        return line + Terminal.styled("  (\(annotation.id.prefix(8)))", .dim)
    }

    /// The ANSI background for a palette color (black text on it for contrast).
    private static func background(_ color: AnnotationColor) -> String {
        switch color {
        case .yellow: "30;103"
        case .green: "30;102"
        case .blue: "30;104"
        case .pink: "30;105"
        case .purple: "30;45"
        case .orange: "30;43"
        }
    }
}
