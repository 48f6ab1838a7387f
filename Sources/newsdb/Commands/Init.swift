import ArgumentParser
import Store

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database (if needed) and name this replica.",
        discussion: """
            The name is what teammates see; it defaults to user@host. Running init again renames the replica.
            A copied database must not go on as the same replica: --new-replica gives it a new id, keeping the \
            changes made so far as the original's (newsdb does this by itself when it sees the file was copied; \
            see docs/SYNC.md, "Copies and backups").
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "This replica's name, as teammates will see it.") var name: String?
    @Flag(help: "Make this database a new replica (for a copy of another database).") var newReplica = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let name { try checkArgument { try Replica.checkName(name) } }
    }

    func run() throws {
        let database = try global.open()
        if newReplica {
            // Opening a copy made it a new replica already; once is enough.
            let fork: ReplicaFork
            if let copied = database.fork {
                if let name { try database.rename(to: name) }
                fork = copied
            } else {
                fork = try database.startNewReplica(name: name)
            }
            if output.json {
                try JSONOutput.print(fork)
                return
            }
            Self.printFork(fork)
            return
        }
        let replica = try name.map { try database.rename(to: $0) } ?? database.replica()
        if output.json {
            try JSONOutput.print(try database.status())
            return
        }
        let verb = database.migration.created ? "initialized" : "already initialized"
        print("\(verb) \(database.path)")
        print("replica \(replica.name) (\(replica.id))")
    }

    /// Says what became of the replica.
    static func printFork(_ fork: ReplicaFork) {
        let current = fork.current.name
        print("replica \(current) (\(fork.current.id)), a new replica")
        let previous = fork.previous.name
        let made = fork.previousCounter == 1 ? "1 change" : "\(fork.previousCounter) changes"
        print("the \(made) made here before stay those of \(previous) (\(fork.previous.id))")
    }
}
