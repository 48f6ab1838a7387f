import ArgumentParser
import Testing

@testable import newsdb

/// What keeps every command's start-up short (issue 16): ArgumentParser builds the whole command tree before any
/// command runs, and a command without a `commandName` is named by `String(describing:)` of its type, a dynamic cast
/// that scans every protocol conformance record in the binary, three times per command.
@Suite struct StartupTests {
    /// Every command type under the root, depth first, each with the names of the commands above it.
    static func commandTree() -> [(path: String, command: any ParsableCommand.Type)] {
        var found: [(String, any ParsableCommand.Type)] = []
        func visit(_ command: any ParsableCommand.Type, under parent: String) {
            let path = parent.isEmpty ? "newsdb" : "\(parent) \(command.configuration.commandName ?? "\(command)")"
            found.append((path, command))
            for subcommand in command.configuration.subcommands { visit(subcommand, under: path) }
        }
        visit(NewsDB.self, under: "")
        return found
    }

    @Test("Every command in the tree names itself (configuration.commandName), so none is named by reflection")
    func everyCommandIsNamed() {
        let tree = Self.commandTree()
        #expect(tree.count > 30)
        let unnamed = tree.filter { $0.command.configuration.commandName == nil }.map(\.path)
        #expect(unnamed.isEmpty, "give these commands a commandName: in their CommandConfiguration: \(unnamed)")
    }

}
