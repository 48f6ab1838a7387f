import Foundation
@_exported import TestSupport

/// Runs the real `newsdb` binary, built beside the test bundle, and captures what it prints.
struct CLIRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    static let binary: URL = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent(), Bundle.main.bundleURL] {
            let url = candidate.appending(path: "newsdb")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appending(path: ".build/debug/newsdb")
    }()

    let database: String

    /// Runs `newsdb` with `arguments` against this runner's database (through `$NEWSDB_DB`), in `directory` if given.
    func run(
        _ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:], directory: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["NEWSDB_DB"] = database
        environment.removeValue(forKey: "NO_COLOR")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func run(_ arguments: String...) throws -> Output { try run(arguments) }
}

let samplesFolder = repositoryRoot.appending(path: "samples/articles").path

/// The bytes of a database file and its log, to prove a failed command changed nothing.
func databaseBytes(_ path: String) -> [Data?] {
    ["", "-wal", "-journal"].map { FileManager.default.contents(atPath: path + $0) }
}

/// Two teammates on the command line: Alice holds the sample articles, Bob nothing yet; and the id prefix of the
/// port strike article.
struct Teammates {
    let scratch: TemporaryDirectory
    let alice: CLIRunner
    let bob: CLIRunner
    let strike: String

    init() throws {
        scratch = try TemporaryDirectory()
        alice = CLIRunner(database: scratch.path("alice.sqlite"))
        bob = CLIRunner(database: scratch.path("bob.sqlite"))
        _ = try alice.run("init", "--name", "alice")
        _ = try bob.run("init", "--name", "bob")
        _ = try alice.run("import", samplesFolder)
        let hits = try JSONSerialization.jsonObject(with: Data(try alice.run("search", "--json", "dockworkers").stdout.utf8))
        guard let id = (hits as? [[String: Any]])?.first?["id"] as? String else {
            throw CLIRunnerFailure("the sample articles lack the port strike")
        }
        strike = String(id.prefix(10))
    }
}

struct CLIRunnerFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
