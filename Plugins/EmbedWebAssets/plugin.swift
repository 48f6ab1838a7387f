import Foundation
import PackagePlugin

/// Embeds every file under the package's `web/` folder, and the reader's `openapi.json`, into the target that uses
/// this plugin, byte for byte, so that a copied `newsdb` binary serves the reader without the source tree.
@main
struct EmbedWebAssets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let web = context.package.directoryURL.appending(path: "web", directoryHint: .isDirectory)
        let root = web.path(percentEncoded: false)
        var files: [(name: String, url: URL)] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            while let name = walker.nextObject() as? String {
                let url = web.appending(path: name)
                var isFolder: ObjCBool = false
                // Hidden files (editor swap files, .DS_Store) are not part of the page.
                guard FileManager.default.fileExists(atPath: url.path(percentEncoded: false), isDirectory: &isFolder),
                    !isFolder.boolValue, !name.split(separator: "/").contains(where: { $0.hasPrefix(".") })
                else { continue }
                files.append((name, url))
            }
        }
        files.sort { $0.name < $1.name }
        let openAPI = target.directoryURL.appending(path: "openapi.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedWebAssets.swift")
        let arguments =
            [output.path(percentEncoded: false), "--api", openAPI.path(percentEncoded: false)]
            + files.flatMap { [$0.name, $0.url.path(percentEncoded: false)] }
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) reader files",
                executable: try context.tool(named: "embed-web").url,
                arguments: arguments,
                // The folder is an input too, so that adding or removing a file in it builds again.
                inputFiles: [web, openAPI] + files.map(\.url),
                outputFiles: [output]
            )
        ]
    }
}
