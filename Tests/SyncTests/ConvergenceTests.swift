import Foundation
import Store
import Sync
import Testing

/// Randomized: three replicas make random changes and exchange random subsets of them (deltas, full sets, stale
/// sets delivered late, duplicates); after a full exchange every replica holds the same data.
@Suite struct ConvergenceTests {
    static let seeds: [UInt64] = Array(0..<240)

    @Test(
        "Replicas that received the same changes hold the same data, whatever the order, grouping or route",
        arguments: seeds)
    func converges(seed: UInt64) throws {
        let folder = try TemporaryDirectory()
        let clock = TestClock()
        var random = SeededGenerator(seed: seed)
        let replicas = try ["ann", "ben", "cat"].map { try TestReplica($0, in: folder, clock: clock.read) }
        var late: [(to: Int, bundle: ChangeBundle)] = []
        for _ in 0..<Int.random(in: 12...30, using: &random) {
            clock.advance(Double(Int.random(in: 0...2, using: &random)))
            let index = Int.random(in: 0..<replicas.count, using: &random)
            if Int.random(in: 0..<10, using: &random) < 7 {
                try Self.randomChange(on: replicas[index], &random)
                continue
            }
            let target = (index + Int.random(in: 1..<replicas.count, using: &random)) % replicas.count
            let source = replicas[index]
            let knows = try source.database.peers().contains { $0.name == replicas[target].name }
            let bundle =
                try knows && Bool.random(using: &random) ? source.changes(for: replicas[target]) : source.changes()
            switch Int.random(in: 0..<10, using: &random) {
            case 0...1: late.append((target, bundle))
            case 2:
                try replicas[target].apply(bundle)
                try replicas[target].apply(bundle)
            default: try replicas[target].apply(bundle)
            }
            if !late.isEmpty && Int.random(in: 0..<4, using: &random) == 0 {
                let stale = late.remove(at: Int.random(in: 0..<late.count, using: &random))
                try replicas[stale.to].apply(stale.bundle)
            }
        }
        for _ in 0..<2 {
            for source in replicas {
                for target in replicas where target.name != source.name { try target.apply(source.changes()) }
            }
        }
        let expected = try replicas[0].snapshot()
        for replica in replicas.dropFirst() {
            let snapshot = try replica.snapshot()
            #expect(snapshot.articles == expected.articles, "seed \(seed): articles differ on \(replica.name)")
            #expect(snapshot.annotations == expected.annotations, "seed \(seed): annotations differ on \(replica.name)")
            #expect(snapshot.conflicts == expected.conflicts, "seed \(seed): conflicts differ on \(replica.name)")
        }
    }

    /// One random local change on `replica`, or none when the one drawn cannot be made.
    static func randomChange(on replica: TestReplica, _ random: inout SeededGenerator) throws {
        let database = replica.database
        let live = try database.annotations()
        let tags = ["claim", "check", "quote", "numbers"]
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<6 where live.count < 12, 0..<2:
            let articleIDs = try replica.articleIDs
            let id = articleIDs[Int.random(in: 0..<articleIDs.count, using: &random)]
            // One in four on the headline, whose revisions re-anchor it as the body's do.
            let part: ArticlePart = Int.random(in: 0..<4, using: &random) == 0 ? .title : .body
            let words = part.text(of: try database.article(id)).split(separator: " ")
            let length = min(4, words.count - 1)
            let start = Int.random(in: 0..<(words.count - length), using: &random)
            let quote = words[start..<(start + length)].joined(separator: " ")
            do {
                _ = try database.annotate(
                    AnnotationDraft(
                        article: id, part: part, quote: quote,
                        note: Bool.random(using: &random) ? "note \(random.next() % 100)" : nil,
                        tags: Bool.random(using: &random) ? [tags[Int(random.next() % 4)]] : []))
            } catch let error as StoreError where error.code == .ambiguous || error.code == .notFound {
                return  // the quote occurs twice, or a revision removed it: no change
            }
        case 6..<10 where !live.isEmpty:
            let target = live[Int.random(in: 0..<live.count, using: &random)]
            try database.editAnnotation(
                target.id, AnnotationChanges(note: "edit \(random.next() % 1000) by \(replica.name)"))
        case 10..<12 where !live.isEmpty:
            let target = live[Int.random(in: 0..<live.count, using: &random)]
            try database.editAnnotation(
                target.id, AnnotationChanges(color: AnnotationColor.allCases[Int(random.next() % 6)]))
        case 12..<15 where !live.isEmpty:
            let target = live[Int.random(in: 0..<live.count, using: &random)]
            let tag = tags[Int(random.next() % 4)]
            let changes =
                target.tags.contains(tag) ? AnnotationChanges(removeTags: [tag]) : AnnotationChanges(addTags: [tag])
            try database.editAnnotation(target.id, changes)
        case 15..<17 where !live.isEmpty:
            try database.deleteAnnotations([live[Int.random(in: 0..<live.count, using: &random)].id])
        case 17..<19:
            let conflicts = try database.conflicts()
            guard let conflict = conflicts.randomElement(using: &random) else { return }
            let choices: [Resolution] = conflict.others.count == 1 ? [.winner, .other] : [.winner]
            let choice =
                conflict.field == .note && Bool.random(using: &random)
                ? Resolution.note("settled by \(replica.name)") : choices[Int(random.next() % UInt64(choices.count))]
            try database.resolve(conflict.id, choice)
        case 19:
            let articleIDs = try replica.articleIDs
            let id = articleIDs[Int.random(in: 0..<articleIDs.count, using: &random)]
            let article = try database.article(id)
            let body = article.body + " Updated by \(replica.name) \(random.next() % 100)."
            // Now and then the headline changes too: its last word, which some headline annotations hold.
            let title =
                Bool.random(using: &random)
                ? article.title.split(separator: " ").dropLast().joined(separator: " ") + " \(replica.name)"
                : article.title
            _ = try database.importArticles(
                [.data(Data("\(title)\n\n\(body)\n".utf8), name: "revision.txt")], revisionOf: id)
        default:
            return
        }
    }
}
