import Foundation

/// What the process's standard streams are connected to, and how to write to them.
enum Terminal {
    /// Whether standard output is a terminal.
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    /// Whether standard error is a terminal.
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// Whether to color standard output: a terminal, `NO_COLOR` unset, and not a dumb terminal.
    static let useColor: Bool = {
        if let noColor = Environment.value("NO_COLOR"), !noColor.isEmpty { return false }
        return stdoutIsTerminal && Environment.value("TERM") != "dumb"
    }()

    /// The width of standard output in columns when it is a terminal.
    static var width: Int? {
        guard stdoutIsTerminal else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Prints `message` as newsdb's one-line error on stderr.
    static func printError(_ message: String) {
        writeStderr("newsdb: \(visible(message))\n")
    }

    /// Prints a one-line notice (created, migrated, skipped) on stderr.
    static func printNotice(_ message: String) {
        writeStderr("newsdb: \(visible(message))\n")
    }

    /// Stands for ESC in the styles newsdb adds itself (``styled(_:_:)``) until the text is written by ``visible(_:)``:
    /// a private-use character and a number drawn for this process, so that text from the database cannot forge it.
    static let styleEscape =
        "\u{E000}"
        + String(UInt64.random(in: 0...UInt64.max), radix: 16).unicodeScalars
        .map { digit in String(Character(UnicodeScalar(0xE000 + digit.value) ?? "\u{E000}")) }.joined()

    /// `text` as it may reach a terminal: every control character of the text (C0 but line feed and tab, DEL, C1) is
    /// shown as `\x` and two hexadecimal digits (ESC as `\x1b`), so that a title or note holding escape sequences
    /// cannot clear, recolor or retitle the terminal; then newsdb's own styles become escape sequences.
    static func visible(_ text: String) -> String {
        // Most text has nothing to show escaped and no style: it is printed as it is, without a copy.
        guard text.utf8.contains(where: needsAttention) else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 16)
        let style = Array(styleEscape.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 && byte != 0x0A && byte != 0x09 || byte == 0x7F {
                appendHex(byte, to: &result)
                index += 1
            } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                // A C1 control character (U+0080 to U+009F), two bytes in UTF-8.
                appendHex(bytes[index + 1], to: &result)
                index += 2
            } else if byte == style[0], bytes[index...].starts(with: style) {
                result.append(0x1B)
                index += style.count
            } else {
                result.append(byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Whether a UTF-8 byte may start what ``visible(_:)`` changes: a C0 control character (but line feed and tab),
    /// DEL, the lead byte of a C1 control character, or the lead byte of ``styleEscape``'s first character.
    private static func needsAttention(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F || byte == 0xC2 || byte == styleLeadByte
    }

    /// The first UTF-8 byte of U+E000, the first character of ``styleEscape``.
    private static let styleLeadByte = styleEscape.utf8.first ?? 0xEE

    /// Appends `\x` and two lowercase hexadecimal digits of `value`.
    private static func appendHex(_ value: UInt8, to result: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        result.append(contentsOf: [
            UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(value >> 4)], digits[Int(value & 0xF)],
        ])
    }

    /// Writes to stderr. A closed or full stderr leaves nowhere to report anything, so a failure is dropped.
    static func writeStderr(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Writes `data` to stdout.
    /// - Throws: `CLIError` when stdout is closed or its disk is full, so the command ends with one line, not a trap.
    static func writeStdout(_ data: Data) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            throw CLIError(message: "cannot write the output: \((error as NSError).localizedDescription)")
        }
    }

    enum Style: String {
        case bold = "1", dim = "2", italic = "3", underline = "4", red = "31", green = "32", yellow = "33",
            blue = "34", magenta = "35", cyan = "36"
        case highlight = "1;33"
    }

    /// `text` in `style` when color is on, else as it is. The style takes effect when the text is printed.
    static func styled(_ text: String, _ style: Style) -> String {
        useColor ? Self.style(code: style.rawValue) + text + styleReset : text
    }

    /// Starts the style of SGR parameters `code` ("1;33"), taking effect when the text is printed.
    static func style(code: String) -> String { "\(styleEscape)[\(code)m" }

    /// Ends every style.
    static let styleReset = style(code: "0")
}

/// Prints human output on stdout, shadowing the standard library's `print` for the whole command line, so that all
/// of it goes through ``Terminal/visible(_:)`` (JSON goes through `JSONOutput`, exports through `OutputFile`).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(Terminal.visible(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}
