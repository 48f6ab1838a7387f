import ArgumentParser
import Foundation
import Store

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List annotations that teammates changed without seeing each other's change.",
        discussion: """
            Each conflict shows the value in effect (the latest by hybrid clock) and the others, with who wrote them \
            and when. Settle one with `newsdb resolve ID --keep winner|other` or `--note TEXT`.
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
            print("  winner  \(Self.describe(conflict.winner))")
            for other in conflict.others { print("  other   \(Self.describe(other))") }
        }
    }

    static func describe(_ value: ConflictValue) -> String {
        "\(value.value.map { Text.truncated($0, to: 70) } ?? "(no note)")  — \(value.author), \(value.at)"
    }
}

struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Settle a conflict; the resolution syncs like any other change.",
        discussion: """
            ID is a conflict as `newsdb conflicts` lists it (ANNOTATION/FIELD), or an annotation id with one conflict. \
            --keep winner keeps the value in effect, --keep other the other one; --note replaces a note in conflict. \
            For a deletion made without seeing an edit, --keep winner keeps it deleted and --keep other restores it.
            """)

    enum Keep: String, ExpressibleByArgument, CaseIterable { case winner, other }

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The conflict.", valueName: "id")) var id: String
    @Option(help: "Which value to keep.") var keep: Keep?
    @Option(help: "A new note, for a conflict on a note.") var note: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (keep == nil) != (note == nil) else { throw ValidationError("give either --keep winner|other or --note TEXT") }
        try checkArgument { try NewsDatabase.checkConflictReference(id) }
    }

    func run() throws {
        let resolution: Resolution = note.map { .note($0) } ?? (keep == .other ? .other : .winner)
        let annotation = try global.open().resolve(id, resolution)
        if output.json {
            try JSONOutput.print(annotation)
        } else {
            print("resolved \(id)" + (annotation.deletedAt != nil ? " (the annotation stays deleted)" : ""))
        }
    }
}
