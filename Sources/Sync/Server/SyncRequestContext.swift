import Hummingbird
import Synchronization

/// What a request to the server carries besides itself: who sent it, once a token said so.
public struct SyncRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The teammate whose token the request carries; set by ``TokenAuthentication`` for the routes behind it.
    public var teammate: String? { logEntry.teammate }
    /// The request's line in the log, which the middlewares inside the logging one fill in.
    let logEntry = RequestLogEntry()

    /// Creates the context of a request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// What ``RequestLogging`` says of a request that is only known inside it: the teammate, once authenticated. A
/// class, shared by the copies of the context the middlewares pass on (as Hummingbird's own endpoint path is).
final class RequestLogEntry: Sendable {
    private let who = Mutex<String?>(nil)

    /// The teammate, or nil while no token was accepted.
    var teammate: String? {
        get { who.withLock { $0 } }
        set { who.withLock { $0 = newValue } }
    }
}
