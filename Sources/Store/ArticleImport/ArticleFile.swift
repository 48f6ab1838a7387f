import Foundation

/// One input to read articles from, and the rules for finding and decoding such inputs.
struct ArticleFile: Sendable {
    /// The extensions newsdb reads when it searches a folder (case-insensitive).
    static let folderExtensions: Set<String> = [
        "txt", "text", "md", "json", "jsonl", "ndjson", "html", "htm", "rss", "atom",
    ]
    private static let listedExtensions = ".txt, .text, .md, .json, .jsonl, .ndjson, .html, .htm, .rss, .atom"
    private static let htmlExtensions: Set<String> = ["html", "htm"]
    private static let feedExtensions: Set<String> = ["rss", "atom", "xml"]

    /// A file's articles, each with the page it was read from (to keep), and what of the file was not imported
    /// (a feed's items with only a summary): reported, while the rest of the file imports.
    struct Articles: Sendable {
        var articles: [(draft: ArticleDraft, page: Data?)] = []
        var skipped: [SkippedFile] = []
    }
    private static let jsonLinesExtensions: Set<String> = ["jsonl", "ndjson"]

    /// The path or name shown in messages.
    let name: String
    /// The file's bytes, when they came from somewhere other than a path.
    let data: Data?

    /// Expands inputs into files: folders recursively (article extensions, and other files that are HTML by their
    /// content; hidden entries skipped; in name order), files as given.
    /// - Returns: The files, and the inputs that could not be used (missing paths, folders with no articles).
    static func expand(_ inputs: [ArticleInput]) -> (files: [ArticleFile], skipped: [SkippedFile]) {
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
                    skipped.append(
                        SkippedFile(path: path, reason: "no article files (\(listedExtensions)) in this folder"))
                }
                files += found.map { ArticleFile(name: $0, data: nil) }
            }
        }
        return (files, skipped)
    }

    /// The article files under `folder`, in name order, and the entries that could not be read (reported, never
    /// silently dropped). Hidden entries are skipped; links to files are followed, links to folders are not (no loops).
    private static func articleFiles(in folder: String) -> (paths: [String], unreadable: [SkippedFile]) {
        var paths: [String] = []
        var unreadable: [SkippedFile] = []
        walk(folder, into: &paths, unreadable: &unreadable)
        return (paths.sorted(), unreadable)
    }

    private static func walk(_ folder: String, into paths: inout [String], unreadable: inout [SkippedFile]) {
        guard let directory = opendir(folder) else {
            unreadable.append(
                SkippedFile(path: folder, reason: "cannot read this folder: \(String(cString: strerror(errno)))"))
            return
        }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var kind = Int32(entry.pointee.d_type)
            if kind == Int32(DT_UNKNOWN) || kind == Int32(DT_LNK) {
                var info = stat()
                guard stat(path, &info) == 0 else {
                    unreadable.append(
                        SkippedFile(path: path, reason: "cannot read it: \(String(cString: strerror(errno)))"))
                    continue
                }
                let format = info.st_mode & S_IFMT
                if format == S_IFREG {
                    kind = Int32(DT_REG)
                } else if format == S_IFDIR && kind == Int32(DT_UNKNOWN) {
                    kind = Int32(DT_DIR)
                }
            }
            if kind == Int32(DT_DIR) {
                walk(path, into: &paths, unreadable: &unreadable)
            } else if kind == Int32(DT_REG) {
                let dot = name.lastIndex(of: ".")
                if let dot, folderExtensions.contains(name[name.index(after: dot)...].lowercased()) {
                    paths.append(path)
                    continue
                }
                // Pages and feeds saved without an extension (or with another one, .xml) are read when their start
                // says HTML or a feed.
                switch startOfFile(path) {
                case .success(let head):
                    if Self.looksLikeHTML(head) || FeedArticles.looksLikeFeed(head) { paths.append(path) }
                case .failure(let error): unreadable.append(SkippedFile(path: path, reason: error.message))
                }
            }
        }
    }

    /// The first 1,024 bytes of the file at `path`, enough to tell HTML by.
    private static func startOfFile(_ path: String) -> Result<Data, StoreError> {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .failure(StoreError(.io, "cannot read it: \(String(cString: strerror(errno)))"))
        }
        defer { handle.closeFile() }
        do {
            return .success(try handle.read(upToCount: 1024) ?? Data())
        } catch {
            return .failure(StoreError(.io, "cannot read it: \(StoreError.describe(error))", underlying: error))
        }
    }

    /// Whether `bytes` start, after a byte order mark and white space, with `<!doctype html` or `<html` (case
    /// ignored).
    static func looksLikeHTML(_ bytes: Data) -> Bool {
        var head = bytes.prefix(1024)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head = head.dropFirst(3) }
        let start = head.drop { TextScanning.isSpace($0) }.prefix(14).map { $0 | 0x20 }
        return start.starts(with: Array("<!doctype html".utf8)) || start.starts(with: Array("<html".utf8))
    }

    /// Reads and parses the file's articles.
    /// - Parameter source: The publication to record when the file names none.
    /// - Throws: `StoreError` with a reason fit for a `SkippedFile` (not valid UTF-8, empty, no body, bad JSON).
    func read(source: String?, raw: Bool = false) throws -> [ArticleDraft] {
        try readArticles(source: source, raw: raw).articles.map(\.draft)
    }

    /// Reads and parses the file's articles, each with the page it was extracted from (a web page's bytes as they
    /// are in the file, or the page made of a feed's item), to keep.
    /// - Parameter raw: Whether a plain-text file's body is kept as it is, furniture and all (`import --raw`).
    /// - Throws: `StoreError` with a reason fit for a `SkippedFile`.
    func readArticles(source: String?, raw: Bool = false) throws -> Articles {
        let bytes = try data ?? load()
        let fileExtension = URL(fileURLWithPath: name).pathExtension.lowercased()
        let plain = ["txt", "text", "md"].contains(fileExtension)
        let known = plain || Self.jsonLinesExtensions.contains(fileExtension) || fileExtension == "json"
        if Self.htmlExtensions.contains(fileExtension) || (!known && Self.looksLikeHTML(bytes)) {
            var draft = try Self.pageArticle(bytes)
            if draft.source == nil { draft.source = source }
            return Articles(articles: [(draft, bytes)])
        }
        if Self.feedExtensions.contains(fileExtension) || (!known && FeedArticles.looksLikeFeed(bytes)) {
            var feed = try FeedArticles.read(bytes, name: name)
            for index in feed.articles.indices where feed.articles[index].draft.source == nil {
                feed.articles[index].draft.source = source
            }
            return feed
        }
        // A plain-text file is one article: one too large to be an article is refused before it is read.
        if plain && bytes.count > ArticleDraft.maxBodyBytes {
            throw Self.tooLarge(bytes.count, what: "it")
        }
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
        if Self.jsonLinesExtensions.contains(fileExtension) {
            drafts = try JSONArticle.parse(Data(text.utf8), lines: true)
        } else if fileExtension == "json" || (!plain && Self.looksLikeJSON(text)) {
            drafts = try JSONArticle.parse(Data(text.utf8), lines: false)
        } else {
            drafts = [try PlainTextArticle.parse(text, removingFurniture: !raw)]
        }
        for (index, draft) in drafts.enumerated() where draft.body.utf8.count > ArticleDraft.maxBodyBytes {
            throw Self.tooLarge(
                draft.body.utf8.count, what: drafts.count == 1 ? "its body" : "the body of article \(index + 1)")
        }
        if let source {
            for index in drafts.indices where drafts[index].source == nil {
                drafts[index].source = source
            }
        }
        return Articles(articles: drafts.map { ($0, nil) })
    }

    /// The article in a web page's bytes, as an `.html` file is read (and read again by `import --reextract`).
    /// - Throws: `StoreError` `.invalidInput` with the reason the page is skipped.
    static func pageArticle(_ bytes: Data) throws -> ArticleDraft {
        let draft = try HTMLArticle.parse(bytes)
        if draft.body.utf8.count > ArticleDraft.maxBodyBytes {
            throw Self.tooLarge(draft.body.utf8.count, what: "its body")
        }
        return draft
    }

    private static func tooLarge(_ bytes: Int, what: String) -> StoreError {
        let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
        return StoreError(
            .invalidInput,
            "\(what) is \(size), more than an article can be (\(ArticleDraft.maxBodyBytes >> 20) MiB); is it an article?"
        )
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
