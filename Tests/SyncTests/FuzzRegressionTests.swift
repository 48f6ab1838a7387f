import Foundation
import Store
import Sync
import Testing

/// Replays every input kept from fuzzing (Tests/SyncTests/FuzzRegressions) as the fuzz harness does: each is refused
/// or applied, without crashing or hanging.
@Suite struct FuzzRegressionTests {
    static let folder = repositoryRoot.appending(path: "Tests/SyncTests/FuzzRegressions")

    static func inputs(_ target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: folder.appending(path: target), includingPropertiesForKeys: nil
        ).sorted { $0.path < $1.path }
    }

    @Test("Kept change-file inputs, sealed with their SHA-256, are applied or refused")
    func changeFiles() throws {
        let folder = try TemporaryDirectory()
        let database = try NewsDatabase.open(at: folder.path("fuzz.sqlite"), options: .init(backup: false))
        let inputs = try Self.inputs("changes")
        for input in inputs {
            let data = sealed(try Data(contentsOf: input))
            do {
                _ = try ChangeFileReader.apply(data, named: input.lastPathComponent, to: database)
            } catch let error as StoreError {
                #expect(!error.message.contains("\n"), "\(input.lastPathComponent): \(error.message)")
            }
        }
        #expect(try database.check().isEmpty)
    }

    @Test("Kept article inputs are parsed or refused")
    func articles() throws {
        let inputs = try Self.inputs("articles")
        #expect(!inputs.isEmpty)
        for input in inputs {
            let data = try Data(contentsOf: input)
            let name = ["fuzz.txt", "fuzz.json", "fuzz.jsonl", "fuzz.html", "fuzz.rss"][Int(data.first ?? 0) % 5]
            do {
                _ = try ArticleDraft.parse(data.dropFirst(), named: name).map(\.id)
            } catch let error as StoreError {
                #expect(!error.message.contains("\n"), "\(input.lastPathComponent): \(error.message)")
            }
        }
    }
}
