/// Finds what a reader view leaves out of a page before it looks for the story: scripts, styles, embedded frames,
/// forms, navigation, page headers and footers, asides, hidden elements, and blocks whose class or id says they are
/// comments, sidebars, share buttons, related links, promotions, ads or newsletter sign-ups (``ClassHints``).
enum PageCleaning {
    /// Elements never part of a story.
    static let furniture: Set<String> = [
        "script", "style", "noscript", "template", "svg", "iframe", "nav", "header", "footer", "aside", "object",
        "embed", "canvas", "button", "select", "textarea", "input", "dialog", "menu",
    ]
    /// Elements never part of a story, whatever they hold.
    static let code: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed"]

    /// The nodes to leave out, each the root of a subtree removed whole.
    ///
    /// A block that holds most of the page's prose is kept even when its tag says furniture: broken markup, or an
    /// HTML5 page read by libxml2's HTML4 parser, can put the whole story inside a header or footer.
    /// - Parameter strict: Whether a block whose class or id says furniture is left out whatever it holds (as
    ///   Readability leaves it out), or kept, like a furniture tag, when it holds most of the page's prose.
    static func removedNodes(_ tree: HTMLTree, counts: ContentScoring.TextCounts, strict: Bool) -> Set<Int> {
        let code = Set(tree.descendants(of: 0).filter { tree[$0].name.map(Self.code.contains) ?? false })
        let prose = ContentScoring(tree, counts: counts, removed: code)
        let storyShare = Double(prose.proseLength(0)) / 2
        var removed: Set<Int> = []
        var stack = tree[0].children
        while let index = stack.popLast() {
            let node = tree[index]
            guard let name = node.name else { continue }
            if code.contains(index) || isHidden(node) || (strict && classSaysFurniture(index, name: name, in: tree))
                || (shouldRemove(index, name: name, in: tree) && Double(prose.proseLength(index)) < storyShare)
            {
                removed.insert(index)
                continue
            }
            stack.append(contentsOf: node.children)
        }
        return removed
    }

    private static func isHidden(_ node: HTMLTree.Node) -> Bool {
        let attributes = node.attributes
        if attributes["hidden"] != nil || attributes["aria-hidden"]?.lowercased() == "true" { return true }
        guard let value = attributes["style"] else { return false }
        // Lowercased without its white space, on the bytes: a page may give thousands of elements a style.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 where !TextScanning.isSpace(byte) {
            bytes.append(byte &- 0x41 < 26 ? byte | 0x20 : byte)
        }
        let style = String(decoding: bytes, as: UTF8.self)
        return style.contains("display:none") || style.contains("visibility:hidden")
    }

    /// Whether the element's class or id names furniture, whatever it holds: a stream of other stories' teasers
    /// can hold more prose than the story. The story's own marks (`<article>`, `<main>`, `itemprop="articleBody"`)
    /// and the page's body are never removed so.
    private static func classSaysFurniture(_ index: Int, name: String, in tree: HTMLTree) -> Bool {
        !isStoryMark(name, tree[index].attributes) && classSaysFurniture(tree[index].attributes)
    }

    /// Whether an element is never removed for its class or role: the page's body, the story's own marks
    /// (`<article>`, `<main>`, `itemprop="articleBody"`), or a link.
    private static func isStoryMark(_ name: String, _ attributes: [String: String]) -> Bool {
        ["body", "html", "article", "main", "a"].contains(name)
            || attributes["itemprop"]?.contains("articleBody") == true
    }

    /// Whether an element's class or id names furniture (``ClassHints/unlikely``, unless ``ClassHints/maybe`` too).
    private static func classSaysFurniture(_ attributes: [String: String]) -> Bool {
        let (classes, id) = (attributes["class"] ?? "", attributes["id"] ?? "")
        return (ClassHints.matches(classes, ClassHints.unlikely) || ClassHints.matches(id, ClassHints.unlikely))
            && !ClassHints.matches(classes, ClassHints.maybe) && !ClassHints.matches(id, ClassHints.maybe)
    }

    /// Whether the element `index` lies inside a <main> or an <article>.
    private static func isInsideStory(_ index: Int, _ tree: HTMLTree) -> Bool {
        var parent = tree[index].parent
        while parent > 0 {
            if tree[parent].name == "main" || tree[parent].name == "article" { return true }
            parent = tree[parent].parent
        }
        return false
    }

    private static func shouldRemove(_ index: Int, name: String, in tree: HTMLTree) -> Bool {
        let attributes = tree[index].attributes
        // A header inside the story's <main> or <article> is the story's own: its headline, dek, introduction.
        if name == "header" && isInsideStory(index, tree) { return classSaysFurniture(attributes) }
        if furniture.contains(name) { return true }
        if name == "form" {
            // Whole pages sit in one form on some sites (ASP.NET): a form is furniture unless it holds a story.
            return !tree.elements("p", under: index).contains { tree.collapsedText($0).count >= 80 }
        }
        if isStoryMark(name, attributes) { return false }
        if classSaysFurniture(attributes) { return true }
        if let role = attributes["role"]?.lowercased(),
            ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", "banner"].contains(
                role)
        {
            return true
        }
        return false
    }
}
