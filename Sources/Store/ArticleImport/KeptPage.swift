import CZlib
import Foundation

/// The saved page an article was read from, compressed with zlib, as it is kept in `article_pages` so that a later
/// newsdb can extract the article from it again (``NewsDatabase/reextractArticles(_:)``).
struct KeptPage: Sendable, Equatable {
    /// The page's bytes compressed with zlib (RFC 1950).
    let compressed: Data
    /// The number of bytes of the page itself.
    let size: Int
    /// SHA-256 (hex) of the page itself, checked when it is read back.
    let sha256: String

    /// Compresses `page`, at zlib's fastest level: pages still shrink about five times (the 87 saved pages of the
    /// benchmark corpus: 18.4 MB to 3.5 MB), in less than half the time the default level takes.
    /// - Throws: `StoreError` `.io` when zlib fails (out of memory).
    init(page: Data) throws {
        size = page.count
        sha256 = sha256Hex(bytes: page)
        var bound = compressBound(uLong(page.count))
        var output = Data(count: Int(bound))
        let status = output.withUnsafeMutableBytes { out in
            page.withUnsafeBytes { input in
                compress2(
                    out.bindMemory(to: Bytef.self).baseAddress, &bound, input.bindMemory(to: Bytef.self).baseAddress,
                    uLong(page.count), Z_BEST_SPEED)
            }
        }
        guard status == Z_OK else { throw StoreError(.io, "zlib could not compress the page (error \(status))") }
        output.count = Int(bound)
        compressed = output
    }

    /// A page as stored.
    init(compressed: Data, size: Int, sha256: String) {
        self.compressed = compressed
        self.size = size
        self.sha256 = sha256
    }

    /// The page's bytes, checked against their size and digest.
    /// - Throws: `StoreError` `.database` when the stored page does not decompress to what was kept.
    func page() throws -> Data {
        guard size > 0, size <= HTMLArticle.maximumPageBytes else {
            throw StoreError(.database, "the kept page has an impossible size (\(size) bytes)")
        }
        var length = uLong(size)
        var output = Data(count: size)
        let status = output.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { input in
                uncompress(
                    out.bindMemory(to: Bytef.self).baseAddress, &length, input.bindMemory(to: Bytef.self).baseAddress,
                    uLong(compressed.count))
            }
        }
        guard status == Z_OK, Int(length) == size, sha256Hex(bytes: output) == sha256 else {
            throw StoreError(.database, "the kept page is damaged (zlib status \(status)); import the page again")
        }
        return output
    }
}
