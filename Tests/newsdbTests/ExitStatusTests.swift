import Foundation
import Testing

/// One rule for every command (README, "Messages and exit status"): 64 when the command line is wrong (an unknown
/// command, a malformed value, an id too short to be one, a file that is not there, a folder where a file goes),
/// 1 when a well-formed request fails; one line either way, and nothing changes on disk.
@Suite struct ExitStatusTests {
    let scratch: TemporaryDirectory
    let cli: CLIRunner
    let strike: String

    init() throws {
        scratch = try TemporaryDirectory()
        cli = CLIRunner(database: scratch.path("news.sqlite"))
        _ = try cli.run("import", samplesFolder)
        let hits = try JSONSerialization.jsonObject(
            with: Data(try cli.run("search", "--json", "dockworkers").stdout.utf8))
        strike = try #require(((hits as? [[String: Any]])?.first?["id"] as? String).map { String($0.prefix(10)) })
    }

    @Test(
        "The same mistake gets the same status and one line from every command",
        arguments: [
            (["show", "ab"], "article id 'ab' is too short; give at least 4 characters (see `newsdb --help`)"),
            (
                ["annotations", "show", "ab"],
                "annotation id 'ab' is too short; give at least 4 characters (see `newsdb --help`)"
            ),
            (
                ["annotations", "edit", "ab", "--note", "x"],
                "annotation id 'ab' is too short; give at least 4 characters (see `newsdb --help`)"
            ),
            (
                ["annotations", "delete", "ab"],
                "annotation id 'ab' is too short; give at least 4 characters (see `newsdb --help`)"
            ),
            (
                ["resolve", "ab", "--keep", "winner"],
                "annotation id 'ab' is too short; give at least 4 characters (see `newsdb --help`)"
            ),
            (["sync", "import", "/no/such/file"], "no such file: /no/such/file (see `newsdb --help`)"),
            (["annotations", "import", "/no/such/file"], "no such file: /no/such/file (see `newsdb --help`)"),
            (
                ["annotations", "delete", "--from", "/no/such/file"],
                "no such file: /no/such/file (see `newsdb --help`)"
            ),
            (["list", "--limit", "-1"], "--limit must be at least 1 (see `newsdb --help`)"),
            (["search", "--limit", "-1", "harbour"], "--limit must be at least 1 (see `newsdb --help`)"),
            (["help", "nosuch"], "no command nosuch; `newsdb --help` lists them"),
            (["help", "annotations", "nosuch"], "no command annotations nosuch; `newsdb --help` lists them"),
        ])
    func usageMistakes(_ arguments: [String], _ message: String) throws {
        let before = databaseBytes(cli.database)
        let output = try cli.run(arguments)
        #expect(output.status == 64)
        #expect(output.stderr == "newsdb: \(message)\n")
        #expect(output.stdout.isEmpty)
        #expect(databaseBytes(cli.database) == before)
    }

    @Test("A well-formed id that matches nothing is a failure (1), from show and annotations show alike")
    func notFound() throws {
        #expect(try cli.run("show", "ffff0000").status == 1)
        let annotation = try cli.run("annotations", "show", "ffff0000")
        #expect(annotation.status == 1)
        #expect(annotation.stderrLines == ["newsdb: no annotation matches 'ffff0000'; run `newsdb annotations`"])
    }

    @Test("help COMMAND still describes the command")
    func helpForACommand() throws {
        let output = try cli.run("help", "annotations", "show")
        #expect(output.status == 0)
        #expect(output.stdout.contains("Show one annotation"))
    }

    @Test("--color lists the colors when it is refused, and takes any case, as JSON Lines does")
    func colors() throws {
        let before = databaseBytes(cli.database)
        let refused = try cli.run("annotate", strike, "--quote", "3.2% pay offer", "--color", "red")
        #expect(refused.status == 64)
        #expect(
            refused.stderrLines == [
                "newsdb: The value 'red' is invalid for '--color <color>'. Please provide one of the following: "
                    + "yellow, green, blue, pink, purple, orange (see `newsdb --help`)"
            ])
        #expect(databaseBytes(cli.database) == before)
        let made = try cli.run("annotate", strike, "--quote", "3.2% pay offer", "--color", "Yellow", "--json")
        #expect(made.status == 0, "\(made.stderr)")
        let annotation = try #require(try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])
        #expect(annotation["color"] as? String == "yellow")
        let id = try #require(annotation["id"] as? String)
        let edited = try cli.run("annotations", "edit", id, "--color", "BLUE", "--motivation", "Questioning")
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("blue"))
    }
}
