import Foundation
import Testing

@testable import newsdb

/// Text from articles, annotations and teammates reaches the terminal with its control characters shown escaped
/// (`\x1b`), by every command that prints for a person; `--json` and exports are left as they are.
@Suite struct TerminalOutputTests {
    static let clear = "\u{1B}[2J"
    static let retitle = "\u{1B}]0;owned\u{07}"

    let team: Teammates

    init() throws { team = try Teammates() }

    /// Whether `output` printed nothing raw: no ESC, BEL or other control character but line feeds and tabs.
    private func expectEscaped(_ output: CLIRunner.Output, _ what: String, shows: Bool = true) {
        for (stream, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            let raw = text.unicodeScalars.filter {
                ($0.value < 0x20 && $0.value != 0x0A && $0.value != 0x09) || (0x7F...0x9F).contains($0.value)
            }
            #expect(raw.isEmpty, "\(what) printed \(raw.map { String($0.value, radix: 16) }) raw on \(stream)")
        }
        if shows {
            #expect(
                (output.stdout + output.stderr).contains("\\x1b"), "\(what) did not show the escape: \(output.stdout)")
        }
    }

    @Test("Every human-output command shows escape sequences from the data escaped, to a pipe")
    func everyCommand() throws {
        let alice = team.alice
        let bob = team.bob
        let article = """
            {"title": "Harbour \(Self.clear) news \(Self.retitle)", "dek": "Dek \u{1B}[31mred", \
            "body": "The body holds \(Self.clear) an escape.\\n\\nSecond paragraph \u{1B}[5m blinks.", \
            "author": "Ann \u{1B}[1mBold", "source": "Source \(Self.retitle)", "published": "2026-01-01T00:00:00Z"}
            """
            .replacingOccurrences(of: "\u{1B}", with: "\\u001b").replacingOccurrences(of: "\u{07}", with: "\\u0007")
        let file = try team.scratch.write("hostile.json", article)
        #expect(try alice.run("init", "--name", "alice \(Self.clear)").status == 0)

        let imported = try alice.run("import", "--verbose", file)
        expectEscaped(imported, "import --verbose")
        let id = try #require(
            imported.stdout.split(separator: "\n").first?.split(separator: " ").dropFirst().first.map(String.init))
        expectEscaped(try alice.run("list"), "list")
        expectEscaped(try alice.run("show", id), "show")
        expectEscaped(try alice.run("search", "holds"), "search")
        let made = try alice.run("annotate", id, "--quote", "holds \(Self.clear) an", "--note", "note \(Self.retitle)")
        expectEscaped(made, "annotate")
        let annotation = try #require(made.stdout.split(separator: " ").dropFirst().first.map(String.init))
        expectEscaped(try alice.run("annotations"), "annotations")
        expectEscaped(try alice.run("annotations", "show", annotation), "annotations show")
        expectEscaped(try alice.run("annotate", id, "--quote", "nowhere \(Self.clear)"), "a refused quote")
        expectEscaped(try alice.run("status"), "status")

        // Bob receives alice's changes; both edit the note without seeing the other's edit.
        let toBob = team.scratch.path("to-bob.json")
        #expect(try alice.run("sync", "export", "--out", toBob).status == 0)
        expectEscaped(try bob.run("sync", "import", toBob), "sync import")
        expectEscaped(try bob.run("peers"), "peers")
        expectEscaped(try bob.run("status"), "status with peers")
        let edited = try alice.run("annotations", "edit", annotation, "--note", "alice \(Self.clear)")
        expectEscaped(edited, "annotations edit")
        #expect(try bob.run("annotations", "edit", annotation, "--note", "bob \(Self.retitle)").status == 0)
        let toAlice = team.scratch.path("to-alice.json")
        #expect(try bob.run("sync", "export", "--out", toAlice).status == 0)
        #expect(try alice.run("sync", "import", toAlice).status == 0)
        expectEscaped(try alice.run("conflicts"), "conflicts")

        // JSON escapes control characters itself and is left alone: it still holds the text as it is.
        let json = try alice.run("list", "--json")
        let articles = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(articles.contains { ($0["title"] as? String)?.contains(Self.clear) == true })
    }

    @Test("visible() escapes the text's control characters but keeps newsdb's own styles, line feeds and tabs")
    func visible() {
        let styled = Terminal.style(code: "1") + "bold" + Terminal.styleReset
        #expect(
            Terminal.visible("a\u{1B}[2J\tb\nc\u{07}\u{7F}\u{9B}" + styled)
                == "a\\x1b[2J\tb\nc\\x07\\x7f\\x9b\u{1B}[1mbold\u{1B}[0m")
        // A text that imitates the style marker without its number is printed as it is, not as a style.
        #expect(Terminal.visible("\u{E000}[2J") == "\u{E000}[2J")
    }

    @Test("visible() keeps other text byte for byte: letters of two bytes (£, é, no-break space), private use, emoji")
    func visibleKeepsText() {
        let text = "£5 café\u{A0}x \u{E001}\u{E000} 🗞️ \u{0100}"
        #expect(Terminal.visible(text) == text)
        #expect(Terminal.visible("£\u{85}é") == "£\\x85é")
        #expect(Terminal.visible("") == "")
        #expect(Terminal.visible("\u{1B}") == "\\x1b")
    }

    @Test("padded(to:) pads with spaces or cuts, as Foundation's padding(toLength:withPad:startingAt:) did")
    func padded() {
        #expect("exact".padded(to: 7) == "exact  ")
        #expect("deleted".padded(to: 7) == "deleted")
        #expect("too long".padded(to: 3) == "too")
        #expect("é".padded(to: 2) == "é ")
        #expect("".padded(to: 2) == "  ")
    }
}
