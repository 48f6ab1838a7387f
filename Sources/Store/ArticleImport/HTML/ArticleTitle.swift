/// An article's title without the site's name that pages put before or after it (`Harbour vote delayed - BBC News`,
/// `The Guardian | Harbour vote delayed`).
enum ArticleTitle {
    /// The separators between a title and a site name, with the spaces around them.
    private static let separators = [" | ", " - ", " – ", " — ", " :: ", " · ", " / ", " » ", " • "]
    /// The fewest words a title keeps when a part is cut without matching the site name.
    private static let substantialWords = 4

    /// `title` without a part naming the site.
    ///
    /// A part before the first or after the last separator is cut when it is the site name (case and white space
    /// ignored). In a document's `<title>`, a short last part (at most 4 words) is cut as well when at least 4
    /// words are left: `<title>` carries the site's name far more often than the article's own metadata does.
    static func clean(_ title: String, siteName: String?, fromDocumentTitle: Bool) -> String {
        let title = HTMLText.collapsingWhitespace(title)
        let site = siteName.map(normalized)
        for separator in separators {
            guard let last = title.range(of: separator, options: .backwards),
                let first = title.range(of: separator)
            else { continue }
            let after = String(title[last.upperBound...])
            let before = String(title[..<first.lowerBound])
            if let site, normalized(after) == site { return String(title[..<last.lowerBound]) }
            if let site, normalized(before) == site { return String(title[first.upperBound...]) }
            if fromDocumentTitle {
                let kept = String(title[..<last.lowerBound])
                if words(after) <= substantialWords, words(kept) >= substantialWords { return kept }
            }
        }
        return title
    }

    private static func normalized(_ text: String) -> String {
        HTMLText.collapsingWhitespace(text).lowercased()
    }

    private static func words(_ text: String) -> Int {
        text.split(separator: " ").count
    }
}
