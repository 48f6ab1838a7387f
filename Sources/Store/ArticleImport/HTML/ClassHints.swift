/// What the words in an element's `class` and `id` say about it: reader views' lists of words that mark a story's
/// blocks, and those that mark the furniture around it (Mozilla Readability's, with news sites' usual additions).
enum ClassHints {
    /// Words of the story's blocks.
    static let positive: WordList = [
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination", "post", "text",
        "blog", "story",
    ]
    /// Words of the blocks around the story, which lower a block's score.
    static let negative: WordList = [
        "-ad-", "advert", "banner", "combx", "comment", "com-", "contact", "foot", "footer", "footnote", "masthead",
        "media", "menu", "meta", "most-read", "nav", "newsletter", "outbrain", "promo", "related", "scroll", "share",
        "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "shopping", "subscribe", "tags", "tool", "widget",
    ]
    /// Words of blocks removed before the story is looked for, unless a word of ``maybe`` is there too.
    static let unlikely: WordList = [
        "-ad-", "ad-break", "advert", "agegate", "ai2html", "banner", "breadcrumb", "combx", "comment", "community",
        "cookie", "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "most-read",
        "newsletter", "pager", "pagination", "popup", "promo", "related", "remark", "replies", "rss", "share",
        "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "subscribe", "supplemental", "widget", "yom-remote",
    ]
    /// Words that keep a block an ``unlikely`` word would remove.
    static let maybe: WordList = ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"]
    /// Words of an element holding the byline.
    static let byline: WordList = ["byline", "author", "dateline", "writtenby", "p-author"]

    /// Whether `value` (a class or id) holds one of `words`, ASCII case ignored; a class word starting `ad-` counts
    /// as `-ad-`. Compared on the UTF-8 bytes, without a lowercased copy, in one pass over `value` trying only the
    /// words that start with the byte at hand: it is asked of every element of a page.
    static func matches(_ value: String, _ words: WordList) -> Bool {
        guard !value.isEmpty else { return false }
        var value = value
        return value.withUTF8 { text in
            for start in text.indices {
                for word in words.starting(with: lowered(text[start])) where start + word.count <= text.count {
                    var matched = 1
                    while matched < word.count && lowered(text[start + matched]) == word[matched] { matched += 1 }
                    if matched == word.count { return true }
                }
                if words.hasAdWord, start + 3 <= text.count, start == 0 || text[start - 1] == 0x20,
                    lowered(text[start]) == 0x61, lowered(text[start + 1]) == 0x64, text[start + 2] == 0x2D
                {
                    return true
                }
            }
            return false
        }
    }

    /// `byte` in lower case, when it is an ASCII capital.
    private static func lowered(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// Lowercase ASCII words, kept by their first byte.
    struct WordList: Sendable, ExpressibleByArrayLiteral {
        /// The words' bytes, in lists indexed by their first byte.
        private let buckets: [[[UInt8]]]
        /// Whether `-ad-` is one of the words, so that a class word starting `ad-` counts too.
        let hasAdWord: Bool

        init(arrayLiteral words: String...) {
            var buckets = [[[UInt8]]](repeating: [], count: 256)
            for word in words {
                if let first = word.utf8.first { buckets[Int(first)].append(Array(word.utf8)) }
            }
            self.buckets = buckets
            hasAdWord = words.contains("-ad-")
        }

        /// The words whose first byte is `byte`.
        func starting(with byte: UInt8) -> [[UInt8]] { buckets[Int(byte)] }
    }
}
