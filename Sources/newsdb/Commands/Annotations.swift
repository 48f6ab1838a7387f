import ArgumentParser
import Foundation
import Store

struct Annotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotations", abstract: "List, edit, delete, import and export annotations.",
        subcommands: [
            ListAnnotations.self, ShowAnnotation.self, EditAnnotation.self, DeleteAnnotations.self,
            ImportAnnotations.self, ExportAnnotations.self,
        ],
        defaultSubcommand: ListAnnotations.self)
}

struct ListAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List annotations (the default): all, or one article's.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Only this article's annotations (id or unique prefix).", valueName: "article"))
    var article: String?
    @Option(help: "Only annotations with this tag.") var tag: String?
    @Flag(help: "Only orphans: annotations whose passage is gone from the article's current text.") var orphans = false
    @Flag(help: "Include deleted annotations.") var deleted = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let article { try checkArgument { try NewsDatabase.checkArticleReference(article) } }
        if let tag { try checkArgument { _ = try Tag.normalized(tag) } }
    }

    func run() throws {
        let annotations = try global.open().annotations(
            AnnotationFilter(article: article, tag: tag, orphansOnly: orphans, includeDeleted: deleted))
        if output.json {
            try JSONOutput.print(annotations)
            return
        }
        if annotations.isEmpty {
            print(
                orphans
                    ? "no orphaned annotations" : "no annotations; add one with `newsdb annotate ARTICLE --quote TEXT`")
            return
        }
        for annotation in annotations {
            print(AnnotationText.line(annotation))
            if let note = annotation.note {
                print("          " + Terminal.styled(AnnotationText.excerpt(note, 100), .italic))
            }
        }
    }
}

struct ShowAnnotation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one annotation (deleted ones too) with its passage in context.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The annotation's id or a unique prefix of it.", valueName: "id")) var id: String
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try checkArgument { try NewsDatabase.checkAnnotationReference(id) }
    }

    func run() throws {
        let annotation = try global.open().annotation(id)
        if output.json {
            try JSONOutput.print(annotation)
            return
        }
        let selector = annotation.selector
        var rows: [(String, String)] = [
            ("id", annotation.id),
            ("article", annotation.articleID),
            ("part", annotation.part.displayName),
            ("passage", "…\(selector.prefix)" + Terminal.styled(selector.exact, .bold) + "\(selector.suffix)…"),
            (
                "anchor",
                annotation.anchor.range.map {
                    "\(annotation.anchor.state.rawValue) at \($0.lowerBound)-\($0.upperBound) of revision \(annotation.anchor.revision)"
                }
                    ?? "orphan on revision \(annotation.anchor.revision) (made at \(selector.start)-\(selector.end) of revision \(annotation.revision))"
            ),
            ("color", annotation.color.rawValue),
            ("motivation", annotation.motivation.rawValue),
            ("author", annotation.author),
            ("created", annotation.createdAt),
            ("modified", annotation.modifiedAt),
        ]
        if annotation.part == .body { rows.remove(at: 2) }
        if !annotation.tags.isEmpty { rows.append(("tags", annotation.tags.map { "#" + $0 }.joined(separator: " "))) }
        if let deleted = annotation.deletedAt { rows.append(("deleted", deleted)) }
        for (label, value) in rows {
            print(
                Terminal.styled(label.padded(to: 11), .dim)
                    + value.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        if let note = annotation.note {
            print()
            print(note)
        }
    }
}

struct EditAnnotation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Change an annotation's note, tags, color or motivation.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The annotation's id or a unique prefix of it.", valueName: "id")) var id: String
    @Option(help: "The new note; an empty note removes it.") var note: String?
    @Option(name: .customLong("add-tag"), help: "A tag to add; repeat for several.") var addTags: [String] = []
    @Option(name: .customLong("remove-tag"), help: "A tag to remove; repeat for several.") var removeTags: [String] = []
    @Option(help: "The new color.") var color: AnnotationColor?
    @Option(help: "The new motivation.") var motivation: Motivation?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let changes = AnnotationChanges(
            note: note, addTags: addTags, removeTags: removeTags, color: color, motivation: motivation)
        if changes.isEmpty {
            throw ValidationError("nothing to change: give --note, --add-tag, --remove-tag, --color or --motivation")
        }
        try checkArgument { try NewsDatabase.checkAnnotationReference(id) }
        for tag in addTags + removeTags { try checkArgument { _ = try Tag.normalized(tag) } }
    }

    func run() throws {
        let annotation = try global.open().editAnnotation(
            id,
            AnnotationChanges(
                note: note, addTags: addTags, removeTags: removeTags, color: color, motivation: motivation))
        if output.json {
            try JSONOutput.print(annotation)
        } else {
            print(AnnotationText.line(annotation))
        }
    }
}

struct DeleteAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete annotations (all or none).",
        discussion: "A deleted annotation is kept as a tombstone, so that teammates' copies learn of the deletion; "
            + "`newsdb annotations --deleted` lists it.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Annotation ids or unique prefixes.", valueName: "id")) var ids: [String] = []
    @Option(help: ArgumentHelp("A file of ids, one per line ('-' for standard input).", valueName: "file"))
    var from: String?

    func validate() throws {
        if ids.isEmpty && from == nil { throw ValidationError("give annotation ids, or --from FILE") }
        for id in ids { try checkArgument { try NewsDatabase.checkAnnotationReference(id) } }
    }

    func run() throws {
        var all = ids
        if let from { all += try InputFile.lines(from) }
        let deleted = try global.open().deleteAnnotations(all)
        print("deleted \(deleted.count) annotation\(deleted.count == 1 ? "" : "s")")
    }
}
