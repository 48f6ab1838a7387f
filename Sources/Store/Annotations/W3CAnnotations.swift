import Foundation

/// The W3C Web Annotation Data Model form of newsdb's annotations: an `AnnotationCollection` with one embedded
/// `AnnotationPage`, each annotation with a `TextualBody` for its note and one per tag, and a target (the article's
/// URL, or `urn:newsdb:article:ID` when it has none) with a TextQuoteSelector, a TextPositionSelector and a
/// `styleClass` naming its color. An annotation on the headline or dek has each of the two as the refinement
/// (`refinedBy`) of a FragmentSelector naming the part, `title` or `dek`, by ``partSpecification``
/// (docs/ANNOTATIONS.md).
enum W3CAnnotations {
    static let context = "http://www.w3.org/ns/anno.jsonld"
    static let articleURNPrefix = "urn:newsdb:article:"
    /// What the FragmentSelector of an annotation on the headline or dek conforms to: its value is the part's name.
    static let partSpecification = "urn:newsdb:article-part"
    static let styleClassPrefix = "newsdb-"
    static var stylesheet: [String: Any] {
        [
            "type": "CssStylesheet",
            "value": AnnotationColor.allCases.map {
                ".\(styleClassPrefix)\($0.rawValue) { background-color: \(css($0)) }"
            }
            .joined(separator: " "),
        ]
    }

    /// The export of `annotations`, whose articles are `articles` (by id).
    static func collection(_ annotations: [Annotation], articles: [String: Article], exportID: String) -> [String: Any]
    {
        var texts: [String: AnchoringText] = [:]
        let items = annotations.map { annotation -> [String: Any] in
            let article = articles[annotation.articleID]
            let key = annotation.part.rawValue + ":" + annotation.articleID
            if texts[key] == nil, let article {
                texts[key] = AnchoringText(annotation.part.text(of: article))
            }
            return self.annotation(annotation, article: article, text: texts[key])
        }
        return [
            "@context": context,
            "id": "urn:uuid:\(exportID)",
            "type": "AnnotationCollection",
            "label": "newsdb annotations",
            "total": annotations.count,
            "first": [
                "id": "urn:uuid:\(exportID)#page1",
                "type": "AnnotationPage",
                "startIndex": 0,
                "items": items,
            ] as [String: Any],
        ]
    }

    /// One annotation. Anchored annotations point at their current passage; an orphan keeps the selectors it was
    /// made with. `text` is the current text of the annotation's part.
    static func annotation(_ annotation: Annotation, article: Article?, text: AnchoringText?) -> [String: Any] {
        var bodies: [[String: Any]] = []
        if let note = annotation.note {
            bodies.append(["type": "TextualBody", "value": note, "format": "text/markdown", "purpose": "commenting"])
        }
        for tag in annotation.tags {
            bodies.append(["type": "TextualBody", "value": tag, "purpose": "tagging"])
        }
        var selector = annotation.selector
        if let range = annotation.anchor.range, let text, range.upperBound <= text.scalars.count {
            selector = TextSelector.make(range, in: text)
        }
        let source = article?.url ?? articleURNPrefix + annotation.articleID
        var result: [String: Any] = [
            "@context": context,
            "id": "urn:uuid:\(annotation.id)",
            "type": "Annotation",
            "motivation": annotation.motivation.rawValue,
            "created": annotation.createdAt,
            "modified": annotation.modifiedAt,
            "creator": ["type": "Person", "name": annotation.author],
            "target": [
                "source": source,
                "selector": selectors(selector, part: annotation.part),
                "styleClass": styleClassPrefix + annotation.color.rawValue,
            ] as [String: Any],
            "stylesheet": stylesheet,
        ]
        if !bodies.isEmpty { result["body"] = bodies }
        return result
    }

    /// The target's selectors: a TextQuoteSelector and a TextPositionSelector, alternatives that name the same
    /// passage, each refining a FragmentSelector for the part when it is not the body.
    static func selectors(_ selector: TextSelector, part: ArticlePart) -> [[String: Any]] {
        let passage: [[String: Any]] = [
            [
                "type": "TextQuoteSelector", "exact": selector.exact, "prefix": selector.prefix,
                "suffix": selector.suffix,
            ],
            ["type": "TextPositionSelector", "start": selector.start, "end": selector.end],
        ]
        guard part != .body else { return passage }
        return passage.map { refinement in
            [
                "type": "FragmentSelector", "conformsTo": partSpecification, "value": part.rawValue,
                "refinedBy": refinement,
            ]
        }
    }

    /// The part a target's selectors are on, and the selectors within it: a FragmentSelector conforming to
    /// ``partSpecification`` names the part, and its refinements are the passage's selectors.
    /// - Throws: `StoreError` `.invalidInput` for a part newsdb does not know, or selectors on different parts.
    static func part(of selectors: [[String: Any]]) throws -> (part: ArticlePart, selectors: [[String: Any]]) {
        var part: ArticlePart?
        var passage: [[String: Any]] = []
        for selector in selectors {
            guard selector["type"] as? String == "FragmentSelector",
                selector["conformsTo"] as? String == partSpecification
            else {
                if part != nil && part != .body { throw mixedParts }
                part = .body
                passage.append(selector)
                continue
            }
            let name = selector["value"] as? String ?? ""
            guard let named = ArticlePart(rawValue: name) else {
                throw StoreError(.invalidInput, "the FragmentSelector names an unknown part \"\(name.prefix(20))\"")
            }
            if part != nil && part != named { throw mixedParts }
            part = named
            let refinements =
                selector["refinedBy"] as? [[String: Any]] ?? (selector["refinedBy"] as? [String: Any]).map { [$0] }
                ?? []
            passage += refinements
        }
        return (part ?? .body, passage)
    }

