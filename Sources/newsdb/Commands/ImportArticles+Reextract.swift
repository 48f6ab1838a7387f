import ArgumentParser
import Store

extension Import {
    /// `newsdb import --reextract [ARTICLE]`: the articles extracted again from their kept pages.
    func runReextract() throws {
        let report = try global.open().reextractArticles(paths.first)
        for skipped in report.skipped {
            Terminal.printNotice("skipped article \(skipped.path.prefix(8)): \(skipped.reason)")
        }
        if output.json {
            try JSONOutput.print(ReextractJSON(report))
        } else {
            // What changed is always listed; what did not, with --verbose.
            for article in report.articles where verbose || article.status != .unchanged { Self.printLine(article) }
            let counts = ArticleImportReport(articles: report.articles)
            var summary = "re-extracted \(report.articles.count), unchanged \(counts.unchangedCount)"
            if counts.updatedCount > 0 { summary += ", updated \(counts.updatedCount)" }
            if counts.revisedCount > 0 { summary += ", revised \(counts.revisedCount)" }
            summary += ", skipped \(report.skipped.count)"
            if !report.withoutPage.isEmpty {
                let articles = report.withoutPage.count == 1 ? "article has" : "articles have"
                summary += "; \(report.withoutPage.count) \(articles) no kept page"
            }
            print(summary)
        }
        if !report.skipped.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}

/// `newsdb import --reextract --json`: the counts, every article, the skipped ones and those without a kept page.
private struct ReextractJSON: Encodable {
    let reextracted: Int
    let unchanged: Int
    let updated: Int
    let revised: Int
    let skipped: Int
    let articles: [ImportedArticle]
    let skippedArticles: [SkippedArticle]
    let withoutPage: [String]

    struct SkippedArticle: Encodable {
        let id: String
        let reason: String
    }

    init(_ report: ReextractReport) {
        let counts = ArticleImportReport(articles: report.articles)
        reextracted = report.articles.count
        (unchanged, updated, revised) = (counts.unchangedCount, counts.updatedCount, counts.revisedCount)
        skipped = report.skipped.count
        articles = report.articles
        skippedArticles = report.skipped.map { SkippedArticle(id: $0.path, reason: $0.reason) }
        withoutPage = report.withoutPage
    }
}
