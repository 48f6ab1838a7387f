import Foundation

/// The ```console examples of a Markdown page: each `$ COMMAND` line (continued on the next lines while a quote is
/// open) with the output printed under it, up to the next command or the end of the block.
///
/// A page steers its examples with HTML comments, which Markdown does not show:
/// - `<!-- examples: after PAGE -->`: PAGE's examples run first, in the same scratch folder (a page that continues
///   another's database);
/// - `<!-- examples: setup COMMAND -->`: COMMAND runs before the page's examples, its output unchecked;
/// - `<!-- examples: not run, REASON -->` right before a block: the block is not run (a server, the network, or
///   files outside the repository), and REASON says why.
struct DocExamples {
    struct Example {
        let command: String
        let output: [String]
        /// Where the command is, for messages: `docs/SYNC.md:120`.
        let place: String
        /// The page's lines that show the output (0-based), to rewrite them.
        let outputLines: Range<Int>
    }

    let page: String
    let after: [String]
    let setup: [String]
    let examples: [Example]
    /// The page's lines.
    let lines: [String]

    init(page: String) throws {
        self.page = page
        let lines = try String(contentsOf: repositoryRoot.appending(path: page), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var after: [String] = []
        var setup: [String] = []
        var examples: [Example] = []
        var index = 0
        var skipNext = false
        while index < lines.count {
            let line = lines[index]
            if let directive = Self.directive(line) {
                if directive.hasPrefix("after ") { after.append(String(directive.dropFirst(6))) }
                if directive.hasPrefix("setup ") { setup.append(String(directive.dropFirst(6))) }
                if directive.hasPrefix("not run") { skipNext = true }
                index += 1
                continue
            }
            guard line == "```console" else {
                index += 1
                continue
            }
            var end = index + 1
            while end < lines.count && lines[end] != "```" { end += 1 }
            if !skipNext { examples += Self.examples(lines, from: index + 1, to: end, page: page) }
            skipNext = false
            index = end + 1
        }
        (self.after, self.setup, self.examples, self.lines) = (after, setup, examples, lines)
    }

    private static func directive(_ line: String) -> String? {
        guard line.hasPrefix("<!-- examples: "), line.hasSuffix(" -->") else { return nil }
        return String(line.dropFirst("<!-- examples: ".count).dropLast(" -->".count))
    }

    private static func examples(_ lines: [String], from start: Int, to end: Int, page: String) -> [Example] {
        var examples: [Example] = []
        var index = start
        while index < end {
            guard lines[index].hasPrefix("$ ") else {
                index += 1
                continue
            }
            let place = "\(page):\(index + 1)"
            var command = String(lines[index].dropFirst(2))
            index += 1
            while !quotesBalanced(command), index < end {
                command += "\n" + lines[index]
                index += 1
            }
            var next = index
            while next < end && !lines[next].hasPrefix("$ ") { next += 1 }
            var last = next
            while last > index && lines[last - 1].isEmpty { last -= 1 }
            examples.append(
                Example(command: command, output: Array(lines[index..<last]), place: place, outputLines: index..<last))
            index = next
        }
        return examples
    }

    /// Whether every quote opened in `command` (shell quoting, roughly) is closed.
    private static func quotesBalanced(_ command: String) -> Bool {
        var open: Character?
        var escaped = false
        for character in command {
            if escaped {
                escaped = false
                continue
            }
            if character == "\\" && open != "'" {
                escaped = true
                continue
            }
            if let quote = open {
                if character == quote { open = nil }
            } else if character == "'" || character == "\"" {
                open = character
            }
        }
        return open == nil
    }
}

/// Compares what an example printed with what its page shows. Parts that change from run to run are masked on both
/// sides, by these rules only:
/// - a time (`2026-11-21T09:50:49Z`, or with an offset) reads `TIME`;
/// - a size (`143 KB`, `797 bytes`, `"size_bytes" : 139264`) reads `SIZE`;
/// - a path under /tmp (the scratch folder) reads `TMP`;
/// - an id made at random (an annotation's or replica's UUID, its 8-character prefix, a token `ndb_…`) is learned:
///   the first time the page shows one where the run printed another, the two are paired, and from then on the page's
///   id stands for the run's, in later output, in later commands and in files a page shows with `cat` (a prefix of
///   4 to 7 characters stands for the run's whole 8-character prefix), so a page's ids must agree with each other.
/// A line `…` in the page (indented or not) stands for any number of lines, and a line ending in `…` for any line that starts so.
struct ExampleMatcher {
    private(set) var ids: [String: String] = [:]

