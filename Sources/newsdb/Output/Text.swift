/// Small helpers for laying out text in a terminal.
enum Text {
    /// `line` cut to `width` visible columns (escape sequences do not count), with `…` where it was cut.
    static func truncated(_ line: String, to width: Int?) -> String {
        guard let width, width > 1 else { return line }
        var visible = 0
        var result = ""
        var inEscape = false
        for character in line {
            if character == "\u{1B}" { inEscape = true }
            if inEscape {
                result.append(character)
                if character.isLetter { inEscape = false }
                continue
            }
            if visible == width - 1 {
                return result + "…" + (line.contains("\u{1B}") ? "\u{1B}[0m" : "")
            }
            result.append(character)
            visible += 1
        }
        return result
    }

    /// `text` broken into lines of at most `width` columns at spaces; unchanged when `width` is nil.
    static func wrapped(_ text: String, to width: Int?) -> String {
        guard let width, width > 20 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var lines: [String] = []
            var current = ""
            for word in line.split(separator: " ") {
                if !current.isEmpty && current.count + 1 + word.count > width {
                    lines.append(current)
                    current = ""
                }
                current += current.isEmpty ? String(word) : " " + word
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
