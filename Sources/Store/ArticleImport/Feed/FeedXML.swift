import CLibXML2
import Foundation

/// A feed file parsed by libxml2's XML parser, safely: no network, no DTD loaded, entities never substituted, and a
/// document that declares entities of its own (the "billion laughs" and XXE attacks) refused before its tree is read.
/// Use it only to read a ``FeedItem`` list; the C tree is freed with this value and never shared between threads.
final class FeedXML {
    /// The document; valid until this value is freed.
    let pointer: xmlDocPtr

    /// No `XML_PARSE_NOENT` (entities stay references), `XML_PARSE_DTDLOAD` or `XML_PARSE_HUGE`; no network.
    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses `bytes` as XML, in the encoding its declaration names (UTF-8 without one).
    /// - Throws: `StoreError` `.invalidInput` for XML that is not well-formed (libxml2's reason and line), and for a
    ///   document with a DTD that declares entities.
    init(_ bytes: Data) throws {
        precondition(Self.initialized)
        guard let context = xmlNewParserCtxt() else {
            throw StoreError(.invalidInput, "libxml2 could not start reading it (out of memory?)")
        }
        defer { xmlFreeParserCtxt(context) }
        let document = bytes.withUnsafeBytes { raw in
            xmlCtxtReadMemory(
                context, raw.bindMemory(to: CChar.self).baseAddress, Int32(raw.count), nil, nil, Self.options)
        }
        guard let document, context.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            let error = context.pointee.lastError
            let reason = error.message.map { String(cString: $0) } ?? "an error"
            let line = reason.split(separator: "\n").first.map(String.init) ?? reason
            throw StoreError(.invalidInput, "not well-formed XML: \(line) (line \(error.line))")
        }
        if let subset = document.pointee.intSubset, subset.pointee.children != nil {
            xmlFreeDoc(document)
            throw StoreError(
                .invalidInput,
                "the feed declares entities in a DTD; newsdb does not read such feeds (they can be attacks)")
        }
        pointer = document
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element.
    var root: xmlNodePtr? { xmlDocGetRootElement(pointer) }

    /// The element children of `node`.
    static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// The element's local name.
    static func name(_ node: xmlNodePtr) -> String { String(cString: node.pointee.name) }

    /// The element's namespace URI, or "" for none.
    static func namespace(_ node: xmlNodePtr) -> String {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } ?? ""
    }

    /// The text of the element and everything under it (XML's own entities, `&amp;` and the like, decoded).
    static func text(_ node: xmlNodePtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        guard xmlNodeBufGetContent(buffer, node) == 0 else { return "" }
        return xmlBufferContent(buffer).map { String(cString: $0) } ?? ""
    }

    /// The value of the attribute `name` in namespace `namespace` ("" for none), or nil. libxml2's own getters
    /// return memory to free with `xmlFree`, a global Swift 6 does not let code reach; the attribute's text nodes
    /// are read instead.
    static func attribute(_ node: xmlNodePtr, _ name: String, namespace: String = "") -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            let href = current.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) } ?? ""
            guard String(cString: current.pointee.name) == name, href == namespace else { continue }
            var value = ""
            var child = current.pointee.children
            while let text = child {
                child = text.pointee.next
                if let content = text.pointee.content { value += String(cString: content) }
            }
            return value
        }
        return nil
    }

    /// `xml:lang` on the element, or nil.
    static func language(_ node: xmlNodePtr) -> String? {
        attribute(node, "lang", namespace: "http://www.w3.org/XML/1998/namespace")
    }

    /// The markup of the element's children, as XML (Atom's `type="xhtml"` content).
    static func innerMarkup(_ node: xmlNodePtr, in document: xmlDocPtr) -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        var child = node.pointee.children
        while let current = child {
            xmlNodeDump(buffer, document, current, 0, 0)
            child = current.pointee.next
        }
        return xmlBufferContent(buffer).map { String(cString: $0) } ?? ""
    }
}
