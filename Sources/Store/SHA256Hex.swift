import Crypto
import Foundation

private let hexDigits = Array("0123456789abcdef".utf8)

/// The lowercase hexadecimal SHA-256 digest of `bytes`.
func sha256Hex<D: DataProtocol>(bytes: D) -> String {
    let digest = SHA256.hash(data: bytes)
    var characters: [UInt8] = []
    characters.reserveCapacity(SHA256.byteCount * 2)
    for byte in digest {
        characters.append(hexDigits[Int(byte >> 4)])
        characters.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: characters, as: UTF8.self)
}

/// The lowercase hexadecimal SHA-256 digest of the UTF-8 bytes of `text`.
func sha256Hex(_ text: String) -> String {
    var text = text
    return text.withUTF8 { sha256Hex(bytes: UnsafeRawBufferPointer($0)) }
}
