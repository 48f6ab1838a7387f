import CZstd
import Foundation

/// Compresses a byte stream into one Zstandard frame, a block at a time, through libzstd's streaming API.
///
/// Not `Sendable`: one task feeds it in order.
final class ZstdCompressor {
    /// The level snapshots are compressed at: libzstd's fastest positive level, a third of the size of SQLite's
    /// pages of text at several hundred megabytes a second.
    static let level: Int32 = 1

    private let context: OpaquePointer
    private var output: [UInt8]

    init(level: Int32 = ZstdCompressor.level) throws {
        guard let context = ZSTD_createCCtx() else { throw StoreError(.io, "cannot start compressing (no memory)") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level))
        try Self.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 0))
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `bytes`, the last of the stream when `last`, and returns the frame's bytes made so far.
    /// - Throws: `StoreError` `.io` when libzstd fails.
    func compress(_ bytes: UnsafeRawBufferPointer, last: Bool) throws -> [UInt8] {
        var result: [UInt8] = []
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        let mode = last ? ZSTD_e_end : ZSTD_e_continue
        while true {
            let (remaining, made) = try output.withUnsafeMutableBytes { buffer in
                var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let remaining = ZSTD_compressStream2(context, &out, &input, mode)
                try Self.check(remaining)
                return (remaining, out.pos)
            }
            result += output[..<made]
            // Done with this input once it is all taken and, for the last, the frame is flushed whole.
            if input.pos == input.size && (last ? remaining == 0 : made < output.count) { return result }
        }
    }

    static func check(_ code: Int) throws {
        guard ZSTD_isError(code) == 0 else {
            throw StoreError(.io, "compression failed: \(String(cString: ZSTD_getErrorName(code)))")
        }
    }
}

/// Decompresses one Zstandard frame, a block at a time, handing the bytes it makes to a closure.
///
/// Not `Sendable`: one task feeds it in order.
final class ZstdDecompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    /// Whether the frame has ended; bytes after it are not the frame's.
    private(set) var finished = false

    init() throws {
        guard let context = ZSTD_createDCtx() else { throw StoreError(.io, "cannot start decompressing (no memory)") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses from the start of `bytes` until they are used up or the frame ends.
    /// - Parameter take: Called with each block of decompressed bytes.
    /// - Returns: How many of `bytes` belong to the frame (all of them unless it ended).
    /// - Throws: `StoreError` `.invalidInput` for bytes that are not a valid frame, or what `take` throws.
    func decompress(_ bytes: UnsafeRawBufferPointer, take: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while !finished {
            let (code, made) = output.withUnsafeMutableBytes { buffer in
                var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let code = ZSTD_decompressStream(context, &out, &input)
                return (code, out.pos)
            }
            guard ZSTD_isError(code) == 0 else {
                throw StoreError(
                    .invalidInput, "its database does not decompress (\(String(cString: ZSTD_getErrorName(code))))")
            }
            if made > 0 { try output.withUnsafeBytes { try take(UnsafeRawBufferPointer(rebasing: $0[..<made])) } }
            if code == 0 { finished = true }
            // All input taken, and nothing more held back for want of room in the output.
            if input.pos == input.size && made < output.count { break }
        }
        return input.pos
    }
}
