/// The byline printed on a page: a `rel="author"` link, or an element whose class, id or `itemprop` says author
/// or byline (``ClassHints/byline``), with a short text that is neither a date nor a row of links, outside menus,
/// forms, footers and the furniture around the story (but in headers and asides, where bylines stand).
enum PrintedByline {
    /// Elements a byline is never looked for in.
    private static let skipped: Set<String> = ["meta", "link", "nav", "footer", "form", "script", "style", "menu"]

    /// The first byline under `root`, in document order, "By " and a trailing date cut; nil when there is none.
    /// - Parameter removed: Subtrees not to look in (the page's furniture: comments, related articles …).
    static func find(in tree: HTMLTree, under root: Int, removed: Set<Int>) -> String? {
        var stack = [root]
        while let index = stack.popLast() {
            if let name = tree[index].name, skipped.contains(name) || removed.contains(index) { continue }
            stack.append(contentsOf: tree[index].children.reversed())
            guard tree[index].name != nil else { continue }
            let attributes = tree[index].attributes
            let marked =
                PageMetadata.relations(tree, index).contains("author")
                || attributes["itemprop"]?.contains("author") == true
                || ClassHints.matches(attributes["class"] ?? "", ClassHints.byline)
                || ClassHints.matches(attributes["id"] ?? "", ClassHints.byline)
            guard marked else { continue }
            // A date, or a row of links (a menu whose class says "author"), is not a byline.
            let full = tree.collapsedText(index)
            guard (1...100).contains(full.count), DateLine.parse(full) == nil,
                tree.elements("a", under: index).count <= 3
            else { continue }
            let text = withoutTrailingDate(full)
            if let name = PageMetadata.bylineName(text) { return name }
        }
        return nil
    }

    /// `text` without a date at its end (`Joshua Sokol May 20, 2019` is `Joshua Sokol`).
    static func withoutTrailingDate(_ text: String) -> String {
        let words = text.split(separator: " ")
        for count in stride(from: min(6, words.count - 1), through: 2, by: -1)
        where DateLine.parse(words.suffix(count).joined(separator: " ")) != nil {
            return words.dropLast(count).joined(separator: " ")
        }
        return text
    }
}
