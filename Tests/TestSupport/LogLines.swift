import Logging
import Synchronization

/// Log lines kept in memory, to check what the server logs.
public final class LogLines: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty log.
    public init() {}
    public var all: [String] { lines.withLock { $0 } }

    public func log(event: LogEvent) { lines.withLock { $0.append("\(event.level) \(event.message)") } }

    public subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    public var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    public var logLevel: Logger.Level {
        get { .info }
        set {}
    }
}
