import Foundation
import Ink

/// A note's Markdown as HTML that is safe to put in the page: the note's own text can never become markup.
///
/// Every `&`, `<`, `>`, `"` and `'` of the source is escaped before Ink parses it, so raw HTML, comments and
/// attribute values written in a note stay text; the only elements are those Ink makes from Markdown. Links whose
/// target is not http, https or mailto (`javascript:`, `data:`, relative ones) are kept as their text only, and
/// images become their alt text, so a teammate's note cannot load anything or run anything.
enum NoteHTML {
    /// The HTML of `markdown`, or nil for no note.
    static func render(_ markdown: String?) -> String? {
        guard let markdown else { return nil }
        let html = MarkdownParser().html(from: escapeHTML(markdown))
        return neutralized(html)
    }

    /// `html` with every link to a scheme other than http, https or mailto unwrapped and every image replaced by
    /// its alt text; the links kept get `rel="noopener noreferrer"`.
    static func neutralized(_ html: String) -> String {
        // Each pass runs only when its tag is there: a regex literal is compiled anew at each use, which for the
        // hundreds of notes of an article cost most of its API answer; most notes have no link, image or code.
        var result = html
        if result.contains("<a href=") {
            let link = /<a href="([^"]*)">/
            result = result.replacing(link) { match in
                allowed(String(match.output.1))
                    ? #"<a href="\#(match.output.1)" rel="noopener noreferrer">"# : #"<a data-unsafe="">"#
            }
        }
        if result.contains(#"<a data-unsafe="">"#) {
            // An unwrapped link keeps its text: the opening tag above has no target, so it is only a span of text.
            result = result.replacing(/<a data-unsafe="">((?:.|\n)*?)<\/a>/) { match in String(match.output.1) }
        }
        if result.contains("<img ") {
            result = result.replacing(/<img src="[^"]*" alt="([^"]*)"\/?>/) { match in String(match.output.1) }
            result = result.replacing(/<img [^>]*>/) { _ in "" }
        }
        if result.contains("<code>") {
            // Ink escapes code itself: the source's characters, escaped once already, would show as `&lt;`.
            result = result.replacing(/<code>((?:.|\n)*?)<\/code>/) { match in
                "<code>" + String(match.output.1).replacing(/&amp;(lt|gt|amp|quot|#39);/) { "&\($0.output.1);" }
                    + "</code>"
            }
        }
        return result
    }

    /// Whether a link's target (as it stands in the attribute, character references included) is http, https
    /// or mailto. Control characters and white space are dropped first, as browsers do when reading a scheme.
    static func allowed(_ target: String) -> Bool {
        let decoded = target.replacingOccurrences(of: "&amp;", with: "&")
        let cleaned = String(decoded.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        return cleaned.hasPrefix("http://") || cleaned.hasPrefix("https://") || cleaned.hasPrefix("mailto:")
    }
}
