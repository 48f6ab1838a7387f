import Foundation
import Testing

/// newsdb never replaces or changes a file it did not create: a device or FIFO given as an output is written
/// through, an existing file keeps its mode, a folder or device given as the database is refused.
@Suite struct FileSafetyTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
        _ = try cli.run("import", samplesFolder)
        let strike = try #require(
            try cli.run("search", "dockworkers").stdout.split(separator: " ").first.map(String.init))
        #expect(try cli.run("annotate", strike, "--quote", "3.2% pay offer", "--note", "private").status == 0)
    }

    /// A node that is not a regular file, made world-writable: a character device like /dev/null (tests run as root,
    /// here and in CI), or a FIFO with a reader draining it where mknod is not allowed.
    private func specialFile(_ name: String) throws -> (path: String, drain: Process?) {
        let path = scratch.path(name)
        if try run(["mknod", path, "c", "1", "3"]) {
            #expect(chmod(path, 0o666) == 0)
            return (path, nil)
        }
        #expect(mkfifo(path, 0o666) == 0)
        #expect(chmod(path, 0o666) == 0)
        let drain = Process()
        drain.executableURL = URL(fileURLWithPath: "/bin/sh")
        drain.arguments = ["-c", "while :; do cat \"$0\" > /dev/null; done", path]
        try drain.run()
        return (path, drain)
    }

    private func run(_ arguments: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    private func info(_ path: String) -> stat {
        var info = stat()
        #expect(stat(path, &info) == 0, "\(path)")
        return info
    }

    @Test("Exports and change files given a device or FIFO write through it: it stays what it was, mode and all")
    func exportsWriteThrough() throws {
        let (node, drain) = try specialFile("null")
        defer { drain?.terminate() }
        let kind = info(node).st_mode & S_IFMT
        for arguments in [
            ["annotations", "export", "--out", node], ["annotations", "export", "--format", "markdown", "--out", node],
            ["sync", "export", "--out", node],
        ] {
            let output = try cli.run(arguments)
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
            #expect(info(node).st_mode & S_IFMT == kind, "\(arguments) replaced the node")
            #expect(info(node).st_mode & 0o777 == 0o666, "\(arguments) changed the node's mode")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(!left.contains { $0.contains(".partial") }, "\(left)")
    }

    @Test("--db naming a device is refused in one line, exit 64, and the device keeps its mode and gets no -wal")
    func databaseOnDevice() throws {
        let (node, drain) = try specialFile("db-node")
        defer { drain?.terminate() }
        let output = try CLIRunner(database: node).run("status")
        #expect(output.status == 64)
        #expect(
            output.stderrLines == [
                "newsdb: \(node) is not a regular file (a device, FIFO or socket); give a database file (see `newsdb --help`)"
            ])
        #expect(info(node).st_mode & 0o777 == 0o666)
        #expect(!FileManager.default.fileExists(atPath: node + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: node + "-shm"))
    }

    @Test("A database whose -wal is a device is refused: newsdb does not write through SQLite's companions either")
    func companionOnDevice() throws {
        let (node, drain) = try specialFile("other.sqlite-wal")
        defer { drain?.terminate() }
        let output = try CLIRunner(database: scratch.path("other.sqlite")).run("status")
        #expect(output.status == 64)
        #expect(
            output.stderrLines == [
                "newsdb: \(node) is not a regular file; newsdb will not write to it (see `newsdb --help`)"
            ])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("other.sqlite")))
    }

    @Test("An existing file given as an export keeps its mode; a new one is owner-only; a link stays a link")
    func existingFilesKeepTheirMode() throws {
        umask(0o022)
        let shared = try scratch.write("shared.md", "old\n")
        #expect(chmod(shared, 0o644) == 0)
        #expect(try cli.run("annotations", "export", "--format", "markdown", "--out", shared).status == 0)
        #expect(info(shared).st_mode & 0o777 == 0o644)
        #expect(try String(contentsOfFile: shared, encoding: .utf8).contains("private"))

        let fresh = scratch.path("fresh.json")
        #expect(try cli.run("sync", "export", "--out", fresh).status == 0)
        #expect(info(fresh).st_mode & 0o777 == 0o600)

        let target = try scratch.write("target.json", "old\n")
        #expect(chmod(target, 0o640) == 0)
        let link = scratch.path("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try cli.run("sync", "export", "--out", link).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(info(target).st_mode & 0o777 == 0o640)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix(#"{"format": "newsdb-changes""#))
    }

    @Test("A folder as --db or --out is one line, exit 64, and nothing is written")
    func folders() throws {
        let folder = scratch.path("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let database = try cli.run("--db", folder, "status")
        #expect(database.status == 64)
        #expect(
            database.stderrLines == [
                "newsdb: \(folder) is a folder; give the path of a database file (see `newsdb --help`)"
            ])
        for arguments in [["annotations", "export", "--out", folder], ["sync", "export", "--out", folder]] {
            let output = try cli.run(arguments)
            #expect(output.status == 64, "\(arguments)")
            #expect(output.stderrLines == ["newsdb: \(folder) is a folder; give a file name (see `newsdb --help`)"])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("--out - is standard output, for annotations export and sync export, and no file named - appears")
    func dashIsStandardOutput() throws {
        let w3c = try cli.run(["annotations", "export", "--out", "-"], directory: scratch.url.path)
        #expect(w3c.status == 0)
        #expect(w3c.stdout.contains("\"AnnotationCollection\""))
        let changes = try cli.run(["sync", "export", "--out", "-"], directory: scratch.url.path)
        #expect(changes.status == 0)
        #expect(changes.stdout.hasPrefix(#"{"format": "newsdb-changes""#))
        #expect(changes.stderrLines.count == 1 && changes.stderr.contains("to standard output"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("-")))
        let json = try cli.run(["sync", "export", "--out", "-", "--json"], directory: scratch.url.path)
        #expect(json.status == 64)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("-")))
    }
}
