import ArgumentParser
import Foundation
import Store

struct Peers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List teammates, and the servers this replica syncs with.",
        subcommands: [PeersList.self, PeersAdd.self, PeersRemove.self],
        defaultSubcommand: PeersList.self)
}

struct PeersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the teammates whose changes were applied here, and the servers added with `peers add`.",
        discussion: """
            For each teammate: what it is known to have, how many of this replica's changes it lacks, and when it was \
            last heard from. For each server: its name and URL (never its token).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let database = try global.open()
        let peers = try database.peers()
        let servers = try database.remotes()
        if output.json {
            try JSONOutput.print(Listing(peers: peers, servers: servers))
            return
        }
        if peers.isEmpty && servers.isEmpty {
            print("no peers yet: import a teammate's file with `newsdb sync import FILE`, or add a server with "
                + "`newsdb peers add NAME URL --token TOKEN`")
        }
        for peer in peers {
            print("\(Terminal.styled(peer.name, .bold)) (\(peer.id.prefix(8)))  has \(peer.knowledge.total) changes, "
                + "lacks \(peer.missing) of ours; last heard \(peer.lastHeardAt) (newsdb \(peer.newsdb))")
        }
        for server in servers {
            let reached = server.replica.map { " (replica \($0.prefix(8)))" } ?? " (not synced yet)"
            print("server \(Terminal.styled(server.name, .bold))  \(server.url)\(reached)")
        }
    }

    private struct Listing: Encodable {
        let peers: [Peer]
        let servers: [Remote]
    }
}

struct PeersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a teammate's server to sync with (`newsdb sync NAME`).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A name for the server.", valueName: "name")) var name: String
    @Argument(help: ArgumentHelp("Its address, such as http://192.168.1.20:8787.", valueName: "url")) var url: String
    @Option(help: ArgumentHelp("The token its owner made with `newsdb tokens create`.", valueName: "token"))
    var token: String

    func validate() throws {
        try checkArgument { _ = try Remote.checkURL(url) }
    }

    func run() throws {
        let remote = try global.open().addRemote(name: name, url: url, token: token)
        print("added server \(remote.name) at \(remote.url); sync with `newsdb sync \(remote.name)`")
    }
}

struct PeersRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Forget a server (and its token). What was synced stays.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The server's name.", valueName: "name")) var name: String

    func run() throws {
        try global.open().removeRemote(name: name)
        print("removed server \(name)")
    }
}
