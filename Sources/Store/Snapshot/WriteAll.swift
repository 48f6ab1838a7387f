import Foundation

/// Writes all of `bytes` to `descriptor`, again after a short write or an interrupted one.
/// - Returns: nil when all was written, or why not (`strerror`).
func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
    var offset = 0
    while offset < bytes.count {
        let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return String(cString: strerror(errno)) }
        offset += count
    }
    return nil
}
