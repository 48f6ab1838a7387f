import Foundation

/// The name and version of the change file format (docs/SYNC.md).
public enum ChangeFileFormat {
    /// The format's name, the first field of every change file.
    public static let name = "newsdb-changes"
    /// The format version this newsdb writes and reads.
    public static let version = 1
}
