extension ContentScoring {
    /// Blocks inside the content that are furniture after all (Readability's conditional cleaning): lists and
    /// boxes of links, image galleries without text, blocks with more form fields than prose, and headings or
    /// blocks whose class or id sound like furniture.
    func furniture(inside roots: [Int]) -> Set<Int> {
        var found: Set<Int> = []
        var stack = roots.reversed().flatMap { tree[$0].children.reversed() }
        while let index = stack.popLast() {
            guard !removed.contains(index), let name = tree[index].name else { continue }
            if isFurniture(index, name: name) {
                found.insert(index)
                continue
            }
            stack.append(contentsOf: tree[index].children.reversed())
        }
        return found
    }

    private static let cleaned: Set<String> = ["div", "section", "ul", "ol", "dl", "table", "form", "figure"]

    private func isFurniture(_ index: Int, name: String) -> Bool {
        let weight = classWeight(index)
        if name.count == 2, name.hasPrefix("h"), weight < 0 { return true }
        guard Self.cleaned.contains(name) else { return false }
        if weight < 0 { return true }
        guard commas[index] < 10 else { return false }
        let paragraphs = tags[index].paragraphs
        let images = tags[index].images
        let items = tags[index].items - 100
        let inputs = tags[index].inputs
        let density = linkDensity(index)
        let length = textLength[index]
        // A list, or a block whose text is nearly all in lists, is not left out for holding links or items: only
        // a list with a story's class that is mostly links is (as Readability cleans).
        let isList = name == "ul" || name == "ol" || name == "dl" || Double(listLength(index)) > 0.9 * Double(length)
        if images > 1 && Double(paragraphs) / Double(images) < 0.5 && name != "figure" { return true }
        if !isList && items > paragraphs { return true }
        if inputs > paragraphs / 3 { return true }
        if !isList && length < 25 && (images == 0 || images > 2) && name != "figure" { return true }
        if !isList && weight < 25 && density > 0.2 { return true }
        if weight >= 25 && density > 0.5 { return true }
        return false
    }

    /// The length of the text in the lists under `index` (not counting a list inside another twice).
    private func listLength(_ index: Int) -> Int {
        var total = 0
        var node = index + 1
        while node < tree.subtreeEnd(index) {
            if removed.contains(node) {
                node = tree.subtreeEnd(node)
            } else if let name = tree.nodes[node].name, name == "ul" || name == "ol" || name == "dl" {
                total += textLength[node]
                node = tree.subtreeEnd(node)
            } else {
                node += 1
            }
        }
        return total
    }
}
