import Hummingbird

/// What a request to the reader carries besides itself: its session, once the cookie named one.
public struct ReaderRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The session id of a valid `newsdb_session` cookie; set by ``SessionCheck`` for the routes behind it.
    public var session: String?

    /// Creates the context of a request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
