import ArgumentParser
import Foundation

/// Reading a file named on the command line ('-' for standard input).
enum InputFile {
    /// The bytes of `path`.
    /// - Throws: `CLIError` naming the file when it cannot be read.
    static func data(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            // A file that is not there is a mistake in the command line (exit 64), as `sync import` says in its
            // validate(); one that cannot be read is a failure.
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no such file: \(path)") }
            throw CLIError(message: "cannot read \(path): permission denied")
        }
        do {
            // Read through a handle, not Data(contentsOf:), so pipes and FIFOs (`--from <(…)`) work too.
            return try handle.readToEnd() ?? Data()
        } catch {
            throw CLIError(message: "cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }

    /// The non-empty lines of `path`, trimmed.
    static func lines(_ path: String) throws -> [String] {
        String(decoding: try data(path), as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
