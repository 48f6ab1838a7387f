import ArgumentParser
import Foundation
import Hub
import Store

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Set up and look after a team hub on PostgreSQL, served by `newsdb serve --store`.",
        discussion: """
            A hub relays changes between teammates as a server does, keeping them in a PostgreSQL database, so that \
            several `newsdb serve --store …` processes can serve one team. See docs/HUB.md.
            """,
        subcommands: [HubMigrate.self, HubStatus.self, HubTokens.self])
}

struct HubMigrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the hub's schema in its PostgreSQL database, or bring it up to this newsdb's.",
        discussion: """
            Migrations are applied one at a time, each in one transaction with its record; two processes migrating \
            at once take turns. A database migrated by a newer newsdb, or whose migrations differ from this one's, \
            is refused.
            """)

    @OptionGroup var hub: HubOptions
    @Option(help: ArgumentHelp("The hub's name teammates see, when it is created.", valueName: "name"))
    var name = "hub"

    func validate() throws {
        try checkArgument { try Replica.checkName(name, what: "--name") }
    }

    func run() async throws {
        let location = try hub.location()
        let name = name
        let (applied, status) = try await hub.withStore(requireCurrentSchema: false) { store in
            (try await store.migrate(name: name), try await store.schemaStatus())
        }
        if applied.isEmpty {
            print("the hub at \(location) is up to date (hub schema \(status.currentVersion))")
        } else {
            print("migrated the hub at \(location) to hub schema \(status.currentVersion)")
            for migration in applied { print("  applied \(migration.fileName)") }
        }
    }
}

struct HubStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the hub's schema, its replica and what it holds; change nothing.")

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let location = try hub.location()
        let report = try await hub.withStore(requireCurrentSchema: false) { store in
            let status = try await store.schemaStatus()
            let summary = status.pending.isEmpty ? try await store.summary() : nil
            return (status, summary)
        }
        let (status, summary) = report
        if output.json {
            try JSONOutput.print(
                HubStatusJSON(
                    location: location.description, schema: status.currentVersion, latest: status.latestVersion,
                    applied: status.applied, pending: status.pending.map(\.fileName), summary: summary))
            return
        }
        print("hub at \(location): hub schema \(status.currentVersion) (this newsdb's: \(status.latestVersion))")
        for applied in status.applied {
            print("applied  \(applied.version)  \(applied.name)  \(applied.checksum.prefix(12))  \(applied.appliedAt)")
        }
        for pending in status.pending {
            print("pending  \(pending.version)  \(pending.name)  \(pending.checksum.prefix(12))")
        }
        if let summary {
            print("replica  \(summary.replica.name) (\(summary.replica.id))")
            print(
                "holds    \(summary.changes) changes in effect of \(summary.received) received, from \(summary.replicas) replicas; \(summary.tokens) tokens"
            )
        } else {
            print("run `newsdb hub migrate --store …` to bring it up to date")
        }
    }

    private struct HubStatusJSON: Encodable {
        let location: String
        let schema: Int
        let latest: Int
        let applied: [AppliedMigration]
        let pending: [String]
        let summary: HubSummary?
    }
}

struct HubTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Manage the tokens teammates sync with the hub with.",
        discussion: """
            Only a token's SHA-256 is kept: `hub tokens create` shows the token once. A token pushes only the changes \
            of the replicas that first pushed with it, or that `--replica` named (docs/SYNC.md, "Tokens on a hub").
            """,
        subcommands: [HubTokensList.self, HubTokensCreate.self, HubTokensRevoke.self],
        defaultSubcommand: HubTokensList.self)
}

struct HubTokensCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a token for a teammate and print it, once.")

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The teammate's name, shown in the hub's log.", valueName: "name")) var name: String
    @Option(
        help: ArgumentHelp(
            "A replica id whose changes only this token may push (repeatable); a replica also belongs to the first token it pushes with.",
            valueName: "id"))
    var replica: [String] = []

    func run() async throws {
        let (name, replicas) = (name, replica)
        let (token, record) = try await hub.withStore { store in
            try await store.createToken(name: name, replicas: replicas)
        }
        if output.json {
            try JSONOutput.print(["name": record.name, "token": token, "createdAt": record.createdAt])
        } else {
            print(token)
            Terminal.printNotice(
                "token for \(record.name) shown once; they add it with `newsdb peers add NAME URL --token TOKEN`")
        }
    }
}

struct HubTokensList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List who holds a token.")

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let tokens = try await hub.withStore { store in try await store.tokens() }
        if output.json {
            try JSONOutput.print(tokens)
        } else if tokens.isEmpty {
            print("no tokens yet: make one with `newsdb hub tokens create NAME --store …`")
        } else {
            for token in tokens { print("\(Terminal.styled(token.name, .bold))  made \(token.createdAt)") }
        }
    }
}

struct HubTokensRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a teammate's token; every hub process refuses it from the next request on.")

    @OptionGroup var hub: HubOptions
    @Argument(help: ArgumentHelp("The teammate's name.", valueName: "name")) var name: String

    func run() async throws {
        let name = name
        try await hub.withStore { store in try await store.revokeToken(name: name) }
        print("revoked the token of \(name)")
    }
}
