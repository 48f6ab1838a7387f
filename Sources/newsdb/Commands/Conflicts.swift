import ArgumentParser
import Foundation
import Store

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List annotations that teammates changed without seeing each other's change.",
        discussion: """
            Each conflict shows the value in effect (the latest by hybrid clock) and the others, with who wrote them \
            and when, numbered from 1. Settle one with `newsdb resolve ID --keep VALUE` (winner, other, a number, an author \
            or a change id) or `--note TEXT`.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let conflicts = try global.open().conflicts()
        if output.json {
            try JSONOutput.print(conflicts)
            return
        }
        guard !conflicts.isEmpty else {
            print("no conflicts")
            return
        }
        for conflict in conflicts {
            print(Terminal.styled(conflict.id, .yellow) + "  on “\(Text.truncated(conflict.quote, to: 60))”")
            for (index, value) in conflict.values.enumerated() {
                print("  \(index + 1) \(index == 0 ? "winner" : "other ")  \(Self.describe(value))")
            }
        }
    }

    static func describe(_ value: ConflictValue) -> String {
        "\(value.value.map { Text.truncated($0, to: 70) } ?? "(no note)")  — \(value.author), \(value.at)"
    }
}

struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Settle a conflict; the resolution syncs like any other change.",
        discussion: """
            ID is a conflict as `newsdb conflicts` lists it (ANNOTATION/FIELD), or an annotation id with one conflict. \
            --keep takes any of its values: `winner` (the value in effect), `other` (when there is one other), the \
            value's number in `newsdb conflicts` (1 is the winner), or the name of its author or its change id when \
            that picks one value. --note replaces a note in conflict. For a deletion made without seeing edits, \
            keeping the winner keeps it deleted, and keeping any other value restores it with every edit it did not see.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The conflict.", valueName: "id")) var id: String
    @Option(
        help: ArgumentHelp(
            "Which value to keep: winner, other, its number, its author or its change id.", valueName: "value"))
    var keep: String?
    @Option(help: "A new note, for a conflict on a note.") var note: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (keep == nil) != (note == nil) else { throw ValidationError("give either --keep VALUE or --note TEXT") }
        try checkArgument { try NewsDatabase.checkConflictReference(id) }
    }

    func run() throws {
        let resolution = note.map { Resolution.note($0) } ?? Resolution(keep: keep ?? "winner")
        let annotation = try global.open().resolve(id, resolution)
        if output.json {
            try JSONOutput.print(annotation)
        } else {
            print("resolved \(id)" + (annotation.deletedAt != nil ? " (the annotation stays deleted)" : ""))
        }
    }
}
