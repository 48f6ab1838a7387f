import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// An error of the reader's server that the page can show: the HTTP status it is answered with, and one sentence
/// saying what went wrong. It is answered as `{"error": "MESSAGE"}` (docs/WEB.md).
public struct ReaderError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; each kind has its status.
    public enum Code: String, Sendable {
        /// Bad input, or a selector that does not match the stored text (400).
        case badRequest
        /// No valid session cookie (401).
        case unauthorized
        /// A Host that is not this server's loopback address, or a write without the CSRF token (403).
        case forbidden
        /// No such article, annotation, revision or path (404).
        case notFound
        /// The path takes another method (405).
        case methodNotAllowed
        /// The request conflicts with the annotation's state, such as editing a deleted one (409).
        case conflict
        /// A body over the limit (413).
        case contentTooLarge
        /// The teammate's server could not be reached, failed, or refused the sync (502).
        case badGateway
        /// The database stayed busy (503).
        case busy
        /// The server failed (500).
        case failed
    }

    /// What kind of failure this is.
    public let code: Code
    /// One sentence for a person.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The status the error is answered with.
    public var status: HTTPResponse.Status {
        switch code {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .contentTooLarge: .contentTooLarge
        case .badGateway: .badGateway
        case .busy: .serviceUnavailable
        case .failed: .internalServerError
        }
    }

    /// The JSON answer.
    var response: Response {
        let data = Data((#"{"error":"# + JSONText.quoted(message) + "}").utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The answer to any error a request's handling threw: a `ReaderError` as it is, a `StoreError` by its code, a
    /// body over the limit as 413, anything else as the server's failure.
    init(answering error: any Error, maxBodyBytes: Int) {
        switch error {
        case let error as ReaderError:
            self = error
        case let error as StoreError:
            switch error.code {
            case .invalidInput, .ambiguous: self.init(.badRequest, error.message)
            case .notFound: self.init(.notFound, error.message)
            case .busy: self.init(.busy, "the database is busy; try again shortly")
            default: self.init(.failed, "the server failed: \(error.message)")
            }
        case is NIOTooManyBytesError:
            self.init(.contentTooLarge, "the request is larger than the reader takes (\(maxBodyBytes) bytes)")
        case let error as HTTPError where error.status == .contentTooLarge:
            self.init(.contentTooLarge, "the request is larger than the reader takes (\(maxBodyBytes) bytes)")
        default:
            self.init(.failed, "the server failed: \(StoreError.describe(error))")
        }
    }
}
