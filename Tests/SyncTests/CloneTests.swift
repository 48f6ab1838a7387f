import Crypto
import Foundation
import Store
import Sync
import Testing

/// `newsdb clone`: a new replica made from a snapshot behaves exactly as one that received every change one by one
/// (docs/SYNC.md, "Snapshots").
@Suite struct CloneTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica
    let carol: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
        carol = try TestReplica("carol", in: folder, clock: clock.read)
    }

    /// Alice after edits, deletions, a tag removed, two conflicts (a note, and a deletion that did not see an edit)
    /// and carol's annotation relayed through bob; with a token and a server of her own, which must not travel.
    func busyAlice() throws {
        let articles = try alice.articleIDs
        let first = try alice.database.annotate(
            AnnotationDraft(article: articles[1], quote: "3.2% pay offer", note: "first", tags: ["claim", "pay"]))
        let second = try alice.database.annotate(AnnotationDraft(article: articles[1], quote: "main gate"))
        let third = try alice.database.annotate(
            AnnotationDraft(article: articles[0], quote: "nine to four", note: "vote", tags: ["numbers"]))
        try alice.send(to: bob, in: folder)
        clock.advance(1)
        try alice.database.editAnnotation(first.id, AnnotationChanges(note: "alice's note", removeTags: ["pay"]))
        try alice.database.deleteAnnotations([second.id])
        clock.advance(1)
        try bob.database.editAnnotation(first.id, AnnotationChanges(note: "bob's note", color: .green))
        try bob.database.editAnnotation(second.id, AnnotationChanges(note: "keep this"))
        try bob.database.editAnnotation(third.id, AnnotationChanges(addTags: ["verified"]))
        _ = try carol.database.annotate(
            AnnotationDraft(article: articles[0], quote: "protected cycle lanes", note: "carol's", tags: ["claim"]))
        try carol.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        _ = try alice.database.createToken(name: "bob")
        try alice.database.addServer(name: "hub", url: "http://127.0.0.1:9", token: "ndb_secret-server-token")
        #expect(try alice.database.conflicts().count == 2)
    }

    /// A new database that received alice's changes one by one, through her full change file.
    func byChangeFile(_ name: String) throws -> TestReplica {
        let database = try NewsDatabase.open(
            at: folder.path("\(name).sqlite"), options: .init(backup: false, clock: clock.read))
        try database.rename(to: name)
        let replica = TestReplica(name: name, database: database)
        try alice.send(to: replica, in: folder, full: true)
        return replica
    }

    /// Alice's snapshot, written to a file.
    func snapshotFile() throws -> String {
        let path = folder.path("alice.snapshot")
        _ = try alice.database.writeSnapshot(to: path, newsdbVersion: "test")
        return path
    }

    func clone(_ snapshot: String, as name: String) throws -> (TestReplica, CloneReport) {
        let path = folder.path("\(name).sqlite")
        let report = try NewsDatabase.clone(
            snapshot: snapshot, to: path, name: name, options: .init(backup: false, clock: clock.read))
        let database = try NewsDatabase.open(at: path, options: .init(backup: false, clock: clock.read))
        #expect(database.fork == nil)
        return (TestReplica(name: name, database: database), report)
    }

    @Test("A clone holds what a replica that received every change by file holds, and answers later changes alike")
    func cloneMatchesChangeFiles() throws {
        try busyAlice()
        let byFile = try byChangeFile("dave")
        let (cloned, report) = try clone(try snapshotFile(), as: "erin")
        #expect(report.source == (try alice.database.replica()) && report.replica.name == "erin")
        #expect(try cloned.database.replica().id != (try alice.database.replica()).id)
        #expect(try cloned.snapshot() == byFile.snapshot())
        #expect(try cloned.snapshot() == alice.snapshot())
        #expect(try cloned.database.knowledge() == byFile.database.knowledge())
        #expect(try cloned.database.check().isEmpty)

        // Later changes by bob (a new conflict, a tag) and carol reach both the same way, with the same result.
        clock.advance(5)
        let first = try #require(try alice.database.annotations().first { $0.note == "bob's note" })
        try cloned.database.editAnnotation(first.id, AnnotationChanges(note: "a newcomer's note"))
        try byFile.database.editAnnotation(first.id, AnnotationChanges(note: "a newcomer's note"))
        clock.advance(1)
        try bob.database.editAnnotation(first.id, AnnotationChanges(note: "bob again", addTags: ["late"]))
        let later = folder.path("bob-later.json")
        try ChangeFileWriter.export(from: bob.database, for: nil, to: later, newsdbVersion: "test")
        let onFile = try ChangeFileReader.apply(later, to: byFile.database)
        let onClone = try ChangeFileReader.apply(later, to: cloned.database)
        #expect(onFile.applied == onClone.applied && onFile.duplicates == onClone.duplicates)
        #expect(onClone.conflicts == onFile.conflicts && onClone.conflicts > 0)
        #expect(try cloned.snapshot().annotations == byFile.snapshot().annotations)
        #expect(try cloned.snapshot().conflicts.map(\.others.count) == byFile.snapshot().conflicts.map(\.others.count))
    }

    @Test("The clone's next sync sends nothing twice, either way, and its own changes travel under its own id")
    func nothingTwice() throws {
        try busyAlice()
        let (cloned, _) = try clone(try snapshotFile(), as: "erin")
        #expect(try alice.changes(excluding: cloned.database.knowledge()).changes.isEmpty)
        #expect(try cloned.changes(for: alice).changes.isEmpty)
        let annotation = try cloned.database.annotate(
            AnnotationDraft(article: try alice.articleIDs[1], quote: "north gate", note: "erin's"))
        let sent = try cloned.changes(for: alice)
        #expect(sent.changes.count == 1 && sent.header.sender.name == "erin")
        let report = try cloned.send(to: alice, in: folder)
        #expect(report.applied == 1 && report.duplicates == 0)
        #expect(try alice.database.annotation(annotation.id).author == "erin")
        #expect(try alice.database.check().isEmpty)
    }

    @Test("A snapshot carries no tokens, servers or peers of its source")
    func nothingPrivate() throws {
        try busyAlice()
        let path = try snapshotFile()
        let (cloned, _) = try clone(path, as: "erin")
        // Not even in a free page of the database the snapshot held.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cloned.database.path))
        #expect(bytes.range(of: Data("ndb_secret-server-token".utf8)) == nil)
        #expect(bytes.range(of: Data("http://127.0.0.1:9".utf8)) == nil)
        #expect(bytes.range(of: Data("3.2% pay offer".utf8)) != nil)
        #expect(try cloned.database.tokens().isEmpty && cloned.database.servers().isEmpty)
        #expect(try cloned.database.peers().map(\.name) == ["alice"])
        #expect(try alice.database.peers().count == 1 && alice.database.tokens().count == 1)
    }

    @Test("The copy a snapshot is sealed from is readable by its owner only, and is removed once streamed")
    func sealedCopyIsPrivate() throws {
        let sealing = try TemporaryDirectory()
        let stream = try alice.database.sealSnapshot(in: sealing.url.path, newsdbVersion: "test")
        let names = try FileManager.default.contentsOfDirectory(atPath: sealing.url.path)
        let copy = try #require(names.first { $0.hasPrefix(".newsdb-snapshot-") })
        let attributes = try FileManager.default.attributesOfItem(atPath: sealing.path(copy))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var blocks = 0
        while try stream.next() != nil { blocks += 1 }
        #expect(blocks >= 3 && stream.compressedBytes > 0)
        stream.remove()
        #expect(try FileManager.default.contentsOfDirectory(atPath: sealing.url.path).isEmpty)
    }

    /// What a refused clone leaves: nothing at the target, no partial file.
    func expectNothingMade(_ name: String) {
        for suffix in ["", ".partial", "-wal", ".partial-wal"] {
            #expect(!FileManager.default.fileExists(atPath: folder.path(name + suffix)))
        }
    }

    func refusal(_ bytes: Data) throws -> String {
        let path = try folder.write("bad.snapshot", bytes)
        let error = try #require(throws: StoreError.self) {
            try NewsDatabase.clone(snapshot: path, to: folder.path("new.sqlite"), name: nil)
        }
        expectNothingMade("new.sqlite")
        return error.message
    }

    @Test("A truncated, altered, newer-format or newer-schema snapshot is refused whole, and leaves no database")
    func refusals() throws {
        try busyAlice()
        let good = try Data(contentsOf: URL(fileURLWithPath: try snapshotFile()))
        #expect(try refusal(good.prefix(good.count - 100)).contains("is damaged: it is truncated"))
        #expect(try refusal(good.prefix(30)).contains("is damaged: it is truncated"))
        var altered = good
        altered[good.count / 2] ^= 0x01
        #expect(try refusal(altered).contains("its SHA-256 does not match"))
        let end = try #require(good.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: good[..<end], as: UTF8.self)
        let newerFormat = Data(header.replacingOccurrences(of: #""version":1"#, with: #""version":2"#).utf8)
        #expect(try refusal(newerFormat + good[end...]).contains("snapshot format 2, newer than"))
        let newerSchema = Data(
            header.replacingOccurrences(of: "\"schema\":\(Migration.latestVersion)", with: #""schema":99"#).utf8)
        #expect(try refusal(newerSchema + good[end...]).contains("from a newer newsdb (schema 99"))
        #expect(try refusal(good + Data("x".utf8)).contains("goes on after its end"))
        #expect(try refusal(Data("hello\n".utf8)).contains("is not a newsdb snapshot"))
        // A snapshot made by hand, whose SHA-256 matches a frame that is not Zstandard's.
        let garbage = good[...end] + Data(repeating: 0x41, count: 5000)
        let digest = SHA256.hash(data: garbage).map { String(format: "%02x", $0) }.joined()
        #expect(try refusal(garbage + Data("{\"sha256\":\"\(digest)\"}\n".utf8)).contains("does not decompress"))
        let changes = folder.path("changes.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: changes, newsdbVersion: "test")
        #expect(try refusal(try Data(contentsOf: URL(fileURLWithPath: changes))).contains("not a newsdb snapshot"))
    }

    @Test("A clone never goes over a database: a target that is not empty is refused and left as it was")
    func targetExists() throws {
        let snapshot = try snapshotFile()
        let before = try Data(contentsOf: URL(fileURLWithPath: bob.database.path))
        let error = try #require(throws: StoreError.self) {
            try NewsDatabase.clone(snapshot: snapshot, to: bob.database.path, name: nil)
        }
        #expect(error.message.contains("exists and is not empty"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: bob.database.path)) == before)
        // An empty file someone made for it is taken.
        let empty = try folder.write("empty.sqlite", Data())
        _ = try NewsDatabase.clone(snapshot: snapshot, to: empty, name: nil)
        #expect(try NewsDatabase.open(at: empty).articles().count == sharedArticles.count)
    }

    @Test("A partial file left by a clone that was killed is taken over by the next clone")
    func stalePartial() throws {
        let snapshot = try snapshotFile()
        try folder.write("new.sqlite.partial", Data("half of a snapshot".utf8))
        let report = try NewsDatabase.clone(snapshot: snapshot, to: folder.path("new.sqlite"), name: "fresh")
        #expect(report.replica.name == "fresh" && report.articles == sharedArticles.count)
        #expect(!FileManager.default.fileExists(atPath: folder.path("new.sqlite.partial")))
    }
}
