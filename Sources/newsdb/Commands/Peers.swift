import ArgumentParser
import Foundation
import Store

struct Peers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the teammates whose changes were applied here.",
        discussion: "For each: what it is known to have, how many of this replica's changes it lacks, and when it was last heard from.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let peers = try global.open().peers()
        if output.json {
            try JSONOutput.print(peers)
            return
        }
        guard !peers.isEmpty else {
            print("no peers yet: import a teammate's file with `newsdb sync import FILE`")
            return
        }
        for peer in peers {
            print("\(Terminal.styled(peer.name, .bold)) (\(peer.id.prefix(8)))  has \(peer.knowledge.total) changes, "
                + "lacks \(peer.missing) of ours; last heard \(peer.lastHeardAt) (newsdb \(peer.newsdb))")
        }
    }
}
