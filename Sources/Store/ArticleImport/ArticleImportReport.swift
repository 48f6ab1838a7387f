import Foundation

/// What importing did to one article.
public enum ArticleImportStatus: String, Sendable, Codable {
    /// A new article was stored.
    case imported
    /// The article was already stored with the same content; nothing changed.
    case unchanged
    /// The article was stored with different details (dek, byline, source, URL, date) and now holds the imported ones.
    case updated
    /// The article's text changed: the imported text is a new revision, the old one is kept, and the article's
    /// annotations were re-anchored on the new text.
    case revised
}

/// One article an import handled.
public struct ImportedArticle: Sendable, Equatable, Codable {
    /// The article id.
    public let id: String
    /// The headline.
    public let title: String
    /// What the import did.
    public let status: ArticleImportStatus
    /// The file it came from (`-` for standard input).
    public let file: String
}

/// A file an import skipped, and why.
public struct SkippedFile: Sendable, Equatable, Codable {
    /// The path as given or found (`-` for standard input).
    public let path: String
    /// One line saying what is wrong with it.
    public let reason: String

    /// Creates a skipped-file entry.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// The outcome of an import: every article handled and every file skipped.
public struct ArticleImportReport: Sendable, Equatable, Codable {
    /// The articles, in the order they were read.
    public internal(set) var articles: [ImportedArticle] = []
    /// The files skipped, in the order they were read.
    public internal(set) var skipped: [SkippedFile] = []

    /// Creates a report.
    public init(articles: [ImportedArticle] = [], skipped: [SkippedFile] = []) {
        self.articles = articles
        self.skipped = skipped
    }

    /// How many articles were new.
    public var importedCount: Int { articles.count { $0.status == .imported } }
    /// How many articles were already stored as they are.
    public var unchangedCount: Int { articles.count { $0.status == .unchanged } }
    /// How many stored articles had their details changed.
    public var updatedCount: Int { articles.count { $0.status == .updated } }
    /// How many stored articles got a new revision of their text.
    public var revisedCount: Int { articles.count { $0.status == .revised } }
}

/// How far an import has got, for progress bars.
public struct ArticleImportProgress: Sendable {
    /// Files finished (stored or skipped).
    public let filesDone: Int
    /// Files to read in all.
    public let filesTotal: Int
}

/// Something to import: a file or folder path, or bytes already read (standard input).
public enum ArticleInput: Sendable {
    /// A file, or a folder searched recursively for article files.
    case path(String)
    /// Bytes read elsewhere, named for messages (`-` for standard input).
    case data(Data, name: String)
}
