import Foundation

/// A one-line progress bar on stderr (count, rate, time left), drawn only when stderr is a terminal
/// and redrawn at most ten times a second.
///
/// Not `Sendable`: a command makes it, updates it and finishes it in one task (progress reported from elsewhere
/// reaches that task first, as `sync` does).
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast

    init(label: String, enabled: Bool = Terminal.stderrIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    func update(done: Int, total: Int) {
        guard enabled, total > 1 else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 24
        let filled = total > 0 ? width * done / total : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        Terminal.writeStderr(
            "\r\(label) \(bar) \(done)/\(total)  \(Int(rate.rounded()))/s  \(Self.duration(left)) left \u{1B}[K")
    }

    /// Erases the bar.
    func finish() {
        guard enabled else { return }
        Terminal.writeStderr("\r\u{1B}[K")
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m"
            : "\(total / 60):\(String(format: "%02d", total % 60))"
    }
}
