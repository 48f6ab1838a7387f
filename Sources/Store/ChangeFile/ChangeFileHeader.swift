import Foundation

/// The first line of a change file: `{"format": "newsdb-changes", "version": 1, ...` (the object continues on the
/// following lines with the changes, their count, and the SHA-256).
enum ChangeFileHeader {
    /// The header line: the format name and version first, so that a person (or `head -c 60`) sees what the file
    /// is, then the header's fields with their keys sorted. Written here rather than by JSONSerialization, whose
    /// sorted keys are compared as localized strings: with a team's 200 replicas in the knowledge and names, that
    /// sorting was a quarter of a hub's time answering pulls.
    static func line(_ header: ChangeSetHeader, origins: [String]) -> String {
        var text = "{\"format\": \"\(ChangeFileFormat.name)\", \"version\": \(ChangeFileFormat.version), "
        text += "\"covers\":" + ranges(header.covers)
        text += ",\"knowledge\":" + ranges(header.knowledge)
        text += ",\"names\":" + object(header.names.mapValues(JSONText.quoted))
        text += ",\"newsdb\":" + JSONText.quoted(header.newsdbVersion)
        text += ",\"origins\":[" + origins.map(JSONText.quoted).joined(separator: ",") + "]"
        text += ",\"schema\":\(header.schemaVersion)"
        text +=
            ",\"sender\":{\"id\":\(JSONText.quoted(header.sender.id)),\"name\":\(JSONText.quoted(header.sender.name))}"
        text += ",\"vector\":" + object(header.knowledge.vector.mapValues { String($0) })
        return text + ","
    }

    /// `{"origin": [[first, last], …], …}`.
    private static func ranges(_ knowledge: Knowledge) -> String {
        object(
            knowledge.ranges.mapValues { list in
                "[" + list.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]"
            })
    }

    /// A JSON object of values already written as JSON, its keys in order.
    private static func object(_ values: [String: String]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + $0.value }.joined(separator: ",")
            + "}"
    }

    /// Reads the header line.
    /// - Throws: `StoreError` `.invalidInput` naming the file and what is wrong.
    static func read(_ line: Data, file: String) throws -> (header: ChangeSetHeader, origins: [String]) {
        var text = line
        guard text.last == UInt8(ascii: ",") else { throw notAChangeFile(file) }
        text[text.index(before: text.endIndex)] = UInt8(ascii: "}")
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: text)
        } catch {
            throw notAChangeFile(file)
        }
        guard let object = parsed as? [String: Any], object["format"] as? String == ChangeFileFormat.name else {
            throw notAChangeFile(file)
        }
        do {
            try NULCharacter.refuse(in: object, what: "its header")
        } catch let error as StoreError {
            throw damaged(file, error.message)
        }
        guard let version = object["version"] as? Int else { throw damaged(file, "its format version is missing") }
        guard version <= ChangeFileFormat.version else {
            throw StoreError(
                .invalidInput,
                "\(file) is in change file format \(version), newer than this newsdb reads (\(ChangeFileFormat.version)); upgrade newsdb"
            )
        }
        guard let schema = object["schema"] as? Int, let sender = object["sender"] as? [String: Any],
            let senderID = sender["id"] as? String, let senderName = sender["name"] as? String,
            let newsdb = object["newsdb"] as? String, let origins = object["origins"] as? [String],
            let knowledge = object["knowledge"], let covers = object["covers"]
        else { throw damaged(file, "its header lacks a field") }
        guard schema <= NewsDatabase.changeSchemaVersion else {
            throw StoreError(
                .invalidInput,
                "\(file) comes from a newer newsdb (schema \(schema); this one has \(NewsDatabase.changeSchemaVersion)); upgrade newsdb"
            )
        }
        // Names came with newsdb 0.3.0; a file from 0.2.0 has none.
        guard let names = object["names"].map({ $0 as? [String: String] }) ?? [:] else {
            throw damaged(file, "its names of replicas are unreadable")
        }
        let header = ChangeSetHeader(
            sender: Replica(id: senderID, name: senderName, createdAt: ""), knowledge: try decode(knowledge, file),
            covers: try decode(covers, file), schemaVersion: schema, newsdbVersion: newsdb, names: names)
        return (header, origins)
    }

    private static func decode(_ value: Any, _ file: String) throws -> Knowledge {
        do {
            let data = try JSONSerialization.data(withJSONObject: value)
            return try JSONDecoder().decode(Knowledge.self, from: data)
        } catch {
            throw damaged(file, "its list of changes held is unreadable")
        }
    }

    static func notAChangeFile(_ file: String) -> StoreError {
        StoreError(.invalidInput, "\(file) is not a newsdb change file (made by `newsdb sync export`)")
    }

    static func damaged(_ file: String, _ what: String) -> StoreError {
        StoreError(.invalidInput, "\(file) is damaged: \(what); nothing was imported; ask for the file again")
    }
}
