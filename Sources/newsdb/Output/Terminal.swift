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

    /// `text` in `style` when color is on, else as it is.
    static func styled(_ text: String, _ style: Style) -> String {
        useColor ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}
