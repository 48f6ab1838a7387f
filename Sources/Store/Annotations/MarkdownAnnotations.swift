/// Annotations as Markdown, ready to paste into a story draft: per article its title, source and date, then each
/// quote as a blockquote with its note and tags (a quote from the headline or dek says so).
enum MarkdownAnnotations {
    static func document(_ annotations: [Annotation], articles: [String: Article]) -> String {
        var lines: [String] = []
        var byArticle: [String: [Annotation]] = [:]
        var order: [String] = []
        for annotation in annotations {
            if byArticle[annotation.articleID] == nil { order.append(annotation.articleID) }
            byArticle[annotation.articleID, default: []].append(annotation)
        }
        for id in order {
            guard let article = articles[id] else { continue }
            if !lines.isEmpty { lines.append("") }
            lines.append("## \(article.title)")
            lines.append("")
            let details = [
                article.byline.map { "By \($0)" }, article.source, article.publishedAt.map { String($0.prefix(10)) },
            ]
            .compactMap { $0 }
            if !details.isEmpty { lines.append("*\(details.joined(separator: " · "))*") }
            if let url = article.url { lines.append("<\(url)>") }
            var texts: [ArticlePart: AnchoringText] = [:]
            for annotation in byArticle[id] ?? [] {
                lines.append("")
                let text = texts[annotation.part] ?? AnchoringText(annotation.part.text(of: article))
                texts[annotation.part] = text
                // The passage as the article reads now (a fuzzy match may differ from what was highlighted).
                var passage = annotation.selector.exact
                if let range = annotation.anchor.range, range.upperBound <= text.scalars.count {
                    passage = text.string(range)
                }
                let quote = passage.split(whereSeparator: \.isNewline).joined(separator: " ")
                lines.append("> \(quote)" + (annotation.part == .body ? "" : " *(\(annotation.part.displayName))*"))
                if annotation.anchor.state == .orphan {
                    lines.append(">")
                    lines.append("> *(no longer in the current text)*")
                }
                if let note = annotation.note {
                    lines.append("")
                    lines.append(note)
                }
                if !annotation.tags.isEmpty {
                    lines.append("")
                    lines.append("Tags: " + annotation.tags.map { "#" + $0 }.joined(separator: " "))
                }
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
