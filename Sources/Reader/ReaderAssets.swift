import Foundation

/// The page's files (web/ at build time) and the API's description, as the binary carries them.
enum ReaderAssets {
    /// The bytes of each file under web/, by its path there (`app.js`, `css/reader.css`).
    static let files: [String: Data] = EmbeddedWebAssets.files.compactMapValues { Data(base64Encoded: $0) }

    /// Sources/Reader/openapi.json.
    static let openAPI = Data(base64Encoded: EmbeddedWebAssets.openAPI) ?? Data()

    /// The page every page route serves.
    static var index: Data? { files["index.html"] }

    /// The Content-Type of a file, by its extension.
    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json; charset=utf-8"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
