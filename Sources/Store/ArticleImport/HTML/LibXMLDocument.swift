import CLibXML2
import Foundation

/// A page parsed by libxml2's HTML parser: the C tree, owned by this value and freed with it.
///
/// The parser recovers from broken markup and never reaches the network; its size and depth limits stay on
/// (no `HTML_PARSE_HUGE`). Use it only to build an ``HTMLTree``; the C tree is not shared between threads.
final class LibXMLDocument {
    /// The document; valid until this value is freed.
    let pointer: htmlDocPtr

    private static let options = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue)

    /// libxml2 must be initialized once, before any thread parses.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `html`, which must be UTF-8 (the caller has converted it: see ``HTMLCharset``).
    /// - Throws: `StoreError` `.invalidInput` when libxml2 makes no document of it, or stops reading it before its
    ///   end (elements nested deeper than its limit of 256, text beyond its size limits).
    init(utf8 html: String) throws {
        precondition(Self.initialized)
        guard let context = htmlNewParserCtxt() else {
            throw StoreError(.invalidInput, "libxml2 could not start reading it (out of memory?)")
        }
        defer { htmlFreeParserCtxt(context) }
        var html = html
        let document = html.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), nil, "UTF-8", Self.options)
            }
        }
        // Errors are recovered from; a stop is not: what was read is not the page, and nothing of it is imported.
        if context.pointee.disableSAX != 0 {
            if let document { xmlFreeDoc(document) }
            let reason = context.pointee.lastError.message.map { String(cString: $0) } ?? "an error"
            let line = reason.split(separator: "\n").first.map(String.init) ?? reason
            if line.lowercased().contains("depth") {
                throw StoreError(
                    .invalidInput, "it nests elements more than 256 deep; it is not a saved article page")
            }
            throw StoreError(.invalidInput, "libxml2 stopped reading it: \(line)")
        }
        guard let document else { throw StoreError(.invalidInput, "libxml2 could not read it as HTML") }
        pointer = document
    }

    deinit { xmlFreeDoc(pointer) }
}
