import Foundation

/// Reads an article from a saved web page the way reader views do: the character set decoded, the page parsed
/// (libxml2), the furniture left out (``PageCleaning``), the story found (``ContentScoring``) and turned into
/// paragraphs (``HTMLText``), and the title, dek, byline, date, site and URL taken from the page's metadata
/// (``PageMetadata``) or, for the byline, its text (``PrintedByline``).
enum HTMLArticle {
    /// The largest page read (16 MiB): saved pages carry scripts and styles, but no article page is this large.
    static let maximumPageBytes = 16 << 20
    /// The fewest characters of story text a page must have to be an article.
    static let minimumBodyCharacters = 80
    /// Story text (outside links) below which a page is read again with fewer blocks left out.
    static let retryBelowCharacters = 500
    /// The largest share of the story's text that may be link text: more is a list of links, not an article.
    static let maximumLinkDensity = 0.5

    /// The article in a page's bytes, in the character set the page declares (see ``HTMLCharset``).
    /// - Throws: `StoreError` `.invalidInput` with one line saying why the page holds no article or cannot be read.
    static func parse(_ bytes: Data) throws -> ArticleDraft {
        guard bytes.count <= maximumPageBytes else {
            let size = ByteCountFormatter.string(fromByteCount: Int64(bytes.count), countStyle: .file)
            throw StoreError(
                .invalidInput, "it is \(size), more than a web page newsdb reads (16 MiB); is it an article page?")
        }
        return try parse(html: HTMLCharset.decode(bytes))
    }

    /// The article in a page already decoded to text.
    /// - Throws: `StoreError` `.invalidInput` with one line saying why the page holds no article or cannot be read.
    static func parse(html: String) throws -> ArticleDraft {
        var html = html
        let hasNUL = html.withUTF8 { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false }
        guard !hasNUL else {
            throw StoreError(.invalidInput, "contains NUL bytes; it is not a web page")
        }
        guard html.contains(where: { !$0.isWhitespace }) else { throw StoreError(.invalidInput, "the file is empty") }
        return try extract(from: HTMLTree(html: html))
    }

    /// The article in a parsed page.
    /// - Throws: `StoreError` `.invalidInput` when the page holds no article (a login form, an index of links, no
    ///   text) or has no title.
    static func extract(from tree: HTMLTree) throws -> ArticleDraft {
        let metadata = PageMetadata(tree)
        let counts = ContentScoring.TextCounts(tree)
        // Blocks whose class says furniture are left out whatever they hold (a stream of other stories' teasers can
        // hold more prose than the story); when that leaves less than a short story, the page is read again keeping
        // those that hold most of its prose, as Readability reads a page again with fewer rules.
        var removed = PageCleaning.removedNodes(tree, counts: counts, strict: true)
        var scoring = ContentScoring(tree, counts: counts, removed: removed)
        var found = scoring.contentRoots()
        if (found?.reduce(0) { $0 + scoring.proseLength($1) } ?? 0) < retryBelowCharacters {
            removed = PageCleaning.removedNodes(tree, counts: counts, strict: false)
            scoring = ContentScoring(tree, counts: counts, removed: removed)
            found = scoring.contentRoots()
        }
        guard let roots = found else { throw noArticle(tree, scoring: scoring) }
        var paragraphs = HTMLText.paragraphs(
            of: roots, in: tree, removed: removed.union(scoring.furniture(inside: roots)))
        // A page without any title metadata or heading may still open with a short line that is its title (one
        // that does not end like a sentence).
        let opening = paragraphs.first.flatMap {
            $0.count <= 150 && !$0.contains("\n") && !$0.hasSuffix(".") ? $0 : nil
        }
        guard let title = metadata.title ?? opening else {
            throw StoreError(.invalidInput, "no title: the page has no <title>, heading or title metadata")
        }
        // The story's own heading repeats the title.
        if let first = paragraphs.first, same(first, title) { paragraphs.removeFirst() }
        let body = paragraphs.joined(separator: "\n\n")
        let linkText = roots.reduce(0) { $0 + scoring.linkLength[$1] }
        let text = roots.reduce(0) { $0 + scoring.textLength[$1] }
        // At least that many characters, counted no further than that.
        let longEnough = !body.dropFirst(minimumBodyCharacters - 1).isEmpty
        guard longEnough || isShortNote(body, text: text, linkText: linkText, tree, scoring),
            Double(linkText) <= maximumLinkDensity * Double(text)
        else {
            throw noArticle(tree, scoring: scoring)
        }
        var dek = metadata.description
        if let description = dek, let first = paragraphs.first,
            repeats(description, first) || same(description, title)
        {
            dek = nil
        }
        // A byline printed near the story, else anywhere: pages list other articles' authors in their margins.
        let furniture = removed.filter { tree[$0].name != "header" && tree[$0].name != "aside" }
        let byline =
            metadata.byline ?? PrintedByline.find(in: tree, under: max(tree[roots[0]].parent, 0), removed: furniture)
            ?? PrintedByline.find(in: tree, under: 0, removed: furniture)
        return ArticleDraft(
            title: title, dek: dek, byline: byline, source: metadata.siteName, url: metadata.url,
            publishedAt: metadata.publishedAt, language: metadata.language, direction: metadata.direction, body: body)
    }

    /// Whether a story shorter than ``minimumBodyCharacters`` is still the page's article: a short note, at least a
    /// few words, that is all the page says, with no links and no form around it.
    private static func isShortNote(
        _ body: String, text: Int, linkText: Int, _ tree: HTMLTree, _ scoring: ContentScoring
    ) -> Bool {
        linkText == 0 && text == tree.elements("body").reduce(0) { $0 + scoring.textLength[$1] }
            && tree.elements("input").isEmpty
            && body.split(whereSeparator: \.isWhitespace).count >= 4
    }

    /// Why a page without a story has none, as one line.
    private static func noArticle(_ tree: HTMLTree, scoring: ContentScoring) -> StoreError {
        let passwords = tree.elements("input").contains { tree[$0].attributes["type"]?.lowercased() == "password" }
        let reason: String
        if passwords {
            reason = "it is a sign-in form"
        } else if tree.elements("body").allSatisfy({ scoring.textLength[$0] == 0 }) {
            reason = "the page has no text"
        } else if scoring.linkDensity(0) > maximumLinkDensity {
            reason = "the page is mostly links (an index or a list of articles?)"
        } else {
            reason = "the page has too little text outside menus and links"
        }
        return StoreError(.invalidInput, "no article found: \(reason)")
    }

    private static func same(_ a: String, _ b: String) -> Bool {
        HTMLText.collapsingWhitespace(a).lowercased() == HTMLText.collapsingWhitespace(b).lowercased()
    }

    /// Whether a description merely repeats the story's first paragraph, or its start (shortened with an ellipsis).
    private static func repeats(_ description: String, _ paragraph: String) -> Bool {
        var summary = HTMLText.collapsingWhitespace(description).lowercased()
        let start = HTMLText.collapsingWhitespace(paragraph).lowercased()
        for ellipsis in ["...", "…"] where summary.hasSuffix(ellipsis) {
            summary = String(summary.dropLast(ellipsis.count)).trimmingCharacters(in: .whitespaces)
        }
        return !summary.isEmpty && (start.hasPrefix(summary) || summary.hasPrefix(start))
    }
}
