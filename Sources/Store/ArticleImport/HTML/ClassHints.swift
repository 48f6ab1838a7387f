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

    /// Whether `value` (a class or id) holds one of `words`, ASCII case ignored; a class word starting `ad-` counts
    /// as `-ad-`. Compared on the UTF-8 bytes, without a lowercased copy: it is asked of every element of a page.
    static func matches(_ value: String, _ words: [String]) -> Bool {
        guard !value.isEmpty else { return false }
        var value = value
        return value.withUTF8 { text in
            for word in words where contains(text, word) { return true }
            guard words.contains("-ad-") else { return false }
            var start = 0
            while start + 3 <= text.count {
                if (start == 0 || text[start - 1] == 0x20) && lowered(text[start]) == 0x61
                    && lowered(text[start + 1]) == 0x64 && text[start + 2] == 0x2D
                {
                    return true
                }
                start += 1
            }
            return false
        }
    }

    /// `byte` in lower case, when it is an ASCII capital.
    private static func lowered(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// Whether `word` (lowercase ASCII) occurs in `text`, case ignored.
    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ word: String) -> Bool {
        var word = word
        return word.withUTF8 { needle in
            guard let first = needle.first, needle.count <= text.count else { return needle.isEmpty }
            var start = 0
            let last = text.count - needle.count
            while start <= last {
                if lowered(text[start]) == first {
                    var matched = 1
                    while matched < needle.count && lowered(text[start + matched]) == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
