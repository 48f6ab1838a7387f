import Foundation
import Store
import Sync
import Testing

@Suite struct MergeTests {
    let folder: TemporaryDirectory
    let clock = TestClock()
    let alice: TestReplica
    let bob: TestReplica

    init() throws {
        folder = try TemporaryDirectory()
        alice = try TestReplica("alice", in: folder, clock: clock.read)
        bob = try TestReplica("bob", in: folder, clock: clock.read)
    }

    /// Alice annotates the port strike article; Bob receives it.
    func sharedAnnotation() throws -> Annotation {
        let annotation = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[1], quote: "3.2% pay offer", note: "first", tags: ["claim"]))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        return annotation
    }

    @Test("An annotation, its article and its tags reach a teammate with the same id, anchor and author")
    func annotationTravels() throws {
        let annotation = try sharedAnnotation()
        let received = try bob.database.annotation(annotation.id)
        #expect(received.note == "first" && received.tags == ["claim"] && received.author == "alice")
        #expect(received.anchor == annotation.anchor)
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("Teammates editing different fields of one annotation both win")
    func perFieldMerge() throws {
        let annotation = try sharedAnnotation()
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "alice's note"))
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(addTags: ["verified"], color: .green))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        let merged = try alice.database.annotation(annotation.id)
        #expect(merged.note == "alice's note" && merged.tags == ["claim", "verified"] && merged.color == .green)
        #expect(try alice.database.conflicts().isEmpty)
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test(
        "Concurrent edits of one note: the same winner everywhere, the loser kept as a conflict, and the resolution syncs"
    )
    func concurrentNotes() throws {
        let annotation = try sharedAnnotation()
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "alice's note"))
        clock.advance(1)
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(note: "bob's note"))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        for replica in [alice, bob] {
            #expect(try replica.database.annotation(annotation.id).note == "bob's note")
            let conflicts = try replica.database.conflicts()
            #expect(conflicts.count == 1)
            #expect(conflicts.first?.winner.value == "bob's note" && conflicts.first?.winner.author == "bob")
            #expect(conflicts.first?.others.map(\.value) == ["alice's note"])
        }
        try alice.database.resolve(String(annotation.id.prefix(8)), .other)
        try alice.send(to: bob, in: folder)
        #expect(try bob.database.conflicts().isEmpty)
        #expect(try bob.database.annotation(annotation.id).note == "alice's note")
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("A note conflict can be settled with a new note")
    func resolveWithNote() throws {
        let annotation = try sharedAnnotation()
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "a"))
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(note: "b"))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        try bob.database.resolve("\(annotation.id.prefix(8))/note", .note("both: a and b"))
        #expect(throws: StoreError.self) { try bob.database.resolve(annotation.id, .winner) }
        try bob.send(to: alice, in: folder)
        #expect(try alice.database.annotation(annotation.id).note == "both: a and b")
        #expect(try alice.database.conflicts().isEmpty)
    }

    @Test("Tags merge as a set: concurrent additions both survive, and an addition beats a removal it did not see")
    func tagsAddWins() throws {
        let annotation = try sharedAnnotation()
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(addTags: ["pay"], removeTags: ["claim"]))
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(addTags: ["claim", "union"]))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        // Bob's "claim" was already there when he edited; re-adding a present tag is no change, so Alice's removal wins it.
        #expect(try alice.database.annotation(annotation.id).tags == ["pay", "union"])
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(removeTags: ["union"]))
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(removeTags: ["union"]))
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(addTags: ["union"]))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        #expect(try alice.database.annotation(annotation.id).tags == ["pay", "union"])
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("A deletion concurrent with an edit keeps the edit as a conflict; keeping the other restores the annotation")
    func deleteAgainstEdit() throws {
        let annotation = try sharedAnnotation()
        try alice.database.deleteAnnotations([annotation.id])
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(note: "bob still needs this"))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        for replica in [alice, bob] {
            let conflict = try #require(try replica.database.conflicts().first)
            #expect(conflict.field == .deleted && conflict.winner.value == "deleted")
            #expect(conflict.others.map(\.value) == ["note: bob still needs this"])
            #expect(try replica.database.annotation(annotation.id).deletedAt != nil)
        }
        try alice.database.resolve(annotation.id, .other)
        try alice.send(to: bob, in: folder)
        for replica in [alice, bob] {
            let restored = try replica.database.annotation(annotation.id)
            #expect(restored.deletedAt == nil && restored.note == "bob still needs this")
            #expect(try replica.database.conflicts().isEmpty)
        }
    }

    @Test("A deletion against a note edit and a tag added: keeping the other restores it with both, everywhere")
    func deleteAgainstTwoEdits() throws {
        let annotation = try sharedAnnotation()
        try alice.database.deleteAnnotations([annotation.id])
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(note: "bob's note", addTags: ["verified"]))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        let conflict = try #require(try alice.database.conflicts().first)
        #expect(conflict.field == .deleted && conflict.others.count == 2)
        try alice.database.resolve(annotation.id, .other)
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        for replica in [alice, bob] {
            let restored = try replica.database.annotation(annotation.id)
            #expect(
                restored.deletedAt == nil && restored.note == "bob's note" && restored.tags == ["claim", "verified"])
            #expect(try replica.database.conflicts().isEmpty)
        }
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("Three concurrent notes: any one can be kept, by number or by author, and the choice converges")
    func threeWayNotes() throws {
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        let annotation = try sharedAnnotation()
        try alice.send(to: carol, in: folder)
        let replicas = [alice, bob, carol]
        for replica in replicas {
            clock.advance(1)
            try replica.database.editAnnotation(annotation.id, AnnotationChanges(note: "\(replica.name)'s note"))
        }
        func exchange() throws {
            for sender in replicas {
                for receiver in replicas where receiver.name != sender.name {
                    try sender.send(to: receiver, in: folder)
                }
            }
        }
        try exchange()
        let conflict = try #require(try bob.database.conflicts().first)
        #expect(conflict.values.map(\.value) == ["carol's note", "bob's note", "alice's note"])
        #expect(throws: StoreError.self) { try bob.database.resolve(conflict.id, .other) }
        #expect(throws: StoreError.self) { try bob.database.resolve(conflict.id, .number(4)) }
        #expect(throws: StoreError.self) { try bob.database.resolve(conflict.id, .value("dave")) }
        try bob.database.resolve(conflict.id, .number(3))
        try exchange()
        for replica in replicas {
            #expect(try replica.database.annotation(annotation.id).note == "alice's note")
            #expect(try replica.database.conflicts().isEmpty)
        }
        // Again, and this time by author.
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "alice again"))
        try carol.database.editAnnotation(annotation.id, AnnotationChanges(note: "carol again"))
        try exchange()
        try carol.database.resolve(annotation.id, Resolution(keep: "alice"))
        try exchange()
        for replica in replicas {
            #expect(try replica.database.annotation(annotation.id).note == "alice again")
            #expect(try replica.database.conflicts().isEmpty)
        }
        #expect(try alice.snapshot() == bob.snapshot() && bob.snapshot() == carol.snapshot())
    }

    @Test(
        "An import counts the conflicts it makes: none for a deletion that saw every edit, one against an unseen edit")
    func reportedConflicts() throws {
        // Made, edited and deleted by Alice: one file brings it all to Bob, who never had the annotation.
        let annotation = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[1], quote: "3.2% pay offer", note: "first", tags: ["claim"]))
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "second", addTags: ["checked"]))
        _ = try alice.database.deleteAnnotations([annotation.id])
        #expect(try alice.send(to: bob, in: folder).conflicts == 0)
        #expect(try bob.database.conflicts().isEmpty)
        // A deletion that did not see an edit: a conflict on each side, whichever arrives second.
        let other = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[1], quote: "The union says", note: "shared"))
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        try alice.database.editAnnotation(other.id, AnnotationChanges(note: "alice's edit"))
        _ = try bob.database.deleteAnnotations([other.id])
        #expect(try alice.send(to: bob, in: folder).conflicts == 1)
        #expect(try bob.send(to: alice, in: folder).conflicts == 1)
        #expect(try alice.snapshot() == bob.snapshot())
    }

    @Test("A deletion that saw every edit is no conflict, and keeping the winner keeps it deleted")
    func deleteKeptDeleted() throws {
        let annotation = try sharedAnnotation()
        try bob.database.editAnnotation(annotation.id, AnnotationChanges(note: "seen"))
        try bob.send(to: alice, in: folder)
        try alice.database.deleteAnnotations([annotation.id])
        try alice.send(to: bob, in: folder)
        #expect(try bob.database.conflicts().isEmpty)
        #expect(try bob.database.annotation(annotation.id).deletedAt != nil)
    }

    @Test("A teammate whose clock runs hours ahead cannot make a later local edit lose")
    func skewedClock() throws {
        let fast = TestClock()
        fast.advance(3 * 3600)
        let carol = try TestReplica("carol", in: folder, clock: fast.read)
        let annotation = try sharedAnnotation()
        try alice.send(to: carol, in: folder)
        try carol.database.editAnnotation(annotation.id, AnnotationChanges(note: "carol, three hours ahead"))
        try carol.send(to: alice, in: folder)
        // Alice saw Carol's edit, then edited: hers must win although her wall clock says it is three hours earlier.
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "alice, after seeing carol's"))
        try alice.send(to: carol, in: folder)
        for replica in [alice, carol] {
            #expect(try replica.database.annotation(annotation.id).note == "alice, after seeing carol's")
            #expect(try replica.database.conflicts().isEmpty)
        }
    }

    @Test("Applying a file twice, or overlapping files, changes nothing the second time")
    func idempotence() throws {
        let annotation = try sharedAnnotation()
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "once"))
        let path = folder.path("edit.json")
        try ChangeFileWriter.export(from: alice.database, for: nil, to: path, newsdbVersion: "test")
        let first = try ChangeFileReader.apply(path, to: bob.database)
        #expect(first.applied == 1)
        let before = try bob.snapshot()
        let second = try ChangeFileReader.apply(path, to: bob.database)
        #expect(second.applied == 0 && second.duplicates > 0)
        #expect(try bob.snapshot() == before)
    }

    @Test("Relayed changes keep their author's identity and apply once, whichever route brings them first")
    func relay() throws {
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        let annotation = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[0], quote: "nine to four", note: "vote count"))
        try alice.send(to: bob, in: folder)
        let relayed = try bob.send(to: carol, in: folder)
        #expect(relayed.applied > 0)
        #expect(try carol.database.annotation(annotation.id).author == "alice")
        let direct = try alice.send(to: carol, in: folder, full: true)
        #expect(direct.applied == 0)
        #expect(try carol.snapshot() == alice.snapshot())
    }

    @Test("A conflict with a teammate heard of only through a relay names that teammate, not an id")
    func relayedNames() throws {
        let carol = try TestReplica("carol", in: folder, clock: clock.read)
        let annotation = try sharedAnnotation()
        try alice.send(to: carol, in: folder)
        clock.advance(1)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "alice's"))
        try carol.database.editAnnotation(annotation.id, AnnotationChanges(note: "carol's"))
        try carol.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        let conflict = try #require(alice.database.conflicts().first)
        #expect(Set([conflict.winner.author] + conflict.others.map(\.author)) == ["alice", "carol"])
    }

    @Test("A later file applied before an earlier one loses nothing: its changes wait and converge")
    func gap() throws {
        let annotation = try alice.database.annotate(
            AnnotationDraft(
                article: try alice.articleIDs[0], quote: "protected cycle lanes", note: "one"))
        let early = try alice.changes()
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "two", addTags: ["lanes"]))
        // Only the edits: as if Alice had been told Bob had everything up to the creation.
        let late = try alice.changes(excluding: early.header.covers)
        #expect(!late.changes.isEmpty)
        let waiting = try bob.apply(late)
        #expect(waiting.waiting == late.changes.count)
        let expected = WaitingChanges(
            need: .annotation, id: annotation.id, changes: late.changes.count, authors: ["alice"])
        #expect(try bob.database.waitingChanges() == [expected])
        #expect(try bob.database.status().waiting == [expected])
        #expect(
            expected.description
                == "\(late.changes.count) changes by alice wait for annotation \(annotation.id.prefix(8)), not received yet"
        )
        let released = try bob.apply(early)
        #expect(released.released == late.changes.count && released.waiting == 0)
        #expect(try bob.database.waitingChanges().isEmpty)
        #expect(try bob.database.annotation(annotation.id).note == "two")
        #expect(try bob.snapshot() == alice.snapshot())
    }

    @Test("An export for a peer holds only what it lacks, whatever the history")
    func deltaOnly() throws {
        let annotation = try sharedAnnotation()
        for index in 0..<20 {
            try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "draft \(index)"))
        }
        try alice.send(to: bob, in: folder)
        try bob.send(to: alice, in: folder)
        try alice.database.editAnnotation(annotation.id, AnnotationChanges(note: "final"))
        let delta = try alice.changes(for: bob)
        #expect(delta.changes.count == 1)
    }

    @Test("Article revisions travel, and annotations land where they would had they been made there")
    func revisionsTravel() throws {
        let annotation = try sharedAnnotation()
        let revised = sharedArticles[1].body.replacingOccurrences(of: "on Wednesday", with: "on Thursday")
        _ = try alice.database.importArticles(
            [.data(Data("\(sharedArticles[1].title)\n\n\(revised)\n".utf8), name: "revised.txt")],
            revisionOf: try alice.articleIDs[1])
        try alice.send(to: bob, in: folder)
        #expect(try bob.database.article(annotation.articleID).body == revised)
        #expect(try bob.snapshot() == alice.snapshot())
    }
}

