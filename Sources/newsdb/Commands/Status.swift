import ArgumentParser
import Foundation
import Store

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the database's path, schema version, counts and replica.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let status = try global.open().status()
        if output.json {
            try JSONOutput.print(status)
            return
        }
        let schema =
            status.schemaVersion == status.latestSchemaVersion
            ? "\(status.schemaVersion) (current)"
            : "\(status.schemaVersion) (this newsdb knows \(status.latestSchemaVersion))"
        var rows = [
            ("database", status.path),
            ("schema", schema),
            ("replica", "\(status.replica.name) (\(status.replica.id))"),
            ("articles", String(status.articles)),
            ("size", ByteCountFormatter.string(fromByteCount: status.sizeBytes, countStyle: .file)),
        ]
        if status.conflicts > 0 { rows.append(("conflicts", "\(status.conflicts): run `newsdb conflicts`")) }
        rows += Text.waitingLines(status.waiting).map { ("waiting", $0) }
        for peer in status.peers {
            rows.append(
                (
                    "peer",
                    "\(peer.name): \(peer.missing) of our changes not yet received (last heard \(peer.lastHeardAt))"
                ))
        }
        for (label, value) in rows {
            print(Terminal.styled(label.padded(to: 10), .dim) + value)
        }
    }
}
