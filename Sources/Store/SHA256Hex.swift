import Crypto
import Foundation

private let hexDigits = Array("0123456789abcdef".utf8)

/// The lowercase hexadecimal SHA-256 digest of `bytes`.
func sha256Hex<D: DataProtocol>(bytes: D) -> String {
    hexString(SHA256.hash(data: bytes))
}

/// The lowercase hexadecimal SHA-256 digest of the UTF-8 bytes of `text`.
func sha256Hex(_ text: String) -> String {
    var text = text
    return text.withUTF8 { sha256Hex(bytes: UnsafeRawBufferPointer($0)) }
}

/// The SHA-256 (hex) of `texts` joined by `separator`, each text with its runs of ASCII white space collapsed to one
/// space and none at either end.
func sha256Hex(collapsingWhitespaceOf texts: [String], separator: String) -> String {
    let capacity = texts.reduce(separator.utf8.count * texts.count) { $0 + $1.utf8.count }
    let collapsed = [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
        count = 0
        for (index, text) in texts.enumerated() {
            if index > 0 {
                for byte in separator.utf8 {
                    output[count] = byte
                    count += 1
                }
            }
            var text = text
            text.withUTF8 { bytes in
                var pendingSpace = false
                var wroteAny = false
                for byte in bytes {
                    if TextScanning.isSpace(byte) {
                        pendingSpace = wroteAny
                    } else {
                        if pendingSpace {
                            output[count] = 0x20
                            count += 1
                            pendingSpace = false
                        }
                        output[count] = byte
                        count += 1
                        wroteAny = true
                    }
                }
            }
        }
    }
    return sha256Hex(bytes: collapsed)
}

private func hexString<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    var characters: [UInt8] = []
    characters.reserveCapacity(SHA256.byteCount * 2)
    for byte in digest {
        characters.append(hexDigits[Int(byte >> 4)])
        characters.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: characters, as: UTF8.self)
}

/// A SHA-256 computed a block at a time, for files too large to hold whole.
struct SHA256Digest {
    private var hasher = SHA256()

    mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// The lowercase hexadecimal digest of everything given so far.
    func finalize() -> String {
        hexString(hasher.finalize())
    }
}
