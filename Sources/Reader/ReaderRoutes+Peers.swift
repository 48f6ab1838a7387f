import Foundation
import Hummingbird
import Store
import Synchronization

extension ReaderServer {
    /// `GET /api/peers` (the servers added with `newsdb peers add`, never their tokens) and
    /// `POST /api/peers/{name}/sync` (Sync now: the same sync as `newsdb sync NAME`).
    func addPeerRoutes(_ api: RouterGroup<ReaderRequestContext>) {
        api.get("peers") { _, _ in
            let (servers, peers) = try await self.run { database in (try database.servers(), try database.peers()) }
            let listed = servers.map { server in
                PeerJSON(
                    name: server.name, url: server.url, added: server.addedAt,
                    lastSynced: peers.first { $0.id == server.replica }?.lastHeardAt)
            }
            return try Self.json(["peers": listed])
        }
        api.post("peers/:name/sync") { _, context in
            let name = try context.parameters.require("name")
            let server = try await self.run { try $0.server(named: name) }
            guard self.syncsRunning.start(server.name) else {
                throw ReaderError(.conflict, "a sync with \(server.name) is already running; wait for it to finish")
            }
            defer { self.syncsRunning.finish(server.name) }
            let outcome: PeerSyncOutcome
            do {
                outcome = try await self.syncing.sync(self.database, with: server)
            } catch let error as StoreError {
                throw Self.syncFailure(error)
            }
            return try Self.json(SyncAnswer(peer: server.name, outcome: outcome))
        }
    }

    /// A failed sync's answer: what the server did (unreachable, failing, refusing the token or this newsdb) is a
    /// 502 with the client's own sentence; a busy or failing database here is answered as any other request's.
    static func syncFailure(_ error: StoreError) -> any Error {
        switch error.code {
        case .busy, .database, .cannotOpen, .schemaTooNew, .migrationMismatch, .migrationFailed, .migrationRequired,
            .backupFailed:
            return error
        case .io, .invalidInput, .notFound, .ambiguous, .replicaReused, .clockAhead, .notAllowed:
            return ReaderError(.badGateway, error.message)
        }
    }

    /// A stored server in `GET /api/peers`.
    struct PeerJSON: Encodable {
        let name: String
        let url: String
        let added: String?
        /// When changes from it were last applied here.
        let lastSynced: String?

        enum CodingKeys: String, CodingKey { case name, url, added, lastSynced }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(url, forKey: .url)
            try container.encode(added, forKey: .added)
            try container.encode(lastSynced, forKey: .lastSynced)
        }
    }

    /// The answer of Sync now: the counts, and the sentence the page shows.
    struct SyncAnswer: Encodable {
        let peer: String
        let sent: Int
        let received: Int
        let conflicts: Int
        let waiting: Int
        let message: String

        init(peer: String, outcome: PeerSyncOutcome) {
            self.peer = peer
            sent = outcome.sent
            received = outcome.received
            conflicts = outcome.conflicts
            waiting = outcome.waiting
            var message = "Sent \(outcome.sent), received \(outcome.received) from \(peer)"
            if outcome.conflicts > 0 {
                message += "; \(outcome.conflicts) conflict\(outcome.conflicts == 1 ? "" : "s") to look at"
            }
            if outcome.waiting > 0 {
                message +=
                    "; \(outcome.waiting) change\(outcome.waiting == 1 ? "" : "s") waiting for earlier ones"
            }
            self.message = message + "."
        }
    }
}

/// The names of the servers a sync is running with.
final class RunningSyncs: Sendable {
    private let names = Mutex<Set<String>>([])

    /// Marks a sync with `name` as running; false when one already is.
    func start(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }

    /// Marks it finished.
    func finish(_ name: String) { _ = names.withLock { $0.remove(name) } }
}
