import Foundation
import Store
import Sync
import Testing

/// Randomized, through a hub on SQLite and on PostgreSQL: three replicas make random changes and sync with the hub
/// at random moments, in pages of random sizes, two of them at once now and then; once each has synced until quiet,
/// every replica holds the same data.
@Suite struct HubConvergenceTests {
    static let seeds: [UInt64] = Array(0..<12)
    static let cases: [(HubKind, UInt64)] = HubKind.all.flatMap { kind in seeds.map { (kind, $0) } }

    @Test("Replicas syncing through a hub hold the same data, whatever the order and the page sizes", arguments: cases)
    func converges(kind: HubKind, seed: UInt64) async throws {
        let folder = try TemporaryDirectory()
        let clock = TestClock()
        let replicas = try ["ann", "ben", "cat"].map { try TestReplica($0, in: folder, clock: clock.read) }
        try await TestHub.with(kind, in: folder, clock: clock.read, maxPageChanges: 7) { hub in
            var random = SeededGenerator(seed: seed)
            var tokens: [String] = []
            for replica in replicas { tokens.append(try await hub.token(replica.name)) }
            for _ in 0..<Int.random(in: 15...30, using: &random) {
                clock.advance(Double(Int.random(in: 0...2, using: &random)))
                let index = Int.random(in: 0..<replicas.count, using: &random)
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6: try ConvergenceTests.randomChange(on: replicas[index], &random)
                case 6..<9:
                    try await replicas[index].sync(
                        with: hub, token: tokens[index], pageLimit: Int.random(in: 1...5, using: &random))
                default:
                    let other = (index + 1) % replicas.count
                    let (first, second) = (replicas[index], replicas[other])
                    let (firstToken, secondToken) = (tokens[index], tokens[other])
                    async let one = first.sync(with: hub, token: firstToken, pageLimit: 2)
                    async let two = second.sync(with: hub, token: secondToken, pageLimit: 3)
                    _ = try await (one, two)
                }
            }
            for _ in 0..<2 {
                for (replica, token) in zip(replicas, tokens) { try await replica.sync(with: hub, token: token) }
            }
            let expected = try replicas[0].snapshot()
            for replica in replicas.dropFirst() {
                let snapshot = try replica.snapshot()
                #expect(snapshot.articles == expected.articles, "seed \(seed): articles differ on \(replica.name)")
                #expect(
                    snapshot.annotations == expected.annotations, "seed \(seed): annotations differ on \(replica.name)")
                #expect(snapshot.conflicts == expected.conflicts, "seed \(seed): conflicts differ on \(replica.name)")
            }
        }
    }
}
