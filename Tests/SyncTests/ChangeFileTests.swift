import Foundation
import Store
import Sync
import Testing

@Suite struct ChangeFileTests {
    let folder: TemporaryDirectory
    let alice: TestReplica
    let bob: TestReplica
    let file: String

    init() throws {
        folder = try TemporaryDirectory()
        let clock = TestClock()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
        _ = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[0], quote: "protected cycle lanes", note: "who pays?", tags: ["claim"]))
        file = folder.path("alice.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: file, newsdbVersion: "test")
    }

    /// Applies `bytes` as a change file to Bob, expecting a refusal whose message contains `message`, and checks
    /// Bob's database is byte for byte as it was.
    func expectRefused(_ bytes: Data, _ message: String) throws {
        let path = try folder.write("bad-\(UUID().uuidString).json", bytes)
        let before = snapshot(bob.database.path)
        let error = try #require(throws: StoreError.self) { try ChangeFileReader.apply(path, to: bob.database) }
        #expect(error.message.contains(message), "\(error.message)")
        #expect(!error.message.contains("\n"))
        #expect(snapshot(bob.database.path) == before)
    }

    func snapshot(_ path: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { files[suffix] = data }
        }
        return files
    }

    var original: Data { get throws { try Data(contentsOf: URL(fileURLWithPath: file)) } }

    @Test("A change file says what it is, who sent it and what it holds, and ends with its SHA-256")
    func layout() throws {
        let text = String(decoding: try original, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("{\"format\": \"newsdb-changes\", \"version\": 1, "))
        #expect(lines[0].contains("\"name\":\"alice\"") && lines[0].contains("\"schema\":"))
        #expect(lines[1] == "\"changes\": [")
        #expect(lines[lines.count - 2].hasPrefix("\"sha256\": \""))
        // It is one JSON document.
        let object = try JSONSerialization.jsonObject(with: try original) as? [String: Any]
        #expect((object?["changes"] as? [Any])?.count == 4)  // two articles, a text definition, an annotation
        #expect(object?["count"] as? Int == 3)
    }

    @Test("A truncated file is refused and changes nothing")
    func truncated() throws {
        let data = try original
        try expectRefused(data.prefix(data.count / 2), "truncated")
        try expectRefused(data.dropLast(30), "truncated")
    }

    @Test("A file altered after it was written is refused and changes nothing")
    func tampered() throws {
        var text = String(decoding: try original, as: UTF8.self)
        text = text.replacingOccurrences(of: "who pays?", with: "who pays!")
        try expectRefused(Data(text.utf8), "SHA-256 does not match")
    }

    @Test("A change line that is damaged under a matching SHA-256 is refused and changes nothing")
    func damagedLine() throws {
        var text = String(decoding: try original, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"yellow\"", with: "\"mauve\"")
        try expectRefused(resealed(text), "an unknown color \"mauve\"")
        text = String(decoding: try original, as: UTF8.self).replacingOccurrences(of: "\"c\",", with: "\"c\" oops,")
        try expectRefused(resealed(text), "not valid JSON")
    }

    @Test("A NUL character in a change's text or in the header's names is refused whole, not stored cut short")
    func nulCharacter() throws {
        // SQLite would keep only "who", dropping what follows the NUL without a word.
        let note = String(decoding: try original, as: UTF8.self).replacingOccurrences(
            of: "who pays?", with: "who\\u0000 pays?")
        try expectRefused(resealed(note), "a NUL character")
        let name = String(decoding: try original, as: UTF8.self).replacingOccurrences(
            of: "\"name\":\"alice\"", with: "\"name\":\"ali\\u0000ce\"")
        try expectRefused(resealed(name), "its header holds a NUL character")
        // An escaped backslash before "u0000" is text, not a NUL.
        let text = String(decoding: try original, as: UTF8.self).replacingOccurrences(
            of: "who pays?", with: "who\\\\u0000 pays?")
        _ = try ChangeFileReader.apply(try folder.write("backslash.json", resealed(text)), to: bob.database)
        let stored = try bob.database.annotations().map(\.note)
        #expect(stored == ["who\\u0000 pays?"])
    }

    @Test("A change longer than the blocks a file is read in applies whole")
    func longLine() throws {
        let note = String(repeating: "Ask the union for the staffing figures. ", count: 60_000)  // 2.4 MB
        _ = try alice.database.annotate(
            AnnotationDraft(article: try alice.articleIDs[1], quote: "3.2% pay offer", note: note))
        let path = folder.path("long.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: path, newsdbVersion: "test")
        var fractions: [Double] = []
        try ChangeFileReader.apply(path, to: bob.database) { fractions.append($0) }
        #expect(try alice.snapshot() == bob.snapshot())
        #expect(fractions.last == 1 && fractions == fractions.sorted())
    }

    @Test("A file in a future format version, or from a newer schema, is refused and changes nothing")
    func tooNew() throws {
        let text = String(decoding: try original, as: UTF8.self)
        try expectRefused(
            Data(text.replacingOccurrences(of: "\"version\": 1,", with: "\"version\": 2,").utf8), "format 2, newer")
        try expectRefused(
            Data(
                text.replacingOccurrences(of: "\"schema\":\(NewsDatabase.changeSchemaVersion)", with: "\"schema\":99")
                    .utf8),
            "newer newsdb (schema 99")
    }

    @Test("Something that is not a change file is refused and changes nothing")
    func notAChangeFile() throws {
        try expectRefused(Data("{\"title\": \"an article\", \"body\": \"text\"}\n".utf8), "not a newsdb change file")
        try expectRefused(Data(), "not a newsdb change file")
    }

    @Test("A replica's own file is refused")
    func ownFile() throws {
        #expect(throws: StoreError.self) { try ChangeFileReader.apply(file, to: alice.database) }
    }

    @Test("A file applies whole, and an export for a peer leaves out what it has")
    func roundTrip() throws {
        let report = try ChangeFileReader.apply(file, to: bob.database)
        #expect(report.applied == 3 && report.sender == "alice")
        #expect(try alice.snapshot() == bob.snapshot())
        let peer = try bob.database.peer("alice")
        #expect(peer.knowledge == (try alice.database.knowledge()))
        let back = folder.path("bob.json")
        // Bob's own imports of the same articles are all he can send (identical content: whichever is stamped
        // later stands for both), and the file tells Alice that he made them.
        let summary = try ChangeFileWriter.export(from: bob.database, for: peer, to: back, newsdbVersion: "test")
        #expect(summary.changes <= 2)
        try ChangeFileReader.apply(back, to: alice.database)
        #expect(try alice.database.peer("bob").missing == 0)
        #expect(try alice.database.knowledge() == bob.database.knowledge())
    }

    @Test(
        "An article text defined on the 4,002nd line (where an earlier reader cut its chunks) reaches the change after it"
    )
    func textAtChunkEnd() throws {
        // Lines: the header, `"changes": [`, 2 articles, then the first annotation on article 0 (a text line and
        // its creation), 3,995 more on it, and the text line of article 1 on the chunk's last line.
        let ids = try alice.articleIDs
        let first = try alice.database.annotation(try #require(alice.database.annotations(AnnotationFilter()).first).id)
        let onFirst = first.articleID
        let other = ids.first { $0 != onFirst }!
        let quote = onFirst == ids[0] ? "protected cycle lanes" : "3.2% pay offer"
        let lines =
            (0..<(4_000 - 5)).map { #"{"article": "\#(onFirst)", "quote": "\#(quote)", "note": "n\#($0)"}"# }
            + [
                #"{"article": "\#(other)", "quote": "\#(onFirst == ids[0] ? "3.2% pay offer" : "protected cycle lanes")"}"#
            ]
        _ = try alice.database.importAnnotations(Data(lines.joined(separator: "\n").utf8))
        let path = folder.path("chunks.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: path, newsdbVersion: "test")
        let text = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(text[4_000 + 1].hasPrefix("[\"t\""))
        let report = try ChangeFileReader.apply(path, to: bob.database)
        #expect(report.applied == lines.count + 3)
        #expect(try bob.database.annotations(AnnotationFilter()).count == lines.count + 1)
    }

    @Test("A file whose count line disagrees with its changes is refused whole, even with a matching SHA-256")
    func countMismatch() throws {
        let text = String(decoding: try original, as: UTF8.self)
        try expectRefused(
            resealed(text.replacingOccurrences(of: "\"count\": 3,", with: "\"count\": 4,")),
            "it says it holds 4 changes but holds 3")
    }

    @Test("A file claiming to account for changes its sender does not have is refused, even with a matching SHA-256")
    func coversBeyondKnowledge() throws {
        let text = String(decoding: try original, as: UTF8.self)
        let sender = try alice.database.replica().id
        let widened = text.replacingOccurrences(
            of: "\"covers\":{\"\(sender)\":[[1,3]]}", with: "\"covers\":{\"\(sender)\":[[1,99]]}")
        #expect(widened != text)
        try expectRefused(resealed(widened), "claim to account for changes their sender does not have")
    }
}
