import Foundation
import Hummingbird
import Store

extension ReaderServer {
    /// `POST /api/articles/{id}/annotations`, `PATCH` and `DELETE /api/annotations/{id}`,
    /// `POST /api/annotations/{id}/restore`: each the Store function the CLI's commands call, one transaction with
    /// its recorded change.
    func addAnnotationRoutes(_ api: RouterGroup<ReaderRequestContext>) {
        api.post("articles/:id/annotations") { request, context in
            let article = try context.parameters.require("id")
            let body = try await self.decode(
                NewAnnotation.self, from: request,
                shape:
                    #"{"part"?, "quote", "prefix", "suffix", "start", "end", "color"?, "note"?, "tags"?, "motivation"?}"#
            )
            let draft = AnnotationDraft(
                article: article, part: try Self.part(body.part), quote: body.quote,
                position: PassagePosition(start: body.start, end: body.end, prefix: body.prefix, suffix: body.suffix),
                note: body.note, tags: body.tags ?? [], color: try Self.color(body.color),
                motivation: try Self.motivation(body.motivation))
            let made = try await self.run { try $0.annotate(draft) }
            return try Self.json(ReaderJSON.AnnotationJSON(annotation: made, conflicts: []), status: .created)
        }
        api.patch("annotations/:id") { request, context in
            let id = try context.parameters.require("id")
            let body = try await self.decode(
                AnnotationEdit.self, from: request, shape: #"{"note"?, "tags"?, "color"?, "motivation"?}"#)
            guard body.note != nil || body.tags != nil || body.color != nil || body.motivation != nil else {
                throw ReaderError(.badRequest, "nothing to change: give note, tags, color or motivation")
            }
            let color = try body.color.map { try Self.color($0) }
            let motivation = try Self.motivation(body.motivation)
            let edited = try await self.run { database in
                let current = try Self.live(id, in: database)
                let tags = try body.tags.map { try Set($0.map(Tag.normalized)) }
                let changes = AnnotationChanges(
                    note: body.note.map { $0 ?? "" }, addTags: tags.map { $0.subtracting(current.tags).sorted() } ?? [],
                    removeTags: tags.map { Set(current.tags).subtracting($0).sorted() } ?? [], color: color,
                    motivation: motivation)
                // Tags set to the ones it has, and nothing else: nothing to record.
                return changes.isEmpty ? current : try database.editAnnotation(current.id, changes)
            }
            return try Self.json(try await self.annotationJSON(edited))
        }
        api.delete("annotations/:id") { _, context in
            let id = try context.parameters.require("id")
            let deleted = try await self.run { database in
                try database.deleteAnnotations([try Self.live(id, in: database).id])
            }
            guard let annotation = deleted.first else { throw ReaderError(.failed, "the deletion deleted nothing") }
            return try Self.json(try await self.annotationJSON(annotation))
        }
        api.post("annotations/:id/restore") { _, context in
            let id = try context.parameters.require("id")
            let restored = try await self.run { database in
                let annotation = try database.annotation(id)
                guard annotation.deletedAt != nil else {
                    throw ReaderError(.conflict, "annotation \(annotation.id.prefix(8)) is not deleted")
                }
                return try database.restoreAnnotation(annotation.id)
            }
            return try Self.json(try await self.annotationJSON(restored))
        }
    }

    /// `POST /api/annotations/{id}/resolve`: settles a conflict on the annotation, as `newsdb resolve` does.
    func addResolveRoute(_ api: RouterGroup<ReaderRequestContext>) {
        api.post("annotations/:id/resolve") { request, context in
            let id = try context.parameters.require("id")
            let body = try await self.decode(
                Resolution.self, from: request, shape: #"{"field", "keep"} or {"field": "note", "note"}"#)
            let resolution: Store.Resolution
            switch (body.keep, body.note) {
            case (let keep?, nil): resolution = Store.Resolution(keep: keep)
            case (nil, let note?): resolution = .note(note)
            default: throw ReaderError(.badRequest, "give either keep (a value's number, author or change) or note")
            }
            let resolved = try await self.run { database in
                let annotation = try database.annotation(id)
                return try database.resolve("\(annotation.id)/\(body.field)", resolution)
            }
            return try Self.json(try await self.annotationJSON(resolved))
        }
    }

    /// The body of `POST /api/annotations/{id}/resolve`.
    struct Resolution: Decodable {
        /// The field in conflict: note, color, motivation, selector or deleted.
        let field: String
        /// The value to keep: `winner`, `other`, its number (1 the winner), its author's name or its change id.
        let keep: String?
        /// A new note, for a conflict on the note.
        let note: String?
    }

    /// The annotation `id`, refused with 409 when it is deleted.
    private static func live(_ id: String, in database: NewsDatabase) throws -> Annotation {
        let annotation = try database.annotation(id)
        guard annotation.deletedAt == nil else {
            throw ReaderError(
                .conflict, "annotation \(annotation.id.prefix(8)) is deleted; restore it before changing it")
        }
        return annotation
    }

    /// An annotation with the conflicts on it.
    private func annotationJSON(_ annotation: Annotation) async throws -> ReaderJSON.AnnotationJSON {
        let conflicts = try await run { try $0.conflicts(onAnnotation: annotation.id) }
        return ReaderJSON.AnnotationJSON(annotation: annotation, conflicts: conflicts)
    }

    private static func part(_ name: String?) throws -> ArticlePart {
        guard let name else { return .body }
        guard let part = ArticlePart(rawValue: name) else {
            throw ReaderError(.badRequest, "part must be one of title, dek, body")
        }
        return part
    }

    private static func color(_ name: String?) throws -> AnnotationColor {
        guard let name else { return .default }
        guard let color = AnnotationColor(rawValue: name) else {
            throw ReaderError(
                .badRequest, "color must be one of \(AnnotationColor.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return color
    }

    private static func motivation(_ name: String?) throws -> Motivation? {
        guard let name else { return nil }
        guard let motivation = Motivation(rawValue: name) else {
            throw ReaderError(
                .badRequest, "motivation must be one of \(Motivation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return motivation
    }

    /// The body of `POST /api/articles/{id}/annotations`.
    struct NewAnnotation: Decodable {
        /// `title`, `dek` or `body` (the default): the text the offsets count in.
        let part: String?
        let quote: String
        let prefix: String
        let suffix: String
        let start: Int
        let end: Int
        let color: String?
        let note: String?
        let tags: [String]?
        let motivation: String?
    }

    /// The body of `PATCH /api/annotations/{id}`: a field left out stays as it is; `"note": null` removes the note.
    struct AnnotationEdit: Decodable {
        /// nil: unchanged; `.some(nil)`: removed.
        let note: String??
        let tags: [String]?
        let color: String?
        let motivation: String?

        enum CodingKeys: String, CodingKey { case note, tags, color, motivation }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.note) {
                note = .some(try container.decodeIfPresent(String.self, forKey: .note))
            } else {
                note = nil
            }
            tags = try container.decodeIfPresent([String].self, forKey: .tags)
            color = try container.decodeIfPresent(String.self, forKey: .color)
            motivation = try container.decodeIfPresent(String.self, forKey: .motivation)
        }
    }
}
