import Foundation
import Synchronization

/// The secrets of one run of `newsdb web`: the key printed in its address, and the sessions the key was traded for,
/// each with its CSRF token. Nothing is kept on disk: a restart makes a new key and forgets every session.
public final class ReaderSessions: Sendable {
    /// The key of the printed address (`/?key=KEY`).
    public let key: String
    /// Session id to CSRF token.
    private let sessions = Mutex<[String: String]>([:])

    /// Creates the secrets of a run, with a random key unless one is given (tests).
    public init(key: String = ReaderSessions.randomToken()) {
        self.key = key
    }

    /// A new session, for a request that presented `key`; nil when the key is wrong.
    func open(presenting key: String) -> String? {
        guard Self.same(key, self.key) else { return nil }
        let session = Self.randomToken()
        let csrf = Self.randomToken()
        sessions.withLock { $0[session] = csrf }
        return session
    }

    /// The CSRF token of `session`, or nil when it is no session of this run.
    func csrfToken(session: String) -> String? {
        sessions.withLock { $0[session] }
    }

    /// Whether `token` is the CSRF token of `session`, compared in constant time.
    func accepts(csrf token: String, session: String) -> Bool {
        guard let expected = csrfToken(session: session) else { return false }
        return Self.same(token, expected)
    }

    /// 32 random bytes from the system's generator, as 64 hex digits.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether two secrets are equal, in a time that depends only on their lengths.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
