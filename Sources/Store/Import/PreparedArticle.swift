/// An article ready to store: the draft with its id, content digest and word count worked out, so that this
/// work is done while reading files rather than inside the write transaction.
struct PreparedArticle: Sendable {
    let draft: ArticleDraft
    let id: String
    let contentHash: String
    let wordCount: Int

    init(_ draft: ArticleDraft) {
        self.draft = draft
        id = draft.id
        contentHash = draft.contentHash
        wordCount = draft.wordCount
    }
}

/// One file's outcome from the reading stage of an import: its articles, or why it is skipped.
struct ParsedFile: Sendable {
    let file: ArticleFile
    let articles: Result<[PreparedArticle], StoreError>

    init(_ file: ArticleFile, source: String?) {
        self.file = file
        do {
            articles = .success(try file.read(source: source).map(PreparedArticle.init))
        } catch let error as StoreError {
            articles = .failure(error)
        } catch {
            articles = .failure(StoreError(.io, StoreError.describe(error), underlying: error))
        }
    }
}
