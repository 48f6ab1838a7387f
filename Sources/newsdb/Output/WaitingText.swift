import Store

extension Text {
    /// How many groups of waiting changes `status` and `sync import` name; `newsdb check` names them all.
    static let waitingShown = 5

    /// One line per group of waiting changes, at most ``waitingShown`` of them and a line counting the rest.
    static func waitingLines(_ waiting: [WaitingChanges]) -> [String] {
        var lines = waiting.prefix(waitingShown).map(\.description)
        if waiting.count > waitingShown {
            lines.append("and changes for \(waiting.count - waitingShown) more: `newsdb check` lists them all")
        }
        return lines
    }
}
