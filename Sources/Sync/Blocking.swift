import NIOPosix

/// Runs database work on NIO's thread pool, off the event loops and Swift's cooperative threads, which a page of
/// changes would otherwise hold for seconds.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}
