/// The text of a page's content as article paragraphs: one paragraph for each `p`, heading, list item, quotation,
/// `pre` and other block holding text, inline markup dropped, white space collapsed as a browser shows it
/// (`<br>` and the lines of `pre` kept as line breaks), then normalized as the plain-text importer does.
enum HTMLText {
    /// Elements that end the paragraph before them and start a new one.
    static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tfoot", "tr", "ul",
    ]
    /// Elements whose content is never text a reader sees.
    static let invisible: Set<String> = [
        "script", "style", "noscript", "template", "svg", "iframe", "head", "title", "meta", "link", "object",
        "embed", "canvas", "select", "button", "input", "textarea",
    ]

    /// The body paragraphs under `roots`, in order, skipping the nodes in `removed`.
    static func paragraphs(of roots: [Int], in tree: HTMLTree, removed: Set<Int>) -> [String] {
        var paragraphs: [String] = []
        var current = ""
        func flush() {
            for paragraph in PlainTextArticle.paragraphsOf(current) {
                paragraphs.append(paragraph.joined(separator: "\n"))
            }
            current = ""
        }
        for root in roots {
            // (node, leaving): a block is flushed when it is entered and again when it is left.
            var stack: [(node: Int, leaving: Bool, preformatted: Bool)] = [(root, false, false)]
            while let (index, leaving, preformatted) = stack.popLast().map({ ($0.node, $0.leaving, $0.preformatted) }) {
                let node = tree[index]
                guard let name = node.name else {
                    let text = preformatted ? node.text : collapsingRuns(node.text)
                    // Runs of white space on both sides of an inline element's edge are still one space.
                    if current.utf8.last == 0x20 && text.utf8.first == 0x20 {
                        current.append(contentsOf: text[text.utf8.index(after: text.utf8.startIndex)...])
                    } else {
                        current += text
                    }
                    continue
                }
                if leaving {
                    flush()
                    continue
                }
                if removed.contains(index) || invisible.contains(name) { continue }
                if name == "br" {
                    current += "\n"
                    continue
                }
                let isBlock = blocks.contains(name)
                if isBlock {
                    flush()
                    stack.append((index, true, preformatted))
                }
                let inside = preformatted || name == "pre"
                for child in node.children.reversed() { stack.append((child, false, inside)) }
            }
            flush()
        }
        return paragraphs
    }

    /// `text` with every run of white space (no-break spaces included) made one space, trimmed.
    static func collapsingWhitespace(_ text: String) -> String {
        String(TextScanning.trimmed(collapsingRuns(text)))
    }

    /// `text` with every run of white space (no-break spaces included) made one space. Works on the UTF-8 bytes:
    /// the spaces are ASCII but for U+00A0 (C2 A0), and no other character's bytes contain those.
    static func collapsingRuns(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out in
                var count = 0
                var inSpace = false
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    let width =
                        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
                        ? 1 : (byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0 ? 2 : 0)
                    if width > 0 {
                        if !inSpace {
                            out[count] = 0x20
                            count += 1
                        }
                        inSpace = true
                        index += width
                    } else {
                        out[count] = byte
                        count += 1
                        inSpace = false
                        index += 1
                    }
                }
                return count
            }
        }
    }
}
