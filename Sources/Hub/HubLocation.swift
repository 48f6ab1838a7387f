import Foundation
import NIOSSL
import PostgresNIO
import Store

/// Where the team hub's PostgreSQL database is: a `postgresql://` URL or libpq's `key=value` words, as `--store` takes
/// them. The password is never part of it: it comes from `PGPASSWORD` or a password file (libpq's `.pgpass` format:
/// `passfile=` in the location, else `PGPASSFILE`, else `~/.pgpass`), so that it never shows in a process list or a
/// shell's history.
public struct HubLocation: Sendable, Equatable, CustomStringConvertible {
    /// A folder holding the server's Unix socket (a `host` starting with `/`), or a host name for TCP.
    public let host: String
    public let port: Int
    public let user: String
    public let database: String
    /// How TCP connections use TLS: `disable`, `prefer` or `require` (a socket never does).
    public let sslMode: String
    /// The password file named in the location, if one was.
    public let passwordFile: String?

    /// Whether the location is a folder holding the server's socket.
    public var isSocket: Bool { host.hasPrefix("/") }

    /// The location as a person reads it, without any password: `USER@HOST:PORT/DATABASE`.
    public var description: String { "\(user)@\(host):\(port)/\(database)" }

    /// Reads a location.
    /// - Parameters:
    ///   - text: `postgresql://USER@HOST:PORT/DATABASE?host=/run/postgresql&…` (or `postgres://`), or
    ///     `host=… port=… user=… dbname=… passfile=… sslmode=…`.
    ///   - environment: Where `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` and `USER` give what the text leaves out.
    /// - Throws: `StoreError` `.invalidInput` for a location that cannot be read or that holds a password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var words: [String: String]
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            words = try Self.urlWords(text)
        } else if text.contains("=") {
            words = try Self.keywordWords(text)
        } else {
            throw StoreError(
                .invalidInput,
                "--store takes a postgresql:// URL or libpq's key=value words (host=/run/postgresql dbname=newsdb), not \(text)"
            )
        }
        let known: Set = ["host", "port", "user", "dbname", "passfile", "sslmode", "password"]
        if let unknown = words.keys.sorted().first(where: { !known.contains($0) }) {
            throw StoreError(
                .invalidInput,
                "--store: \(unknown) is not a setting newsdb takes (\(known.sorted().joined(separator: ", ")))")
        }
        guard words["password"] == nil else {
            throw StoreError(
                .invalidInput,
                "--store must not hold a password (it would show in the process list); set PGPASSWORD or use a password file (passfile=PATH)"
            )
        }
        func value(_ key: String, _ variable: String) -> String? {
            words[key].flatMap { $0.isEmpty ? nil : $0 } ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        host = value("host", "PGHOST") ?? "/run/postgresql"
        let portText = value("port", "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw StoreError(.invalidInput, "--store: the port must be a number from 1 to 65535 (it was \(portText))")
        }
        self.port = port
        guard let user = value("user", "PGUSER") ?? environment["USER"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw StoreError(.invalidInput, "--store names no user (add user=NAME, or USER@ in the URL)")
        }
        self.user = user
        database = value("dbname", "PGDATABASE") ?? user
        sslMode = words["sslmode"] ?? (host.hasPrefix("/") ? "disable" : "prefer")
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw StoreError(.invalidInput, "--store: sslmode must be disable, prefer or require (it was \(sslMode))")
        }
        passwordFile = words["passfile"]
    }

    /// The same server, user and settings, for the database `name`.
    public func database(_ name: String) -> HubLocation {
        HubLocation(
            host: host, port: port, user: user, database: name, sslMode: sslMode, passwordFile: passwordFile)
    }

    private init(
        host: String, port: Int, user: String, database: String, sslMode: String, passwordFile: String?
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.sslMode = sslMode
        self.passwordFile = passwordFile
    }

    /// The words of a `postgresql://USER@HOST:PORT/DATABASE?key=value&…` URL.
    private static func urlWords(_ text: String) throws -> [String: String] {
        guard let components = URLComponents(string: text) else {
            throw StoreError(.invalidInput, "--store: \(text.prefix(80)) is not a URL")
        }
        var words: [String: String] = [:]
        if components.password != nil { words["password"] = "" }
        if let user = components.percentEncodedUser { words["user"] = user.removingPercentEncoding ?? user }
        if let host = components.host, !host.isEmpty { words["host"] = host.removingPercentEncoding ?? host }
        if let port = components.port { words["port"] = String(port) }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if !path.isEmpty { words["dbname"] = path }
        for item in components.queryItems ?? [] {
            words[item.name] = item.value ?? ""
        }
        return words
    }

    /// The words of libpq's `key=value key='quoted value'` form.
    private static func keywordWords(_ text: String) throws -> [String: String] {
        var words: [String: String] = [:]
        var scalars = Substring(text)
        while true {
            scalars = scalars.drop { $0 == " " || $0 == "\t" }
            guard !scalars.isEmpty else { return words }
            guard let equals = scalars.firstIndex(of: "=") else {
                throw StoreError(.invalidInput, "--store: \(scalars.prefix(40)) is not of the form key=value")
            }
            let key = scalars[..<equals].trimmingCharacters(in: .whitespaces)
            scalars = scalars[scalars.index(after: equals)...].drop { $0 == " " }
            var value = ""
            if scalars.first == "'" {
                scalars = scalars.dropFirst()
                var closed = false
                while let next = scalars.first {
                    scalars = scalars.dropFirst()
                    if next == "\\", let escaped = scalars.first {
                        value.append(escaped)
                        scalars = scalars.dropFirst()
                    } else if next == "'" {
                        closed = true
                        break
                    } else {
                        value.append(next)
                    }
                }
                guard closed else {
                    throw StoreError(.invalidInput, "--store: the value of \(key) lacks its closing quote")
                }
            } else {
                let end = scalars.firstIndex { $0 == " " || $0 == "\t" } ?? scalars.endIndex
                value = String(scalars[..<end])
                scalars = scalars[end...]
            }
            words[key] = value
        }
    }

    /// The password: `PGPASSWORD`, else the first line of the password file that matches this location.
    /// - Throws: `StoreError` `.invalidInput` when a password file named in the location cannot be read.
    func password(environment: [String: String]) throws -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let named = passwordFile ?? environment["PGPASSFILE"]
        let path = named ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let data = FileManager.default.contents(atPath: path) else {
            if let named { throw StoreError(.invalidInput, "cannot read the password file \(named)") }
            return nil
        }
        let fields = [isSocket ? "localhost" : host, String(port), database, user]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard !line.hasPrefix("#") else { continue }
            let parts = Self.passwordFileFields(line)
            guard parts.count == 5 else { continue }
            if zip(parts.prefix(4), fields).allSatisfy({ $0 == "*" || $0 == $1 }) { return parts[4] }
        }
        return nil
    }

    /// The `:`-separated fields of a password file line, `\:` and `\\` read as the characters.
    private static func passwordFileFields(_ line: Substring) -> [String] {
        var fields = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }

    /// postgres-nio's configuration of one connection to this location, for the first one, made before the pool's.
    /// - Throws: As ``password(environment:)``.
    func connectionConfiguration(environment: [String: String]) throws -> PostgresConnection.Configuration {
        let password = try password(environment: environment)
        if isSocket {
            return .init(
                unixSocketPath: host + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// postgres-nio's client configuration for this location, the password read as ``password(environment:)`` does.
    /// - Throws: `StoreError` `.invalidInput` when a password file named in the location cannot be read.
    public func clientConfiguration(environment: [String: String]) throws -> PostgresClient.Configuration {
        let password = try password(environment: environment)
        var configuration: PostgresClient.Configuration
        if isSocket {
            configuration = .init(
                unixSocketPath: host + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch sslMode {
                case "disable": .disable
                case "require": .require(.makeClientConfiguration())
                default: .prefer(.makeClientConfiguration())
                }
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = 16
        return configuration
    }
}