@Suite struct ArticleLanguageSyncTests {
    @Test("An article's language and direction reach a teammate, and a revision there keeps them")
    func travels() throws {
        let folder = try TemporaryDirectory()
        let clock = TestClock()
        let alice = try TestReplica("alice", in: folder, clock: clock.read)
        let bob = try TestReplica("bob", in: folder, clock: clock.read)
        let page = """
            <!DOCTYPE html><html lang="ar" dir="rtl"><head><title>Sea wall</title></head><body>
            <p>The harbour council voted on Tuesday to rebuild the sea wall, after a winter of storms and floods.</p>
            <p>Work starts in May. The contractor expects the first section to be finished by the autumn tides.</p>
            </body></html>
            """
        let report = try alice.database.importArticles([.data(Data(page.utf8), name: "page.html")])
        let id = try #require(report.articles.first).id
        try alice.send(to: bob, in: folder)
        let received = try bob.database.article(id)
        #expect(received.language == "ar" && received.direction == "rtl")
        clock.advance(1)
        let text = "Sea wall\n\nThe harbour council voted again.\n"
        _ = try bob.database.importArticles([.data(Data(text.utf8), name: "again.txt")], revisionOf: id)
        try bob.send(to: alice, in: folder)
        let revised = try alice.database.article(id)
        #expect(revised.revision == 2 && revised.language == "ar" && revised.direction == "rtl")
    }
}
