import Foundation
import Store
import Sync
import Testing

/// A change id is never reused with other content: copies and backups put back become new replicas, and what cannot
/// be prevented is refused loudly (docs/SYNC.md, "Copies and backups").
@Suite struct ReplicaIdentityTests {
    let folder: TemporaryDirectory
    let clock = TestClock()

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// Copies a database as `cp` would (its write-ahead log too), to `name` in the folder.
    func copy(_ replica: TestReplica, to name: String) throws -> String {
        let source = folder.path("\(replica.name).sqlite")
        let copy = folder.path(name)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: source + suffix) {
            try FileManager.default.copyItem(atPath: source + suffix, toPath: copy + suffix)
        }
        return copy
    }

    func annotate(_ replica: TestReplica, _ quote: String, note: String) throws -> Annotation {
        try replica.database.annotate(AnnotationDraft(article: try replica.articleIDs[1], quote: quote, note: note))
    }

    func notes(_ replica: TestReplica) throws -> Set<String> {
        Set(try replica.database.annotations().compactMap(\.note))
    }

    @Test("A copied database becomes a new replica when opened, and both copies' annotations reach a third replica")
    func copyBecomesNewReplica() throws {
        let laptop = try TestReplica("laptop", in: folder, clock: clock.read)
        let original = try laptop.database.replica()
        let path = try copy(laptop, to: "laptop2.sqlite")
        let copied = try NewsDatabase.open(at: path, options: .init(backup: false, clock: clock.read))
        let fork = try #require(copied.fork)
        #expect(fork.reason == .copied && fork.previous == original && fork.current.id != original.id)
        #expect(try copied.replica().id == fork.current.id)
        // The original is still itself.
        #expect(try NewsDatabase.open(at: folder.path("laptop.sqlite"), options: .init(backup: false)).fork == nil)
        #expect(try laptop.database.replica() == original)

        let laptop2 = TestReplica(name: "laptop2", database: copied)
        _ = try annotate(laptop, "3.2% pay offer", note: "from the original")
        _ = try annotate(laptop2, "main gate", note: "from the copy")
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        try laptop.send(to: carol, in: folder)
        let second = try laptop2.send(to: carol, in: folder)
        #expect(second.applied == 1)
        #expect(try notes(carol) == ["from the original", "from the copy"])
        #expect(try carol.database.check().isEmpty)
    }

    @Test("A copy opened without migrating is only looked at: it does not become a new replica")
    func copyLookedAtStaysAsIs() throws {
        let laptop = try TestReplica("laptop", in: folder, clock: clock.read)
        let path = try copy(laptop, to: "look.sqlite")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let looked = try NewsDatabase.open(at: path, options: .init(migrate: false))
        #expect(looked.fork == nil)
        #expect(try looked.replica() == laptop.database.replica())
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("A new replica keeps its changes so far as the previous replica's, and counts its own from 1")
    func newReplicaOnRequest() throws {
        let alice = try TestReplica("alice", in: folder, clock: clock.read)
        let first = try annotate(alice, "3.2% pay offer", note: "before")
        let fork = try alice.database.startNewReplica(name: "alice-2")
        #expect(fork.reason == .requested && fork.current.name == "alice-2" && fork.previousCounter >= 3)
        _ = try annotate(alice, "main gate", note: "after")
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        let report = try alice.send(to: bob, in: folder)
        #expect(report.applied >= 2)
        #expect(try notes(bob) == ["before", "after"])
        // Bob knows both ids; the earlier one made the first annotation.
        let known = try bob.database.peer("alice-2").knowledge
        #expect(known.count(for: fork.previous.id) == fork.previousCounter && known.count(for: fork.current.id) == 1)
        #expect(try bob.database.annotation(first.id).author == "alice")
        #expect(try alice.database.check().isEmpty && bob.database.check().isEmpty)
        #expect(throws: StoreError.self) { try alice.database.startNewReplica(name: "  ") }
    }

    @Test("A change id known here with other content is refused, naming the replica, and nothing is applied")
    func reusedIDRefused() throws {
        let laptop = try TestReplica("laptop", in: folder, clock: clock.read)
        // A copy that escaped detection (opened without migrating, as a library may): it makes changes under the
        // original's ids.
        let path = try copy(laptop, to: "evaded.sqlite")
        let evaded = TestReplica(
            name: "laptop", database: try NewsDatabase.open(at: path, options: .init(migrate: false, clock: clock.read))
        )
        _ = try annotate(laptop, "3.2% pay offer", note: "original")
        _ = try annotate(evaded, "main gate", note: "copy")
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        try carol.apply(try laptop.changes())
        let before = try carol.snapshot()
        let error = try #require(throws: StoreError.self) { try carol.apply(try evaded.changes()) }
        #expect(error.code == .replicaReused)
        #expect(error.message.contains("laptop") && error.message.contains("nothing was applied"))
        #expect(try carol.snapshot() == before)
    }

    @Test(
        "A backup put back by hand is refused by a teammate holding more of its changes, until it is a new replica; then it gets them back"
    )
    func behindRefusedUntilNewReplica() throws {
        let alice = try TestReplica("alice", in: folder, clock: clock.read)
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        try alice.send(to: bob, in: folder)
        let path = try copy(alice, to: "backup.sqlite")
        _ = try annotate(alice, "3.2% pay offer", note: "made after the backup")
        try alice.send(to: bob, in: folder)
        // The backup, put back over the file in place (which keeps the file's identity), looks like alice.
        let restored = TestReplica(
            name: "alice", database: try NewsDatabase.open(at: path, options: .init(migrate: false, clock: clock.read)))
        let bundle = try bob.changes()
        let error = try #require(throws: StoreError.self) { try restored.apply(bundle) }
        #expect(error.code == .replicaReused && error.message.contains("newsdb init --new-replica"))
        #expect(error.message.contains("bob"))
        #expect(try notes(restored).isEmpty)
        try restored.database.startNewReplica()
        try restored.apply(try bob.changes())
        #expect(try notes(restored) == ["made after the backup"])
    }

    @Test(
        "restore puts a backup back as a new replica, which gets back what its replica made since; an existing database is not replaced"
    )
    func restoreBackup() throws {
        let alice = try TestReplica("alice", in: folder, clock: clock.read)
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        let backup = try copy(alice, to: "alice.bak")
        _ = try annotate(alice, "3.2% pay offer", note: "made after the backup")
        try alice.send(to: bob, in: folder)
        let target = folder.path("restored.sqlite")
        let (database, fork) = try NewsDatabase.restore(backup: backup, to: target, options: .init(clock: clock.read))
        let aliceID = try alice.database.replica().id
        #expect(fork.reason == .restored && fork.previous.id == aliceID)
        let restored = TestReplica(name: "alice", database: database)
        try bob.send(to: restored, in: folder, full: true)
        #expect(try notes(restored) == ["made after the backup"])
        #expect(try restored.database.check().isEmpty)

        let existing = try Data(contentsOf: URL(fileURLWithPath: target))
        let error = try #require(throws: StoreError.self) {
            try NewsDatabase.restore(backup: backup, to: target)
        }
        #expect(error.code == .invalidInput && error.message.contains("exists"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == existing)
        #expect(throws: StoreError.self) {
            try NewsDatabase.restore(backup: folder.path("none.bak"), to: folder.path("x.sqlite"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.sqlite")))
    }

    @Test(
        "A change stamped more than a day ahead of this clock is refused, naming its replica; within the day it is applied"
    )
    func clockAheadRefused() throws {
        let aheadClock = TestClock()
        aheadClock.advance(2 * 86_400)
        let skewed = try TestReplica("skewed", in: folder, clock: aheadClock.read)
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        _ = try annotate(skewed, "3.2% pay offer", note: "from the future")
        let before = try bob.snapshot()
        let error = try #require(throws: StoreError.self) { try bob.apply(try skewed.changes()) }
        #expect(error.code == .clockAhead && error.message.contains("skewed") && error.message.contains("2 days ahead"))
        #expect(try bob.snapshot() == before)
        // A day and a half later the skew is within the bound.
        clock.advance(1.5 * 86_400)
        try bob.apply(try skewed.changes())
        #expect(try notes(bob) == ["from the future"])
    }

    @Test(
        "A year-2100 timestamp is refused, and a new replica's clock no longer runs ahead once the wall clock is right")
    func farFutureClock() throws {
        let wrong = TestClock()
        wrong.advance(74 * 365.25 * 86_400)
        let skewed = try TestReplica("skewed", in: folder, clock: wrong.read)
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        let error = try #require(throws: StoreError.self) { try bob.apply(try skewed.changes()) }
        #expect(error.message.contains("years ahead"))
        // The wrong clock is set right: the replica's own clock still runs ahead until it is a new replica.
        let fixed = try NewsDatabase.open(
            at: folder.path("skewed.sqlite"), options: .init(backup: false, clock: clock.read))
        let fork = try fixed.startNewReplica()
        let fresh = TestReplica(name: "skewed", database: fixed)
        let note = try annotate(fresh, "main gate", note: "with the right clock")
        var before = Knowledge()
        before.insert(1...fork.previousCounter, for: fork.previous.id)
        let bundle = try fresh.changes(excluding: before)
        #expect(bundle.changes.count == 1)
        #expect(bundle.changes.map(\.clock.date).allSatisfy { $0 <= clock.read() })
        #expect(try fresh.database.annotation(note.id).note == "with the right clock")
    }
}
