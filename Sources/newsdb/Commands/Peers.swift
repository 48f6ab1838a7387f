import ArgumentParser
import Foundation
import Store

struct Peers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers", abstract: "List teammates, and the servers this replica syncs with.",
        subcommands: [PeersList.self, PeersAdd.self, PeersRemove.self, PeersServers.self],
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
        let servers = try database.servers()
        if output.json {
            // The array of teammates as before; a teammate reached through a stored server says which.
            try JSONOutput.print(
                peers.map { peer in Listed(peer: peer, server: servers.first { $0.replica == peer.id }) })
            return
        }
        if peers.isEmpty && servers.isEmpty {
            print(
                "no peers yet: import a teammate's file with `newsdb sync import FILE`, or add a server with "
                    + "`newsdb peers add NAME URL --token TOKEN`")
        }
        for peer in peers {
            print(
                "\(Terminal.styled(peer.name, .bold)) (\(peer.id.prefix(8)))  has \(peer.knowledge.total) changes, "
                    + "lacks \(peer.missing) of ours; last heard \(peer.lastHeardAt) (newsdb \(peer.newsdb))")
        }
        for server in servers { print("server " + serverLine(server)) }
    }

    /// A teammate, with the stored server it is reached through, if any.
    private struct Listed: Encodable {
        let peer: Peer
        let server: PeerServer?

        func encode(to encoder: any Encoder) throws {
            try peer.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(server, forKey: .server)
        }

        enum Key: String, CodingKey { case server }
    }
}

struct PeersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a teammate's server to sync with (`newsdb sync NAME`).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A name for the server.", valueName: "name")) var name: String
    @Argument(help: ArgumentHelp("Its address, such as http://192.168.1.20:8787.", valueName: "url")) var url: String
    @Option(
        help: ArgumentHelp(
            "The token its owner made with `newsdb tokens create` (- reads it from standard input).", valueName: "token"
        ))
    var token: String

    func validate() throws {
        try checkArgument { _ = try PeerServer.checkURL(url) }
    }

    func run() throws {
        let remote = try global.open().addServer(name: name, url: url, token: try readToken(token))
        print("added server \(remote.name) at \(remote.url); sync with `newsdb sync \(remote.name)`")
    }
}

struct PeersRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Forget a server (and its token). What was synced stays.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The server's name.", valueName: "name")) var name: String

    func run() throws {
        try global.open().removeServer(name: name)
        print("removed server \(name)")
    }
}

struct PeersServers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers", abstract: "List the servers added with `peers add` (never their tokens).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let servers = try global.open().servers()
        if output.json {
            try JSONOutput.print(servers)
        } else if servers.isEmpty {
            print("no servers yet: add one with `newsdb peers add NAME URL --token TOKEN`")
        } else {
            for server in servers { print(serverLine(server)) }
        }
    }
}

/// A stored server on one line: its name, URL and replica once reached.
private func serverLine(_ server: PeerServer) -> String {
    let reached = server.replica.map { " (replica \($0.prefix(8)))" } ?? " (not synced yet)"
    return "\(Terminal.styled(server.name, .bold))  \(server.url)\(reached)"
}
