import Foundation
import Synchronization
@_exported import TestSupport

/// Runs the real `newsdb` binary, built beside the test bundle, and captures what it prints.
struct CLIRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        /// Whether a signal ended the process (`status` is then the signal's number).
        var signaled = false

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

    /// What every command runs with: the caller's locale, paths and terminal type, and nothing that changes what
    /// newsdb prints (`NEWSDB_LOG`, `NO_COLOR`, `NEWSDB_DB` …), so that exact-output checks hold in any shell.
    static let baseEnvironment: [String: String] = {
        let kept: Set = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "USER", "TERM"]
        return ProcessInfo.processInfo.environment.filter { kept.contains($0.key) }
    }()

    /// Runs `newsdb` with `arguments` against this runner's database (through `$NEWSDB_DB`), in `directory` if given.
    func run(
        _ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:], directory: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = Self.baseEnvironment
        environment["NEWSDB_DB"] = database
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Both pipes are read at once: a command that fills one (64 KiB) while the other is read would never end.
        let stderrData = ReadData()
        let readingStderr = DispatchSemaphore(value: 0)
        // A thread of its own: a blocked read must not hold one of the few threads the tests' servers run on.
        Thread.detachNewThread {
            stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
            readingStderr.signal()
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        readingStderr.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.get(), as: UTF8.self),
            signaled: process.terminationReason == .uncaughtSignal)
    }

    func run(_ arguments: String...) throws -> Output { try run(arguments) }
}

/// What a reading thread hands back.
final class ReadData: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func get() -> Data { data.withLock { $0 } }
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
        let hits = try JSONSerialization.jsonObject(
            with: Data(try alice.run("search", "--json", "dockworkers").stdout.utf8))
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
