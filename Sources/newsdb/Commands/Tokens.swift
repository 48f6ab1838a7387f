import ArgumentParser
import Foundation
import Store

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Manage the tokens teammates sync with this replica's server with.",
        discussion: "Only a token's SHA-256 is kept: `tokens create` shows the token once.",
        subcommands: [TokensList.self, TokensCreate.self, TokensRevoke.self],
        defaultSubcommand: TokensList.self)
}

struct TokensCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a token for a teammate and print it, once.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The teammate's name, shown in the server's log.", valueName: "name")) var name: String

    func run() throws {
        let (token, record) = try global.open().createToken(name: name)
        if output.json {
            try JSONOutput.print(CreatedToken(name: record.name, token: token, createdAt: record.createdAt))
        } else {
            print(token)
            Terminal.printNotice(
                "token for \(record.name) shown once; they add it with `newsdb peers add NAME URL --token TOKEN`")
        }
    }

    private struct CreatedToken: Encodable {
        let name: String
        let token: String
        let createdAt: String
    }
}

struct TokensList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List who holds a token.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let tokens = try global.open().tokens()
        if output.json {
            try JSONOutput.print(tokens)
        } else if tokens.isEmpty {
            print("no tokens yet: make one with `newsdb tokens create NAME`")
        } else {
            for token in tokens { print("\(Terminal.styled(token.name, .bold))  made \(token.createdAt)") }
        }
    }
}

struct TokensRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a teammate's token; the server refuses it from the next request on.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The teammate's name.", valueName: "name")) var name: String

    func run() throws {
        try global.open().revokeToken(name: name)
        print("revoked the token of \(name)")
    }
}
