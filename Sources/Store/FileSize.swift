import Foundation

/// The size in bytes of the file at `path`, or nil when there is no file there (or it cannot be seen).
func fileSize(atPath path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int64(info.st_size)
}