    private static let masks: [(NSRegularExpression, String)] = [
        (#"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)"#, "TIME"),
        (#"\b\d+(\.\d+)? (bytes|KB|MB)\b"#, "SIZE"),
        (#""(size_bytes|bytes)" : \d+"#, "\"$1\" : SIZE"),
        (#"/tmp/[^\s/]+"#, "TMP"),
    ].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }

    private static let randomID = try! NSRegularExpression(
        pattern: #"\b[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?\b|\bndb_[A-Za-z0-9_-]{43}"#)
    private static let idInCommand = try! NSRegularExpression(
        pattern: #"\b[0-9a-f]{4,8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?\b|\bndb_[A-Za-z0-9_-]{43}"#)

    static func masked(_ line: String) -> String {
        masks.reduce(line) { text, mask in
            mask.0.stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: mask.1)
        }
    }

    private static func matches(_ regex: NSRegularExpression, in text: String) -> [(
        range: Range<String.Index>, text: String
    )] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range, in: text).map { ($0, String(text[$0])) }
        }
    }

    /// `text` with the page's ids replaced by the run's; in a command, a prefix of a known id too.
    func translated(_ text: String, command: Bool = false) -> String {
        var result = text
        for found in Self.matches(command ? Self.idInCommand : Self.randomID, in: text).reversed() {
            if let exact = ids[found.text] {
                result.replaceSubrange(found.range, with: exact)
            } else if command, found.text.count < 8,
                let key = ids.keys.first(where: { $0.count == 8 && $0.hasPrefix(found.text) })
            {
                result.replaceSubrange(found.range, with: ids[key]!)
            }
        }
        return result
    }

    /// `text` with the run's ids replaced by the page's, to write a run's output into the page.
    func untranslated(_ text: String) -> String {
        let inverse = Dictionary(ids.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        var result = text
        for found in Self.matches(Self.randomID, in: text).reversed() {
            if let page = inverse[found.text] {
                result.replaceSubrange(found.range, with: page)
            } else if found.text.count == 36, let page = inverse[String(found.text.prefix(8))] {
                // A whole id first seen here, whose prefix the page already shows: the page's prefix, the run's rest.
                result.replaceSubrange(found.range, with: page + found.text.dropFirst(8))
            }
        }
        return result
    }

    /// Learns the ids of a line of the page and the run's line printed in its place.
    private mutating func learn(_ expected: String, _ actual: String) {
        let (pageIDs, runIDs) = (Self.matches(Self.randomID, in: expected), Self.matches(Self.randomID, in: actual))
        guard pageIDs.count == runIDs.count else { return }
        // A run's id already paired with another of the page's is not paired again: the page disagrees with itself.
        for (page, run) in zip(pageIDs, runIDs)
        where page.text != run.text && ids[page.text] == nil && !ids.values.contains(run.text) {
            ids[page.text] = run.text
            if page.text.count == 36 { ids[String(page.text.prefix(8))] = String(run.text.prefix(8)) }
        }
    }

    /// Compares; returns nil when `actual` is what the page shows, else the first difference.
    mutating func compare(expected: [String], actual: [String]) -> String? {
        let page = expected.map(Self.masked)
        let run = actual.map(Self.masked)
        var (p, r) = (0, 0)
        while p < page.count {
            if page[p].trimmingCharacters(in: .whitespaces) == "…" {
                // Any number of lines, up to the first that matches the page's next line.
                p += 1
                guard p < page.count else { return nil }
                while r < run.count && !lineMatches(page[p], run[r]) { r += 1 }
                continue
            }
            guard r < run.count else { return "the page shows more: “\(expected[p])”" }
            learn(page[p], run[r])
            guard lineMatches(page[p], run[r]) else {
                return "the page shows “\(expected[p])”, the run printed “\(actual[r])”"
            }
            p += 1
            r += 1
        }
        return r < run.count ? "the run printed more: “\(actual[r])”" : nil
    }

    private func lineMatches(_ page: String, _ run: String) -> Bool {
        // Prefixes too: output may echo an id as the command gave it.
        let page = translated(page, command: true)
        if page == run { return true }
        return page.hasSuffix("…") && run.hasPrefix(String(page.dropLast()))
    }
}
