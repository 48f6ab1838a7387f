/// Small helpers for laying out text in a terminal.
enum Text {
    /// `line` cut to `width` visible columns (escape sequences do not count), with `…` where it was cut.
    static func truncated(_ line: String, to width: Int?) -> String {
        guard let width, width > 1 else { return line }
        var visible = 0
        var result = ""
        var inEscape = false
        for character in line {
            if isEscape(character) { inEscape = true }
            if inEscape {
                result.append(character)
                if character.isLetter { inEscape = false }
                continue
            }
            if visible == width - 1 {
                return result + "…" + (line.contains(Terminal.styleEscape) ? Terminal.styleReset : "")
            }
            result.append(character)
            visible += 1
        }
        return result
    }

    /// `text` broken into lines of at most `width` visible columns at spaces (escape sequences take no room);
    /// unchanged when `width` is nil.
    static func wrapped(_ text: String, to width: Int?) -> String {
        guard let width, width > 20 else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var lines: [String] = []
            var current = ""
            var currentWidth = 0
            for word in line.split(separator: " ") {
                let wordWidth = visibleWidth(word)
                if !current.isEmpty && currentWidth + 1 + wordWidth > width {
                    lines.append(current)
                    current = ""
                    currentWidth = 0
                }
                current += current.isEmpty ? String(word) : " " + word
                currentWidth += (currentWidth == 0 ? 0 : 1) + wordWidth
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// The number of characters of `text` outside ANSI escape sequences.
func visibleWidth<S: StringProtocol>(_ text: S) -> Int {
    var count = 0
    var inEscape = false
    for character in text {
        if isEscape(character) {
            inEscape = true
        } else if inEscape {
            if character.isLetter { inEscape = false }
        } else {
            count += 1
        }
    }
    return count
}

/// Whether `character` starts a style (newsdb's own, ``Terminal/styleEscape``, or an escape sequence in the text,
/// which is shown escaped).
private func isEscape(_ character: Character) -> Bool {
    character == "\u{E000}" || character == "\u{1B}"
}

extension String {
    /// The string with spaces before it, to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string with spaces after it, or cut, to `width` characters (Foundation's `padding(toLength:withPad:
    /// startingAt:)` with a space, without its trip through NSString, which was most of `newsdb list`'s time).
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
