import Foundation

/// The canonical form of an article URL, so the same article reached by two links gets one id.
///
/// Scheme and host are lowercased, a default port is dropped, the fragment and tracking parameters
/// (`utm_*`, `fbclid`, `gclid`, `mc_cid`, `mc_eid`, `igshid`) are removed, and an empty path becomes `/`.
enum CanonicalURL {
    private static let trackingParameters: Set<String> = ["fbclid", "gclid", "mc_cid", "mc_eid", "igshid"]

    /// The canonical string for `url`, or nil when it is not an absolute http(s) URL.
    static func string(_ url: String) -> String? {
        guard var components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        components.fragment = nil
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }
}
