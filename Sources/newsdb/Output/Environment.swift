import Foundation

/// The process's environment variables, read one at a time with getenv(3): ProcessInfo's `environment` copies every
/// variable into a new dictionary at each call, which was 4% of `newsdb --version`.
enum Environment {
    /// The value of the variable `name`; nil when it is not set.
    static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
