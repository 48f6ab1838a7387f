import CLibXML2
import Foundation

/// A parsed web page as plain Swift values: its elements and text in document order, each node knowing its parent
/// and children by index, so that extraction can mark, score and walk nodes without recursion or C pointers.
///
/// Comments and processing instructions are left out; the text of `script` and `style` elements is kept (JSON-LD
/// metadata lives in scripts). Built once from a ``LibXMLDocument``, it is `Sendable` and outlives the C tree.
struct HTMLTree: Sendable {
    /// One element or run of text.
    struct Node: Sendable {
        /// The lowercased tag name of an element, or nil for text.
        var name: String?
        /// The element's attributes, names lowercased; the last of two with one name wins.
        var attributes: [String: String]
        /// The text of a text node, entities decoded; empty for an element.
        var text: String
        /// The parent's index; -1 for the root.
        var parent: Int
        /// The children's indices, in order.
        var children: [Int]
    }

    /// The deepest nesting of elements copied; libxml2 stops at 256 levels, this guards against a parser that does not.
    static let maximumDepth = 512
    /// The longest attribute value a page may have (1 MiB).
    static let maximumAttributeBytes = 1 << 20

    /// Every node; index 0 is the root, which stands for the document. Nodes are in document order (a node, then
    /// its subtree, then its next sibling), so a node's subtree is the indices from it to its ``subtreeEnd(_:)``.
    private(set) var nodes: [Node]
    /// The index after each node's subtree.
    private var ends: [Int]

    /// Parses `html` (UTF-8) with libxml2 and copies its tree.
    /// - Throws: `StoreError` `.invalidInput` when the page nests elements more than ``maximumDepth`` deep, has an
    ///   attribute longer than ``maximumAttributeBytes``, or libxml2 makes nothing of it.
    init(html: String) throws {
        let document = try LibXMLDocument(utf8: html)
        nodes = [Node(name: nil, attributes: [:], text: "", parent: -1, children: [])]
        // An explicit stack, not recursion: a hostile page must not overflow the thread's stack.
        var stack: [(node: xmlNodePtr?, parent: Int, depth: Int)] = [(document.pointer.pointee.children, 0, 1)]
        while let (first, parent, depth) = stack.popLast().map({ ($0.node, $0.parent, $0.depth) }) {
            var current = first
            while let node = current {
                current = node.pointee.next
                switch node.pointee.type {
                case XML_ELEMENT_NODE:
                    guard depth <= Self.maximumDepth else {
                        throw StoreError(
                            .invalidInput,
                            "it nests elements more than \(Self.maximumDepth) deep; it is not a saved article page")
                    }
                    let index = nodes.count
                    nodes.append(
                        Node(
                            name: String(cString: node.pointee.name).lowercased(),
                            attributes: try Self.attributes(node),
                            text: "", parent: parent, children: []))
                    nodes[parent].children.append(index)
                    if node.pointee.children != nil {
                        // The siblings after this element are handled after its children, as document order wants.
                        stack.append((current, parent, depth))
                        stack.append((node.pointee.children, index, depth + 1))
                        current = nil
                    }
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = node.pointee.content else { continue }
                    let index = nodes.count
                    nodes.append(
                        Node(name: nil, attributes: [:], text: String(cString: content), parent: parent, children: []))
                    nodes[parent].children.append(index)
                default:
                    continue
                }
            }
        }
        // Children come after their parent: one backward pass finds where every subtree ends.
        var ends = [Int](repeating: 0, count: nodes.count)
        for index in nodes.indices.reversed() {
            if let last = nodes[index].children.last { ends[index] = ends[last] } else { ends[index] = index + 1 }
        }
        self.ends = ends
    }

    private static func attributes(_ node: xmlNodePtr) throws -> [String: String] {
        var result: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            var value = ""
            var child = current.pointee.children
            while let text = child {
                child = text.pointee.next
                if let content = text.pointee.content { value += String(cString: content) }
            }
            guard value.utf8.count <= maximumAttributeBytes else {
                let size = ByteCountFormatter.string(fromByteCount: Int64(value.utf8.count), countStyle: .file)
                throw StoreError(
                    .invalidInput, "it has an attribute of \(size) (at most 1 MiB); it is not a saved article page")
            }
            result[String(cString: current.pointee.name).lowercased()] = value
        }
        return result
    }

    /// The node at `index`.
    subscript(index: Int) -> Node { nodes[index] }

    /// The index after the last node under `index`.
    func subtreeEnd(_ index: Int) -> Int { ends[index] }

    /// The indices of `index` and every node under it, in document order.
    func descendants(of index: Int) -> Range<Int> { index..<ends[index] }

    /// The elements named `name` under `index` (itself included), in document order.
    func elements(_ name: String, under index: Int = 0) -> [Int] {
        descendants(of: index).filter { nodes[$0].name == name }
    }

    /// The first element named `name` in the page, or nil.
    func firstElement(_ name: String) -> Int? {
        nodes.indices.first { nodes[$0].name == name }
    }

    /// The text under `index`, concatenated as it stands in the source (white space not collapsed).
    func textContent(_ index: Int) -> String {
        var text = ""
        for node in descendants(of: index) where nodes[node].name == nil { text += nodes[node].text }
        return text
    }

    /// The text under `index` with every run of white space (no-break spaces included) made one space, trimmed.
    func collapsedText(_ index: Int) -> String {
        HTMLText.collapsingWhitespace(textContent(index))
    }

    /// The ancestors of `index`, nearest first (the root excluded).
    func ancestors(of index: Int) -> [Int] {
        var result: [Int] = []
        var current = nodes[index].parent
        while current > 0 {
            result.append(current)
            current = nodes[current].parent
        }
        return result
    }
}
