import Foundation
import Synchronization

/// One input to read articles from, and the rules for finding and decoding such inputs.
struct ArticleFile: Sendable {
    /// The extensions newsdb reads when it searches a folder (case-insensitive).
    static let folderExtensions: Set<String> = ["txt", "text", "md", "json", "jsonl", "ndjson"]
    private static let listedExtensions = ".txt, .text, .md, .json, .jsonl, .ndjson"
    private static let jsonLinesExtensions: Set<String> = ["jsonl", "ndjson"]

    /// The path or name shown in messages.
    let name: String
    /// The file's bytes, when they came from somewhere other than a path.
    let data: Data?

    /// Expands inputs into files: folders recursively (article extensions only, hidden entries skipped,
    /// in name order), files as given.
    /// - Returns: The files, and the inputs that could not be used (missing paths, folders with no articles).
    static func expand(_ inputs: [ImportInput]) -> (files: [ArticleFile], skipped: [SkippedFile]) {
        var files: [ArticleFile] = []
        var skipped: [SkippedFile] = []
        let manager = FileManager.default
        for input in inputs {
            switch input {
            case .data(let data, let name):
                files.append(ArticleFile(name: name, data: data))
            case .path(let path):
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
                    skipped.append(SkippedFile(path: path, reason: "no such file or folder"))
                    continue
                }
                guard isFolder.boolValue else {
                    files.append(ArticleFile(name: path, data: nil))
                    continue
                }
                let (found, unreadable) = articleFiles(in: path)
                skipped += unreadable
                if found.isEmpty && unreadable.isEmpty {
                    skipped.append(SkippedFile(path: path, reason: "no article files (\(listedExtensions)) in this folder"))
                }
                files += found.map { ArticleFile(name: $0, data: nil) }
            }
        }
        return (files, skipped)
    }

    /// The article files under `folder`, and the entries that could not be read (reported, never silently dropped).
    private static func articleFiles(in folder: String) -> (paths: [String], unreadable: [SkippedFile]) {
        let unreadable = Mutex<[SkippedFile]>([])
        guard let enumerator = FileManager.default.enumerator(
            at: URL(fileURLWithPath: folder), includingPropertiesForKeys: [.isRegularFileKey],
            options: [.skipsHiddenFiles],
            errorHandler: { url, error in
                unreadable.withLock {
                    $0.append(SkippedFile(path: url.path, reason: "cannot read it: \(StoreError.describe(error))"))
                }
                return true
            })
        else { return ([], [SkippedFile(path: folder, reason: "cannot read this folder")]) }
        var paths: [String] = []
        for case let url as URL in enumerator where folderExtensions.contains(url.pathExtension.lowercased()) {
            let isFile: Bool
            do {
                isFile = try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile ?? false
            } catch {
                unreadable.withLock {
                    $0.append(SkippedFile(path: url.path, reason: "cannot read it: \(StoreError.describe(error))"))
                }
                continue
            }
            if isFile { paths.append(url.path) }
        }
        return (paths.sorted(), unreadable.withLock { $0 })
    }

    /// Reads and parses the file's articles.
    /// - Parameter source: The publication to record when the file names none.
    /// - Throws: `StoreError` with a reason fit for a `SkippedFile` (not valid UTF-8, empty, no body, bad JSON).
    func read(source: String?) throws -> [ArticleDraft] {
        let bytes = try data ?? load()
        var text = try bytes.withUnsafeBytes { raw -> String in
            let buffer = raw.bindMemory(to: UInt8.self)
            guard memchr(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, 0, raw.count) == nil else {
                throw StoreError(.invalidInput, "contains NUL bytes; it is not a text file")
            }
            guard let text = String(validating: buffer, as: UTF8.self) else {
                throw StoreError(.invalidInput, "not valid UTF-8; convert it first (for example with iconv)")
            }
            return text
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.contains(where: { !$0.isWhitespace }) else { throw StoreError(.invalidInput, "the file is empty") }

        var drafts: [ArticleDraft]
        let fileExtension = URL(fileURLWithPath: name).pathExtension.lowercased()
        if Self.jsonLinesExtensions.contains(fileExtension) {
            drafts = try JSONArticle.parse(Data(text.utf8), lines: true)
        } else if fileExtension == "json" || (!["txt", "text", "md"].contains(fileExtension) && Self.looksLikeJSON(text)) {
            drafts = try JSONArticle.parse(Data(text.utf8), lines: false)
        } else {
            drafts = [try PlainTextArticle.parse(text)]
        }
        if let source {
            for index in drafts.indices where drafts[index].source == nil {
                drafts[index].source = source
            }
        }
        return drafts
    }

    private func load() throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: name), options: .mappedIfSafe)
        } catch {
            throw StoreError(.io, "cannot read it: \(StoreError.describe(error))", underlying: error)
        }
    }

    private static func looksLikeJSON(_ text: String) -> Bool {
        guard let first = text.first(where: { !$0.isWhitespace }) else { return false }
        return first == "{" || first == "["
    }
}
