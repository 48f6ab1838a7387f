import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Store

/// One line a person can act on for a request that got no answer.
enum HTTPErrorText {
    static func describe(_ error: any Error, url: String) -> String {
        let host = URLComponents(string: url)?.host ?? url
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot find the server \(host) (the name does not resolve); check the URL \(url)"
            }
            if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return "cannot reach \(url): connection refused (is `newsdb serve` running there?)"
            }
            return "cannot reach \(url): \(error.connectionErrors.first.map { "\($0.error)" } ?? "no address answered")"
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return "cannot reach \(url): connection refused (is `newsdb serve` running there?)"
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return "cannot reach \(url): no answer within \(SyncClient.connectTimeout) s (is the address right?)"
            case .readTimeout, .deadlineExceeded: return "\(url) stopped answering (timed out); try again"
            case .remoteConnectionClosed:
                return "\(url) closed the connection mid-request (was the server stopped?); sync again to continue"
            case .invalidURL, .emptyHost, .emptyScheme: return "'\(url)' is not a server address"
            default: return "cannot sync with \(url): \(error)"
            }
        }
        if let error = error as? NIOTooManyBytesError {
            return "\(url) sent more than newsdb takes in one answer (\(error))"
        }
        return "cannot sync with \(url): \(StoreError.describe(error))"
    }
}
