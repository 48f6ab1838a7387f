import Foundation
import PackagePlugin

/// Embeds the package's `migrations/*.sql` files (`hub-migrations/*.sql` for the Hub target, the PostgreSQL schema)
/// into the target that uses this plugin, byte for byte, so that a copied `newsdb` binary can migrate a database
/// without the source tree.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let migrations = context.package.directoryURL.appending(
            path: target.name == "Hub" ? "hub-migrations" : "migrations", directoryHint: .isDirectory)
        let names = try FileManager.default.contentsOfDirectory(atPath: migrations.path(percentEncoded: false))
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        let inputs = names.map { migrations.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) migrations",
                executable: try context.tool(named: "embed-migrations").url,
                arguments: [output.path(percentEncoded: false)] + inputs.map { $0.path(percentEncoded: false) },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
