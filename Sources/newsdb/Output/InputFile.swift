import Foundation

/// Reading a file named on the command line ('-' for standard input).
enum InputFile {
    /// The bytes of `path`.
    /// - Throws: `CLIError` naming the file when it cannot be read.
    static func data(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw CLIError(message: "cannot read \(path): \(reason)")
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
