import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Store

/// Makes a new database from a `newsdb serve` server's snapshot (`newsdb clone URL`): the snapshot streams from the
/// server to a partial file beside the target, checked as it comes, and is renamed into place once whole and checked.
public enum SnapshotClient {
    /// Clones the server `remote` into a new database at `target`, storing the server in it (named `remote.name`,
    /// or the server's replica name when that is empty) so that `newsdb sync NAME` syncs with it.
    /// - Parameters:
    ///   - replicaName: The new replica's name; `user@host` when nil.
    ///   - newsdbVersion: This newsdb's version, for the User-Agent.
    ///   - options: How to open the new database.
    ///   - progress: Called as bytes arrive: the database's bytes written, and its size once the header has come.
    /// - Returns: What was made.
    /// - Throws: `StoreError`: `.invalidInput` for a target that is not empty, a token refused or a snapshot refused,
    ///   `.io` for a server that cannot be reached or a transfer cut short. Nothing is left at `target` then.
    public static func clone(
        from remote: PeerServer, to target: String, replicaName: String?, newsdbVersion: String,
        options: NewsDatabase.Options = .init(), progress: (@Sendable (Int64, Int64?) -> Void)? = nil
    ) async throws -> CloneReport {
        let replicaName = try replicaName.map { try Replica.checkName($0) }
        let receiver = try SnapshotReceiver(target: target, name: remote.url)
        let http = SyncClient.makeHTTPClient()
        do {
            try await receive(
                from: remote, into: receiver, http: http, newsdbVersion: newsdbVersion, progress: progress)
            let report = try receiver.finish(replicaName: replicaName, server: remote, options: options)
            try await http.shutdown()
            return report
        } catch {
            receiver.abandon()
            try await http.shutdown()
            throw error
        }
    }

    private static func receive(
        from remote: PeerServer, into receiver: SnapshotReceiver, http: HTTPClient, newsdbVersion: String,
        progress: (@Sendable (Int64, Int64?) -> Void)?
    ) async throws {
        var request = HTTPClientRequest(url: remote.url + SyncProtocol.snapshot)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(remote.token)")
        request.headers.add(name: "User-Agent", value: "newsdb/\(newsdbVersion)")
        let retry = "run the clone again (no database was made)"
        do {
            let response = try await http.execute(request, timeout: .seconds(SyncClient.requestTimeout))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 1 << 20)
                throw SyncClient.failure(
                    status: response.status, body: Data(buffer: body), path: SyncProtocol.snapshot, url: remote.url)
            }
            for try await buffer in response.body {
                try buffer.withUnsafeReadableBytes { try receiver.take($0) }
                progress?(receiver.written, receiver.header?.databaseBytes)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(
                .io, HTTPErrorText.describe(error, url: remote.url, action: "clone from", retry: retry),
                underlying: error)
        }
    }
}
