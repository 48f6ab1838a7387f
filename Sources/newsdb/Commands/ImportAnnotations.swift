import ArgumentParser
import Store

struct ImportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import annotations from JSON Lines or a W3C export (in the next change).")

    func run() throws {
        throw CLIError(message: "annotations import is not available yet")
    }
}

struct ExportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export annotations as W3C Web Annotations or Markdown (in the next change).")

    func run() throws {
        throw CLIError(message: "annotations export is not available yet")
    }
}
