import CZlib
import CZstd
import Foundation

/// The saved page an article was read from, compressed, as it is kept in `article_pages` so that a later newsdb can
/// extract the article from it again (``NewsDatabase/reextractArticles(_:)``).
///
/// Pages are compressed with Zstandard; earlier newsdb versions kept them with zlib, and such rows still read. The stored
/// bytes say which: a Zstandard frame starts with its magic number (28 B5 2F FD), which is never a zlib stream's
/// start (its first two bytes, read big-endian, are a multiple of 31; 0x28B5 is not), so no column or migration
/// has to say it.
struct KeptPage: Sendable, Equatable {
    /// The page's bytes compressed: one Zstandard frame (RFC 8878), or a zlib stream (RFC 1950) kept by an older
    /// newsdb.
    let compressed: Data
    /// The number of bytes of the page itself.
    let size: Int
    /// SHA-256 (hex) of the page itself, checked when it is read back.
    let sha256: String

    /// Zstandard's level for pages: its fastest positive one. On the 87 saved pages of the benchmark corpus it makes
    /// 18.4 MB 2.9 MB (zlib's fastest level: 3.5 MB), several times faster than zlib does.
    static let level: Int32 = 1

    /// Compresses `page` into one Zstandard frame.
    /// - Throws: `StoreError` `.io` when libzstd fails (out of memory).
    init(page: Data) throws {
        size = page.count
        sha256 = sha256Hex(bytes: page)
        var output = Data(count: ZSTD_compressBound(page.count))
        let written = output.withUnsafeMutableBytes { out in
            page.withUnsafeBytes { input in
                ZSTD_compress(out.baseAddress, out.count, input.baseAddress, input.count, Self.level)
            }
        }
        guard ZSTD_isError(written) == 0 else {
            throw StoreError(.io, "zstd could not compress the page (\(String(cString: ZSTD_getErrorName(written))))")
        }
        output.count = written
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
        var output = Data(count: size)
        let (made, failure) = compressed.starts(with: Self.zstdMagic) ? zstd(into: &output) : zlib(into: &output)
        guard failure == nil, made == size, sha256Hex(bytes: output) == sha256 else {
            throw StoreError(
                .database, "the kept page is damaged (\(failure ?? "wrong size or digest")); import the page again")
        }
        return output
    }

    /// The first bytes of a Zstandard frame.
    private static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// Decompresses a Zstandard frame into `output`: the bytes made, or why it failed.
    private func zstd(into output: inout Data) -> (Int, String?) {
        let made = output.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { input in
                ZSTD_decompress(out.baseAddress, out.count, input.baseAddress, input.count)
            }
        }
        return ZSTD_isError(made) == 0 ? (made, nil) : (0, "zstd: \(String(cString: ZSTD_getErrorName(made)))")
    }

    /// Decompresses a zlib stream (a page kept by an older newsdb) into `output`: the bytes made, or why it failed.
    private func zlib(into output: inout Data) -> (Int, String?) {
        var length = uLong(output.count)
        let status = output.withUnsafeMutableBytes { out in
            compressed.withUnsafeBytes { input in
                uncompress(
                    out.bindMemory(to: Bytef.self).baseAddress, &length, input.bindMemory(to: Bytef.self).baseAddress,
                    uLong(compressed.count))
            }
        }
        return status == Z_OK ? (Int(length), nil) : (0, "zlib status \(status)")
    }
}
