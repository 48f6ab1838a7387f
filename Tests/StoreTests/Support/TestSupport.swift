import Foundation
import GRDB
@testable import Store

/// A fresh folder under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "newsdb-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        // Leftover files in the temporary directory harm nothing; a failure here must not mask a test's result.
        _ = try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appending(path: name).path }

    /// Writes `text` (UTF-8) to `name`, creating folders, and returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let file = url.appending(path: name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }
}

/// The clock tests inject: always the same instant.
let fixedClock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_790_000_000) }

extension NewsDatabase {
    /// A new database in `folder`, with the fixed clock.
    static func fresh(in folder: TemporaryDirectory, name: String = "news.sqlite") throws -> NewsDatabase {
        try NewsDatabase.open(at: folder.path(name), options: .init(clock: fixedClock))
    }
}

/// The repository's root, found from this file's path, for tests that read `migrations/` or fixtures.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Reads every byte of the database file and its write-ahead log, to prove a refused operation changed nothing.
func snapshotBytes(_ path: String) -> [String: Data] {
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-journal"] {
        if let data = FileManager.default.contents(atPath: path + suffix) { files[suffix] = data }
    }
    return files
}

/// A plain-text article in the format the importer reads.
func plainArticle(title: String, body: String, dek: String? = nil, byline: String? = nil) -> String {
    var parts = [title]
    if let dek { parts.append(dek) }
    if let byline { parts.append("By \(byline)") }
    parts.append(body)
    return parts.joined(separator: "\n\n") + "\n"
}
