/// Finds the story in a cleaned page as reader views do (Mozilla Readability's scoring): paragraphs earn points
/// for their length and commas, credited to their parent and, less, to further ancestors; a block's class and id
/// raise or lower it; link-heavy blocks are scaled down. The best block, with those of its siblings that score
/// near it, is the content, unless the page marks its story (`itemprop="articleBody"`, a substantial `<article>`).
struct ContentScoring {
    /// Elements whose text is scored as a paragraph.
    private static let scored: Set<String> = ["p", "pre", "td", "section", "h2", "h3", "h4", "h5", "h6"]
    /// The fewest characters a marked story (`articleBody`, `<article>`) needs to be taken as the content.
    static let substantialCharacters = 250

    let tree: HTMLTree
    let removed: Set<Int>
    /// The length of the visible text under each node as a browser's `textContent` gives it, white space
    /// collapsed and trimmed (``TextSpan``: the spaces between its blocks count), removed subtrees excluded.
    private(set) var textLength: [Int]
    /// The length of that text inside links, each link's text measured as a whole (as Readability measures it).
    private(set) var linkLength: [Int]
    /// Commas in that text (`,`, and the CJK `，` and `、`).
    private(set) var commas: [Int]
    /// How many `p`, `img`, `li` and `input` elements are under each node, itself included.
    private(set) var tags: [TagCounts]

    /// Counts of the elements conditional cleaning weighs.
    struct TagCounts: Sendable {
        var paragraphs = 0
        var images = 0
        var items = 0
        var inputs = 0

        static func + (a: TagCounts, b: TagCounts) -> TagCounts {
            TagCounts(
                paragraphs: a.paragraphs + b.paragraphs, images: a.images + b.images, items: a.items + b.items,
                inputs: a.inputs + b.inputs)
        }
    }

    /// - Parameter counts: The tree's text nodes, counted once for every scoring made of the tree.
    init(_ tree: HTMLTree, counts: TextCounts, removed: Set<Int>) {
        self.tree = tree
        self.removed = removed
        let count = tree.nodes.count
        var spans = [TextSpan](repeating: TextSpan(), count: count)
        var links = [Int](repeating: 0, count: count)
        var commas = [Int](repeating: 0, count: count)
        var tags = [TagCounts](repeating: TagCounts(), count: count)
        // Children come after their parent in `nodes`, so one backward pass sums every subtree.
        for index in stride(from: count - 1, through: 1, by: -1) {
            let node = tree[index]
            switch node.name {
            case nil:
                spans[index] = counts.spans[index]
                commas[index] = counts.commas[index]
            case "a": links[index] = spans[index].length
            case "p": tags[index].paragraphs += 1
            case "img": tags[index].images += 1
            case "li": tags[index].items += 1
            case "input": tags[index].inputs += 1
            default: break
            }
            // Elements are counted in removed subtrees too: an image in `noscript` is still the block's image.
            tags[node.parent] = tags[node.parent] + tags[index]
            guard !removed.contains(index) else { continue }
            // Children are met last first: each is the text before what its parent has so far.
            spans[node.parent] = spans[index] + spans[node.parent]
            links[node.parent] += links[index]
            commas[node.parent] += commas[index]
        }
        textLength = spans.map(\.length)
        linkLength = links
        self.commas = commas
        self.tags = tags
    }

    /// The share of `index`'s text that is inside links, 0 to 1.
    func linkDensity(_ index: Int) -> Double {
        textLength[index] == 0 ? 0 : Double(linkLength[index]) / Double(textLength[index])
    }

