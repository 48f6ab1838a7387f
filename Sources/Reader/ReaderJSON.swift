import Foundation
import Store

/// The JSON shapes of the API (Sources/Reader/openapi.json), camelCase, with `null` written out for a missing
/// value rather than the key left out, as the OpenAPI file describes them.
enum ReaderJSON {
    /// The encoder of every answer.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// An annotation as the page shows it.
    struct AnnotationJSON: Encodable {
        let annotation: Annotation
        let conflicts: [Conflict]

        enum CodingKeys: String, CodingKey {
            case id, part, quote, prefix, suffix, start, end, state, color, motivation, note, noteHTML, tags, author,
                created, updated, deleted, revision, conflicts
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(annotation.id, forKey: .id)
            try container.encode(annotation.part.rawValue, forKey: .part)
            try container.encode(annotation.selector.exact, forKey: .quote)
            try container.encode(annotation.selector.prefix, forKey: .prefix)
            try container.encode(annotation.selector.suffix, forKey: .suffix)
            try container.encode(annotation.anchor.range?.lowerBound, forKey: .start)
            try container.encode(annotation.anchor.range?.upperBound, forKey: .end)
            try container.encode(Self.state(annotation.anchor.state), forKey: .state)
            try container.encode(annotation.color.rawValue, forKey: .color)
            try container.encode(annotation.motivation.rawValue, forKey: .motivation)
            try container.encode(annotation.note, forKey: .note)
            try container.encode(NoteHTML.render(annotation.note), forKey: .noteHTML)
            try container.encode(annotation.tags, forKey: .tags)
            try container.encode(annotation.author, forKey: .author)
            try container.encode(annotation.createdAt, forKey: .created)
            try container.encode(annotation.modifiedAt, forKey: .updated)
            try container.encode(annotation.deletedAt != nil, forKey: .deleted)
            try container.encode(annotation.revision, forKey: .revision)
            let values = conflicts.filter { $0.annotationID == annotation.id }.flatMap { conflict in
                conflict.values.map { ConflictValueJSON(field: conflict.field.rawValue, value: $0) }
            }
            try container.encode(values, forKey: .conflicts)
        }

        /// The anchor state's name in the API: `anchored` where the CLI says `exact`.
        static func state(_ state: AnchorState) -> String {
            state == .exact ? "anchored" : state.rawValue
        }
    }

    /// One value of a conflict on an annotation's field.
    struct ConflictValueJSON: Encodable {
        let field: String
        let value: ConflictValue

        enum CodingKeys: String, CodingKey { case field, value, author, time, change }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(field, forKey: .field)
            try container.encode(value.value, forKey: .value)
            try container.encode(value.author, forKey: .author)
            try container.encode(value.at, forKey: .time)
            try container.encode(value.change, forKey: .change)
        }
    }

    /// An article with its annotations.
    struct ArticleJSON: Encodable {
        let view: ArticleView

        enum CodingKeys: String, CodingKey {
            case id, title, dek, byline, source, url, published, imported, lang, dir, revision, revisions, body,
                words, annotations, orphans
        }

        enum RevisionKeys: String, CodingKey { case number, imported }

        func encode(to encoder: any Encoder) throws {
            let article = view.article
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(article.id, forKey: .id)
            try container.encode(article.title, forKey: .title)
            try container.encode(article.dek, forKey: .dek)
            try container.encode(article.byline, forKey: .byline)
            try container.encode(article.source, forKey: .source)
            try container.encode(article.url, forKey: .url)
            try container.encode(article.publishedAt, forKey: .published)
            try container.encode(article.importedAt, forKey: .imported)
            try container.encode(article.language, forKey: .lang)
            // The page's own direction when it declares one; for `auto` or none, its text's first strong letter's.
            let declared = article.direction.flatMap { ["ltr", "rtl"].contains($0) ? $0 : nil }
            try container.encode(declared ?? TextDirection.of(article.title + "\n" + article.body), forKey: .dir)
            try container.encode(article.revision, forKey: .revision)
            var revisions = container.nestedUnkeyedContainer(forKey: .revisions)
            for revision in view.revisions {
                var entry = revisions.nestedContainer(keyedBy: RevisionKeys.self)
                try entry.encode(revision.number, forKey: .number)
                try entry.encode(revision.importedAt, forKey: .imported)
            }
            try container.encode(article.body, forKey: .body)
            try container.encode(article.wordCount, forKey: .words)
            try container.encode(
                view.annotations.map { AnnotationJSON(annotation: $0, conflicts: view.conflicts) }, forKey: .annotations
            )
            try container.encode(
                view.orphans.map { AnnotationJSON(annotation: $0, conflicts: view.conflicts) }, forKey: .orphans)
        }
    }

    /// A page of the library.
    struct LibraryJSON: Encodable {
        let page: LibraryPage

        enum CodingKeys: String, CodingKey { case total, articles }
        enum EntryKeys: String, CodingKey {
            case id, title, source, byline, published, imported, words, annotationCount, authors, snippet
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(page.total, forKey: .total)
            var articles = container.nestedUnkeyedContainer(forKey: .articles)
            for entry in page.entries {
                var item = articles.nestedContainer(keyedBy: EntryKeys.self)
                let article = entry.article
                try item.encode(article.id, forKey: .id)
                try item.encode(article.title, forKey: .title)
                try item.encode(article.source, forKey: .source)
                try item.encode(article.byline, forKey: .byline)
                try item.encode(article.publishedAt, forKey: .published)
                try item.encode(article.importedAt, forKey: .imported)
                try item.encode(article.wordCount, forKey: .words)
                try item.encode(entry.annotationCount, forKey: .annotationCount)
                try item.encode(entry.authors, forKey: .authors)
                if let snippet = entry.snippet { try item.encode(Self.snippetHTML(snippet), forKey: .snippet) }
            }
        }

        /// A search snippet as HTML: everything escaped, the matched words in `<mark>`.
        static func snippetHTML(_ snippet: String) -> String {
            escapeHTML(snippet)
                .replacingOccurrences(of: SearchHit.matchStart, with: "<mark>")
                .replacingOccurrences(of: SearchHit.matchEnd, with: "</mark>")
        }
    }
}

/// The direction of a text, from its first letter of a strong direction.
enum TextDirection {
    /// `rtl` when the first letter is Hebrew, Arabic or another right-to-left script, `ltr` for another letter,
    /// nil when the text has no letter.
    static func of(_ text: String) -> String? {
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF: return "rtl"
            default: return "ltr"
            }
        }
        return nil
    }
}
