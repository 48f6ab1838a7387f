import Foundation

/// One change to the shared data, as replicas exchange it: who made it (its id), when (its hybrid clock timestamp and
/// the wall-clock time a person sees), and what it does.
public struct Change: Sendable, Equatable {
    /// Unique across replicas.
    public let id: ChangeID
    /// Orders concurrent changes to the same field; its replica is the change's origin.
    public let clock: HLCTimestamp
    /// When it was made, as a person reads it (ISO 8601, UTC): an annotation's creation or modification time.
    public let at: String
    /// What it does.
    public let body: Body

    /// Creates a change.
    public init(id: ChangeID, clock: HLCTimestamp, at: String, body: Body) {
        self.id = id
        self.clock = clock
        self.at = at
        self.body = body
    }

    /// What a change does.
    public enum Body: Sendable, Equatable {
        /// A version of an article (its first import, a changed text, or changed details).
        case article(ArticleVersion)
        /// A new annotation.
        case create(AnnotationCreation)
        /// A new value for one field of an annotation, overwriting the values it saw: every change in `seen`, what
        /// its replica had received when it was made. A value not in `seen` was made concurrently, and stays.
        case set(annotation: String, value: FieldValue, seen: Knowledge)
        /// A tag added to an annotation.
        case tag(annotation: String, tag: String)
        /// A tag removed: the additions of it in `seen`.
        case untag(annotation: String, tag: String, seen: Knowledge)
        /// An annotation deleted; an edit not in `seen` (made without seeing the deletion) shows as a conflict.
        case delete(annotation: String, seen: Knowledge)
        /// A deleted annotation restored.
        case restore(annotation: String, seen: Knowledge)
    }

    /// The annotation or article the change is about.
    public var subject: String {
        switch body {
        case .article(let version): version.id
        case .create(let creation): creation.id
        case .set(let annotation, _, _), .tag(let annotation, _), .untag(let annotation, _, _),
            .delete(let annotation, _), .restore(let annotation, _):
            annotation
        }
    }
}

/// An article's content as one change carries it.
public struct ArticleVersion: Sendable, Equatable {
    public var id: String
    public var title: String
    public var dek: String?
    public var byline: String?
    public var source: String?
    public var url: String?
    public var publishedAt: String?
    /// A BCP 47 language tag (schema 6; nil in a change from an older newsdb).
    public var language: String?
    /// `ltr`, `rtl` or `auto` (schema 6; nil in a change from an older newsdb).
    public var direction: String?
    public var body: String

    /// Creates a version.
    public init(
        id: String, title: String, dek: String?, byline: String?, source: String?, url: String?, publishedAt: String?,
        language: String? = nil, direction: String? = nil, body: String
    ) {
        self.id = id
        self.title = title
        self.dek = dek
        self.byline = byline
        self.source = source
        self.url = url
        self.publishedAt = publishedAt
        self.language = language
        self.direction = direction
        self.body = body
    }

    var draft: ArticleDraft {
        ArticleDraft(
            title: title, dek: dek, byline: byline, source: source, url: url, publishedAt: publishedAt,
            language: language, direction: direction, body: body)
    }
}

/// A new annotation as one change carries it. `textHash` (SHA-256 of the text of the article's `part` the annotation
/// was made on) says which text the selector's offsets count in, whatever revision number that text has on a replica.
public struct AnnotationCreation: Sendable, Equatable {
    public var id: String
    public var articleID: String
    /// The part of the article it is on (schema 7; the body in a change from an older newsdb).
    public var part: ArticlePart
    public var textHash: String
    public var selector: TextSelector
    public var note: String?
    public var color: AnnotationColor
    public var motivation: Motivation
    public var author: String
    public var tags: [String]
    /// When it was made (ISO 8601); the change's `at` is when it was last modified, which differs for an annotation
    /// imported from a W3C export.
    public var createdAt: String

    /// The `textHash` of an annotation made where its passage was not found (imported from a text that changed):
    /// it is an orphan on every replica.
    public static let noText = ""

    /// Creates a creation.
    public init(
        id: String, articleID: String, part: ArticlePart = .body, textHash: String, selector: TextSelector,
        note: String?, color: AnnotationColor, motivation: Motivation, author: String, tags: [String], createdAt: String
    ) {
        self.id = id
        self.articleID = articleID
        self.part = part
        self.textHash = textHash
        self.selector = selector
        self.note = note
        self.color = color
        self.motivation = motivation
        self.author = author
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// The fields of an annotation that changes set, each merged on its own.
public enum AnnotationField: String, Sendable, CaseIterable, Codable {
    case note, color, motivation, selector, deleted
}

/// A value for one field.
public enum FieldValue: Sendable, Equatable {
    case note(String?)
    case color(AnnotationColor)
    case motivation(Motivation)
    /// A passage on the article text whose SHA-256 is `textHash`, a text of the part the annotation is on.
    case selector(TextSelector, textHash: String)

    /// The field it is a value of.
    public var field: AnnotationField {
        switch self {
        case .note: .note
        case .color: .color
        case .motivation: .motivation
        case .selector: .selector
        }
    }
}