    /// The content's top-level blocks, in document order, or nil when no block holds a paragraph of text.
    func contentRoots() -> [Int]? {
        let live = liveElements()
        if let marked = markedStory(live) { return [marked] }
        var scores: [Int: Double] = [:]
        for index in live {
            guard let name = tree[index].name else { continue }
            let isParagraph =
                Self.scored.contains(name) || (name == "div" && !hasBlockChild(index))
                || (HTMLText.blocks.contains(name) && hasTextChild(index))
            guard isParagraph, textLength[index] >= 25 else { continue }
            let points = 1 + Double(commas[index]) + Double(min(textLength[index] / 100, 3))
            var ancestor = tree.nodes[index].parent
            for level in 0..<5 where ancestor > 0 {
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level * 3)
                scores[ancestor, default: initialScore(ancestor)] += points / divider
                ancestor = tree.nodes[ancestor].parent
            }
        }
        for (index, score) in scores { scores[index] = score * (1 - linkDensity(index)) }
        guard var top = scores.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key
        else { return nil }
        top = climb(from: top, scores: scores)
        let roots = siblings(of: top, scores: scores)
        return roots.isEmpty ? nil : roots
    }

    /// The story the page marks: the largest `itemprop="articleBody"`, else the `<article>` with the most text,
    /// when it holds a substantial text: at least ``substantialCharacters`` outside links, and at least 40% of
    /// the page's.
    private func markedStory(_ live: [Int]) -> Int? {
        let page = Double(proseLength(0))
        for marked in [
            live.filter { tree[$0].attributes["itemprop"]?.contains("articleBody") == true },
            live.filter { tree[$0].name == "article" },
        ] {
            guard let best = marked.max(by: { proseLength($0) < proseLength($1) }) else { continue }
            let prose = proseLength(best)
            if prose >= Self.substantialCharacters && Double(prose) >= 0.4 * page { return best }
        }
        return nil
    }

    /// Characters of text under `index` outside links.
    func proseLength(_ index: Int) -> Int { textLength[index] - linkLength[index] }

    /// The elements that are not removed, nor under a removed element, in document order.
    private func liveElements() -> [Int] {
        var result: [Int] = []
        var index = 0
        let end = tree.nodes.count
        while index < end {
            if removed.contains(index) {
                index = tree.subtreeEnd(index)
                continue
            }
            if tree.nodes[index].name != nil { result.append(index) }
            index += 1
        }
        return result
    }

    private func hasBlockChild(_ index: Int) -> Bool {
        tree[index].children.contains { child in
            tree[child].name.map { HTMLText.blocks.contains($0) || $0 == "img" } ?? false
        }
    }

    /// Whether a text of 25 characters or more stands directly in `index` (text broken markup left outside any
    /// paragraph, or a page that never used one).
    private func hasTextChild(_ index: Int) -> Bool {
        tree[index].children.contains { tree[$0].name == nil && textLength[$0] >= 25 }
    }

    /// A block's starting score: by its tag, and its class and id.
    private func initialScore(_ index: Int) -> Double {
        let base: Double =
            switch tree[index].name ?? "" {
            case "div", "article": 5
            case "pre", "td", "blockquote": 3
            case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": -3
            case "h1", "h2", "h3", "h4", "h5", "h6", "th": -5
            default: 0
            }
        return base + classWeight(index)
    }

    /// +25 for each of class and id that sounds like a story, -25 for each that sounds like furniture.
    func classWeight(_ index: Int) -> Double {
        var weight = 0.0
        for key in ["class", "id"] {
            guard let value = tree[index].attributes[key], !value.isEmpty else { continue }
            if ClassHints.matches(value, ClassHints.negative) { weight -= 25 }
            if ClassHints.matches(value, ClassHints.positive) { weight += 25 }
        }
        return weight
    }

    /// The block to take: `top`, or the ancestor it shares with at least 3 of the 4 next best blocks scoring 75%
    /// of it or more, or an ancestor that holds it and scores higher (the story split across blocks), or the
    /// ancestor of which it is the only child.
    private func climb(from start: Int, scores: [Int: Double]) -> Int {
        var top = start
        let best = scores.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(5)
        let alternatives = best.dropFirst().filter { $0.value >= 0.75 * (scores[top] ?? 0) }
            .map { Set(tree.ancestors(of: $0.key)) }
        if alternatives.count >= 3 {
            var parent = tree[top].parent
            while parent > 0, tree[parent].name != "body" {
                if alternatives.count(where: { $0.contains(parent) }) >= 3 {
                    top = parent
                    break
                }
                parent = tree[parent].parent
            }
        }
        let threshold = (scores[top] ?? 0) / 3
        var last = scores[top] ?? 0
        var parent = tree[top].parent
        while parent > 0, tree[parent].name != "body" {
            guard let score = scores[parent] else {
                parent = tree[parent].parent
                continue
            }
            if score < threshold { break }
            if score > last {
                top = parent
                break
            }
            last = score
            parent = tree[parent].parent
        }
        while tree[top].parent > 0, tree[tree[top].parent].name != "body",
            elementChildren(tree[top].parent).count == 1
        {
            top = tree[top].parent
        }
        return top
    }

    private func elementChildren(_ index: Int) -> [Int] {
        tree[index].children.filter { tree[$0].name != nil && !removed.contains($0) }
    }

    /// `top` and the siblings that belong with it: those scoring near it, and paragraphs of prose.
    private func siblings(of top: Int, scores: [Int: Double]) -> [Int] {
        let parent = tree[top].parent
        guard parent > 0 else { return [top] }
        let topScore = scores[top] ?? 0
        let threshold = max(10, topScore * 0.2)
        let topClass = tree[top].attributes["class"] ?? ""
        return elementChildren(parent).filter { sibling in
            if sibling == top { return true }
            let bonus = !topClass.isEmpty && tree[sibling].attributes["class"] == topClass ? topScore * 0.2 : 0
            if let score = scores[sibling], score + bonus >= threshold { return true }
            guard tree[sibling].name == "p" else { return false }
            let length = textLength[sibling]
            let density = linkDensity(sibling)
            if length > 80 { return density < 0.25 }
            let text = tree.collapsedText(sibling)
            return length > 0 && density == 0 && (text.contains(". ") || text.hasSuffix("."))
        }
    }
}
