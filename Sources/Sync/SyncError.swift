import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// An error of the sync server that a teammate can read: the HTTP status it is answered with, and one line saying
/// what went wrong and what to do. It is answered as `{"error": "MESSAGE"}` (docs/SYNC.md, "Endpoints").
public struct SyncError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    /// What kind of failure this is; each kind has its status.
    public enum Code: String, Sendable {
        /// The request is malformed or refused for what it holds (400).
        case badRequest
        /// No token, or one that is not accepted (401, with `WWW-Authenticate: Bearer`).
        case unauthorized
        /// No endpoint has this path (404).
        case notFound
        /// The token may not push what the request carries (403).
        case forbidden
        /// The endpoint takes another method (405).
        case methodNotAllowed
        /// The changes would reuse change ids or are stamped too far ahead (409).
        case conflict
        /// The body is larger than the server takes (413).
        case contentTooLarge
        /// The database stayed busy; the client may try again (503, with `Retry-After`).
        case busy
        /// The server failed (500).
        case failed
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line for a person.
    public let message: String
    /// The error that caused this one, when there is one.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }

    /// The status the error is answered with.
    public var status: HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .contentTooLarge: .contentTooLarge
        case .busy: .serviceUnavailable
        case .failed: .internalServerError
        }
    }

    /// The answer: the JSON error body, with the headers its status calls for.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }

    var response: Response {
        let data = Data((#"{"error":"# + JSONText.quoted(message) + "}").utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        switch code {
        case .unauthorized: headers[.wwwAuthenticate] = #"Bearer realm="newsdb""#
        case .busy: headers[.retryAfter] = "5"
        default: break
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension SyncError {
    /// The answer to any error a request's handling threw: a `SyncError` as it is, a `StoreError` by its code
    /// (never by its wording), a body over the limit as 413, anything else as the server's failure.
    /// - Parameter maxBodyBytes: The body limit, for the 413's message.
    init(answering error: any Error, maxBodyBytes: Int) {
        switch error {
        case let error as SyncError:
            self = error
        case let error as StoreError:
            switch error.code {
            case .invalidInput: self.init(.badRequest, error.message, underlying: error)
            case .replicaReused, .clockAhead: self.init(.conflict, error.message, underlying: error)
            case .notAllowed: self.init(.forbidden, error.message, underlying: error)
            case .busy: self.init(.busy, "the server's database is busy; try again shortly", underlying: error)
            default: self.init(.failed, "the server failed: \(error.message)", underlying: error)
            }
        case is NIOTooManyBytesError:
            self.init(
                .contentTooLarge, "the request is larger than this server takes (\(maxBodyBytes) bytes)",
                underlying: error)
        default:
            self.init(.failed, "the server failed: \(StoreError.describe(error))", underlying: error)
        }
    }
}
