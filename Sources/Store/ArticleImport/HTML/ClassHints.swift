/// What the words in an element's `class` and `id` say about it: reader views' lists of words that mark a story's
/// blocks, and those that mark the furniture around it (Mozilla Readability's, with news sites' usual additions).
enum ClassHints {
    /// Words of the story's blocks.
    static let positive = [
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story",
    ]
    /// Words of the blocks around the story, which lower a block's score.
    static let negative = [
        "-ad-", "advert", "banner", "combx", "comment", "com-", "contact", "foot", "footer", "footnote", "masthead",
        "media", "menu", "meta", "most-read", "nav", "newsletter", "outbrain", "promo", "related", "scroll", "share",
        "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "shopping", "subscribe", "tags", "tool", "widget",
    ]
    /// Words of blocks removed before the story is looked for, unless a word of ``maybe`` is there too.
    static let unlikely = [
        "-ad-", "ad-break", "advert", "agegate", "ai2html", "banner", "breadcrumb", "combx", "comment", "community",
        "cookie", "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "most-read",
        "newsletter", "pager", "pagination", "popup", "promo", "related", "remark", "replies", "rss", "share",
        "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "subscribe", "supplemental", "widget", "yom-remote",
    ]
    /// Words that keep a block an ``unlikely`` word would remove.
    static let maybe = ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"]
    /// Words of an element holding the byline.
    static let byline = ["byline", "author", "dateline", "writtenby", "p-author"]

    /// Whether `value` (a class or id) holds one of `words`, case ignored; a class word starting `ad-` counts as
    /// `-ad-`.
    static func matches(_ value: String, _ words: [String]) -> Bool {
        guard !value.isEmpty else { return false }
        let lowered = Array(value.lowercased().utf8)
        if words.contains(where: { contains(lowered, $0.utf8) }) { return true }
        return words.contains("-ad-") && lowered.split(separator: 0x20).contains { $0.starts(with: "ad-".utf8) }
    }

    /// Whether `word`'s bytes occur in `text`'s (the words are short; Foundation's search is far slower here).
    private static func contains(_ text: [UInt8], _ word: String.UTF8View) -> Bool {
        guard let first = word.first, word.count <= text.count else { return word.isEmpty }
        for start in 0...(text.count - word.count) where text[start] == first {
            if text[start...].starts(with: word) { return true }
        }
        return false
    }
}
