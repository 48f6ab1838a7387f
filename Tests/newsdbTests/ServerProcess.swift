import Foundation
import Synchronization

/// `newsdb serve` (or `newsdb web`) running as its own process on a loopback port, with its stderr (the request log)
/// collected.
final class ServerProcess: Sendable {
    let port: Int
    private let process: Process
    private let log: CollectedText

    /// Starts `newsdb COMMAND` (`serve` or `web`) on `database`, on a free port (never one it listened on before),
    /// with `extra` added to its environment, and waits until it listens.
    init(
        database: String, command: String = "serve", arguments: [String] = [], environment extra: [String: String] = [:]
    ) throws {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = [command, "--port", "0"] + arguments
        var environment = CLIRunner.baseEnvironment
        environment["NEWSDB_DB"] = database
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let log = CollectedText()
        errors.fileHandleForReading.readabilityHandler = { handle in
            log.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
        self.process = process
        self.log = log
        var found: Int?
        let deadline = Date().addingTimeInterval(20)
        while found == nil && Date() < deadline && process.isRunning {
            found = log.value.range(of: #" http://127\.0\.0\.1:(\d+)"#, options: .regularExpression).flatMap {
                Int(log.value[$0].split(separator: ":").last ?? "")
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            process.terminate()
            throw ServerStartFailure(log: log.value)
        }
        self.port = found
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// What the server printed so far.
    var stderr: String { log.value }

    /// Waits until the log holds `count` lines containing `text`.
    func waitFor(_ count: Int, linesContaining text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.split(separator: "\n").filter({ $0.contains(text) }).count >= count { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// Sends `signal` and waits for the process to end; returns its status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits until the server ends by itself (a fault point killed it, say); returns whether a signal ended it, and
    /// which.
    func waitUntilExit() -> (signaled: Bool, status: Int32) {
        process.waitUntilExit()
        return (process.terminationReason == .uncaughtSignal, process.terminationStatus)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Text appended from one thread and read from another.
final class CollectedText: Sendable {
    private let text = Mutex("")

    func append(_ more: String) { text.withLock { $0 += more } }

    var value: String { text.withLock { $0 } }
}

struct ServerStartFailure: Error, CustomStringConvertible {
    let log: String
    var description: String { "newsdb serve did not start: \(log)" }
}

/// A command started in the background, to be waited for or killed.
final class BackgroundCommand {
    private let process = Process()
    private let out = Pipe()
    private let err = Pipe()

    init(_ runner: CLIRunner, _ arguments: [String]) throws {
        process.executableURL = CLIRunner.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NEWSDB_DB"] = runner.database
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    func kill(_ signal: Int32 = SIGKILL) {
        Foundation.kill(process.processIdentifier, signal)
    }

    var isRunning: Bool { process.isRunning }

    func wait() -> CLIRunner.Output {
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