    private static var mixedParts: StoreError {
        StoreError(.invalidInput, "the target's selectors are on different parts of the article")
    }

    /// Whether a parsed JSON document is a W3C export (a collection, a page, one annotation or a list of them).
    static func isW3C(_ document: Any) -> Bool {
        if let object = document as? [String: Any] {
            return ["AnnotationCollection", "AnnotationPage", "Annotation"].contains(object["type"] as? String ?? "")
        }
        if let list = document as? [[String: Any]] { return list.first?["type"] as? String == "Annotation" }
        return false
    }

    /// The annotations of a W3C document, each checked for what newsdb needs.
    static func records(from document: Any) throws -> [Result<AnnotationRecord, InvalidAnnotation>] {
        var items: [Any] = []
        if let object = document as? [String: Any] {
            switch object["type"] as? String {
            case "AnnotationCollection":
                var page = object["first"] as? [String: Any]
                while let current = page {
                    items += current["items"] as? [Any] ?? []
                    page = current["next"] as? [String: Any]
                }
            case "AnnotationPage": items = object["items"] as? [Any] ?? []
            default: items = [object]
            }
        } else if let list = document as? [Any] {
            items = list
        }
        return AnnotationRecordReader.items(items, record)
    }

    private static func record(_ item: Any, place: String) throws -> AnnotationRecord {
        guard let object = item as? [String: Any], object["type"] as? String == "Annotation" else {
            throw StoreError(.invalidInput, "not an Annotation")
        }
        guard let target = object["target"] as? [String: Any], let source = target["source"] as? String else {
            throw StoreError(.invalidInput, "the target has no source")
        }
        let (part, selectors) = try part(
            of: target["selector"] as? [[String: Any]] ?? (target["selector"] as? [String: Any]).map { [$0] } ?? [])
        guard let quote = selectors.first(where: { $0["type"] as? String == "TextQuoteSelector" }),
            let exact = quote["exact"] as? String, !exact.isEmpty
        else { throw StoreError(.invalidInput, "the target has no TextQuoteSelector") }
        let article = source.hasPrefix(articleURNPrefix) ? String(source.dropFirst(articleURNPrefix.count)) : source
        var record = AnnotationRecord(place: place, article: article, quote: exact)
        record.part = part
        record.anchorsBySelector = true
        record.prefix = quote["prefix"] as? String
        record.suffix = quote["suffix"] as? String
        record.position = position(in: selectors)
        if let id = object["id"] as? String {
            record.id = try NewsDatabase.checkedAnnotationID(id.hasPrefix("urn:uuid:") ? String(id.dropFirst(9)) : id)
        }
        let bodies = object["body"] as? [[String: Any]] ?? (object["body"] as? [String: Any]).map { [$0] } ?? []
        var tags: [String] = []
        for body in bodies {
            guard let value = body["value"] as? String else { continue }
            if body["purpose"] as? String == "tagging" {
                tags.append(try Tag.normalized(value))
            } else if record.note == nil {
                record.note = value
            }
        }
        record.noteGiven = true
        record.tags = tags
        if let styleClass = target["styleClass"] as? String {
            guard styleClass.hasPrefix(styleClassPrefix),
                let color = AnnotationColor(rawValue: String(styleClass.dropFirst(styleClassPrefix.count)))
            else { throw StoreError(.invalidInput, "styleClass \"\(styleClass)\" is not a newsdb color") }
            record.color = color
        }
        if let motivation = object["motivation"] {
            guard let name = motivation as? String, let parsed = Motivation(rawValue: name) else {
                throw StoreError(.invalidInput, "motivation \(motivation) is not a W3C motivation")
            }
            record.motivation = parsed
        }
        if let creator = object["creator"] {
            let name = ((creator as? [String: Any])?["name"] as? String) ?? (creator as? String) ?? ""
            guard !TextScanning.trimmed(name).isEmpty else {
                throw StoreError(.invalidInput, "the creator has no name")
            }
            record.author = name
        }
        record.createdAt = try instant(object["created"], "created")
        record.modifiedAt = try instant(object["modified"], "modified")
        return record
    }

    /// The range of the first TextPositionSelector among `selectors` that names one.
    static func position(in selectors: [[String: Any]]) -> Range<Int>? {
        guard let position = selectors.first(where: { $0["type"] as? String == "TextPositionSelector" }),
            let start = position["start"] as? Int, let end = position["end"] as? Int, start >= 0, end > start
        else { return nil }
        return start..<end
    }

    /// An ISO 8601 instant, in newsdb's form (whole seconds, UTC); nil when absent. Fractions of a second, as
    /// Hypothesis writes them (`2024-03-05T14:02:11.123456+00:00`), are dropped.
    static func instant(_ value: Any?, _ key: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw StoreError(.invalidInput, "\"\(key)\" must be a date-time string")
        }
        var whole = text
        if let time = whole.firstIndex(of: "T"), let dot = whole[time...].firstIndex(of: ".") {
            let digits = whole[whole.index(after: dot)...].prefix(while: \.isNumber)
            if !digits.isEmpty { whole.removeSubrange(dot..<digits.endIndex) }
        }
        do {
            return Timestamp.string(try Date(whole, strategy: .iso8601))
        } catch {
            throw StoreError(.invalidInput, "\"\(key)\" is not an ISO 8601 date-time: \(text.prefix(40))")
        }
    }

    private static func css(_ color: AnnotationColor) -> String {
        switch color {
        case .yellow: "#fff3a3"
        case .green: "#c8f0c0"
        case .blue: "#c4dcff"
        case .pink: "#ffd0e4"
        case .purple: "#e2d0ff"
        case .orange: "#ffd8a8"
        }
    }
}
