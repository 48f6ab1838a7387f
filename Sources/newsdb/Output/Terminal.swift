import Foundation

/// What the process's standard streams are connected to, and how to write to them.
enum Terminal {
    /// Whether standard output is a terminal.
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    /// Whether standard error is a terminal.
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// Whether to color standard output: a terminal, `NO_COLOR` unset, and not a dumb terminal.
    static let useColor: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return stdoutIsTerminal && environment["TERM"] != "dumb"
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
        writeStderr("newsdb: \(message)\n")
    }

    /// Prints a one-line notice (created, migrated, skipped) on stderr.
    static func printNotice(_ message: String) {
        writeStderr("newsdb: \(message)\n")
    }

    static func writeStderr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    enum Style: String {
        case bold = "1", dim = "2", italic = "3", underline = "4", red = "31", green = "32", yellow = "33",
            blue = "34", magenta = "35", cyan = "36"
        case highlight = "1;33"
    }

    /// `text` in `style` when color is on, else as it is.
    static func styled(_ text: String, _ style: Style) -> String {
        useColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
