import Foundation
import Testing

/// Runs the examples of the README and docs/ (see ``DocExamples``) and compares what they print with what the pages
/// show (see ``ExampleMatcher``), so that the documentation cannot drift from the program.
///
/// Each page runs in a fresh scratch folder holding links to the repository's `samples` and `migrations`, with `$NEWSDB_DB` set to
/// `db.sqlite` there, `newsdb` on the `PATH`, and standard error joined to standard output in the order printed.
/// A `$ cat FILE` example whose FILE is not there writes the output the page shows to FILE first: that is how a page
/// provides the files its later examples use.
@Suite(.serialized) struct DocExamplesTests {
    static let pages = [
        "README.md", "docs/ANNOTATIONS.md", "docs/IMPORT.md", "docs/JSON.md", "docs/MIGRATIONS.md", "docs/SYNC.md",
    ]

    @Test("The examples of each page print what the page shows", arguments: pages)
    func examples(page: String) async throws {
        let scratch = try TemporaryDirectory()
        for folder in ["samples", "migrations"] {
            try FileManager.default.createSymbolicLink(
                atPath: scratch.path(folder), withDestinationPath: repositoryRoot.appending(path: folder).path)
        }
        var matcher = ExampleMatcher()
        try await run(page, in: scratch, &matcher, checked: true)
    }

    @Test("A page that disagrees with its run fails: the comparison can fail")
    func mismatchFails() {
        var matcher = ExampleMatcher()
        #expect(
            matcher.compare(
                expected: ["annotated 9798e433 on article 23da9de7"], actual: ["annotated 0123abcd on article 23da9de7"]
            ) == nil)
        #expect(
            matcher.translated("newsdb annotations edit 9798 --color blue", command: true)
                == "newsdb annotations edit 0123abcd --color blue")
        #expect(matcher.compare(expected: ["imported 9, unchanged 0"], actual: ["imported 8, unchanged 0"]) != nil)
        #expect(matcher.compare(expected: ["deleted 9798e433"], actual: ["deleted 4567abcd"]) != nil)
        #expect(matcher.compare(expected: ["a", "…", "d"], actual: ["a", "b", "c", "d"]) == nil)
        #expect(
            matcher.compare(
                expected: ["size 143 KB at 2026-11-21T09:50:49Z"], actual: ["size 1.2 MB at 2027-01-02T03:04:05Z"])
                == nil)
    }

    /// Runs `page`'s examples after those of the pages it continues; only `page`'s own output is checked when
    /// `checked`, since the others have their own test.
    /// With `NEWSDB_UPDATE_DOCS=1`, the examples whose output differs are rewritten in the page with what the run
    /// printed (the page's ids kept, the scratch folder shown as `/tmp/docs`), for a person to review with `git diff`.
    static let updating = ProcessInfo.processInfo.environment["NEWSDB_UPDATE_DOCS"] == "1"

    private func run(
        _ page: String, in scratch: TemporaryDirectory, _ matcher: inout ExampleMatcher, checked: Bool
    ) async throws {
        let examples = try DocExamples(page: page)
        var rewrites: [(lines: Range<Int>, with: [String])] = []
        defer {
            if checked && Self.updating && !rewrites.isEmpty {
                var rewritten = examples.lines
                for rewrite in rewrites.reversed() { rewritten.replaceSubrange(rewrite.lines, with: rewrite.with) }
                let text = rewritten.joined(separator: "\n")
                #expect(throws: Never.self) { try Data(text.utf8).write(to: repositoryRoot.appending(path: page)) }
            }
        }
        for earlier in examples.after { try await run(earlier, in: scratch, &matcher, checked: false) }
        for command in examples.setup {
            let result = try await shell(command, in: scratch)
            #expect(result.status == 0, "\(page): setup `\(command)` failed: \(result.output)")
        }
        for example in examples.examples {
            let command = matcher.translated(example.command, command: true)
            if let file = Self.catTarget(command), !FileManager.default.fileExists(atPath: scratch.path(file)) {
                try scratch.write(file, example.output.map { matcher.translated($0) }.joined(separator: "\n") + "\n")
            }
            let result = try await shell(command, in: scratch)
            var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.last?.isEmpty == true { lines.removeLast() }
            let difference = matcher.compare(expected: example.output, actual: lines)
            if checked && Self.updating && difference != nil {
                let shown = lines.map {
                    matcher.untranslated($0.replacingOccurrences(of: scratch.url.path, with: "/tmp/docs"))
                }
                rewrites.append((example.outputLines, shown))
            }
            if checked {
                #expect(
                    difference == nil,
                    "\(example.place): `\(example.command)`: \(difference ?? "")\n--- the run printed:\n\(lines.joined(separator: "\n"))"
                )
            }
        }
    }

    private static func catTarget(_ command: String) -> String? {
        let words = command.split(separator: " ")
        guard words.count == 2, words[0] == "cat" else { return nil }
        return String(words[1])
    }

    /// Runs `command` without holding a thread while it runs (the tests on the server time their answers), its
    /// output going to a file outside the scratch folder.
    private func shell(_ command: String, in scratch: TemporaryDirectory) async throws -> (
        status: Int32, output: String
    ) {
        let outputs = try TemporaryDirectory()
        let path = outputs.path("output")
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CLIRunnerFailure("cannot create \(path)")
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = Process()
        // stdbuf makes newsdb's standard output line-buffered, so its lines and its notices on standard error come
        // in the order printed, as on a terminal.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["stdbuf", "-oL", "/bin/sh", "-c", "exec 2>&1; " + command]
        process.currentDirectoryURL = scratch.url
        var environment = ProcessInfo.processInfo.environment
        environment["NEWSDB_DB"] = scratch.path("db.sqlite")
        environment["PATH"] =
            CLIRunner.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for key in ["NO_COLOR", "NEWSDB_LOG", "XDG_DATA_HOME"] { environment.removeValue(forKey: key) }
        process.environment = environment
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try output.close()
        return (status, String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
    }
}
