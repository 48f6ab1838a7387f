import ArgumentParser
import Store

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the database (if needed) and name this replica.",
        discussion: "The name is what teammates see; it defaults to user@host. Running init again renames the replica.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "This replica's name, as teammates will see it.") var name: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let name { try checkArgument { try Replica.checkName(name) } }
    }

    func run() throws {
        let database = try global.open()
        let replica = try name.map { try database.rename(to: $0) } ?? database.replica()
        if output.json {
            try JSONOutput.print(try database.status())
            return
        }
        let verb = database.migration.created ? "initialized" : "already initialized"
        print("\(verb) \(database.path)")
        print("replica \(replica.name) (\(replica.id))")
    }
}
