import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Store

/// One line a person can act on for a request that got no answer.
enum HTTPErrorText {
    /// - Parameters:
    ///   - action: What was being done with the server, after "cannot": `sync with`, `clone from`.
    ///   - retry: What to do when the server closed the connection mid-request.
    static func describe(
        _ error: any Error, url: String, action: String = "sync with", retry: String = "sync again to continue"
    ) -> String {
        if let error = error as? NIOConnectionError {
            return describe(ConnectionFailure(error), url: url)
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return describe(ConnectionFailure.refused, url: url)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return "cannot reach \(url): no answer within \(SyncClient.connectTimeout) s (is the address right?)"
            case .readTimeout, .deadlineExceeded: return "\(url) stopped answering (timed out); try again"
            case .remoteConnectionClosed:
                return "\(url) closed the connection mid-request (was the server stopped?); \(retry)"
            case .invalidURL, .emptyHost, .emptyScheme: return "'\(url)' is not a server address"
            default: return "cannot \(action) \(url): \(error)"
            }
        }
        if let error = error as? NIOTooManyBytesError {
            return "\(url) sent more than newsdb takes in one answer (\(error))"
        }
        return "cannot \(action) \(url): \(StoreError.describe(error))"
    }

    /// The line for a connection that could not be made.
    static func describe(_ failure: ConnectionFailure, url: String) -> String {
        switch failure {
        case .unresolved:
            let host = URLComponents(string: url)?.host ?? url
            return "cannot find the server \(host) (the name does not resolve); check the URL \(url)"
        case .refused:
            return "cannot reach \(url): connection refused (is `newsdb serve` running there?)"
        case .failed(let reason):
            return "cannot reach \(url): \(reason)"
        }
    }
}

/// Why a connection could not be made, as far as the person syncing needs to know.
enum ConnectionFailure: Equatable {
    /// The host's name resolved to no address.
    case unresolved
    /// An address was reached and refused the connection: nothing listens on the port.
    case refused
    /// Anything else, said by the first failure.
    case failed(String)

    init(_ error: NIOConnectionError) {
        if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            self = .unresolved
        } else if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
            self = .refused
        } else {
            self = .failed(error.connectionErrors.first.map { "\($0.error)" } ?? "no address answered")
        }
    }
}
