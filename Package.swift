// swift-tools-version:6.1
import Foundation
import PackageDescription

/// scripts/fuzz.sh sets NEWSDB_FUZZ=1: the code under test is built with libFuzzer's coverage, and newsdb-fuzz is
/// linked with libFuzzer. Other builds are unaffected.
let fuzzing = ProcessInfo.processInfo.environment["NEWSDB_FUZZ"] == "1"
let fuzzed: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer"])] : []

/// A release build of newsdb on Linux carries the Swift runtime and Foundation (-static-stdlib): a copied binary needs
/// nothing of the toolchain, and the dynamic loader binds a few system libraries instead of a dozen Swift ones, whose
/// symbol look-ups were a third of `newsdb --version` (docs/INSTALLING.md). The flag is given to the newsdb target's
/// compiler too, so that its objects name the static Foundation's own libraries (CoreFoundation, _FoundationICU…)
/// for the linker. Debug builds and the tests keep the shared runtime the toolchain's test libraries link against.
let releaseOnLinux = BuildSettingCondition.when(platforms: [.linux], configuration: .release)
let staticRuntime: [SwiftSetting] = fuzzing ? [] : [.unsafeFlags(["-static-stdlib"], releaseOnLinux)]
/// The release binary is linked at a fixed address (not position-independent), as Go links its binaries: a PIE of
/// this size starts by rewriting about 150,000 pointers of its own (relative relocations), a private copy of every
/// page they are on, 390 of the 940 page faults of `newsdb --version` and a fifth of its time. The shared libraries
/// it loads (libc, SQLite, libxml2), its heap and its stack are still placed at random; only the binary's own code
/// and data are not (docs/INSTALLING.md). And it exports only the symbols its libraries need from it:
/// -static-stdlib exports all 44,000 of its own, which made the dynamic loader's look-ups and the runtime's one
/// dladdr() at start (finding its own path) ten times slower.
let startupLinking = ["-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic"]

let package = Package(
    name: "newsdb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "newsdb", targets: ["newsdb"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "Hub", targets: ["Hub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", exact: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/JohnSundell/Ink", exact: "0.6.0"),
    ],
    targets: [
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite API itself, for binding the values of changes to statements GRDB prepared (ChangeStatements).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                "CLibXML2",
                "CZlib",
                "CZstd",
            ],
            swiftSettings: fuzzed,
            plugins: ["EmbedMigrations"]
        ),
        // zlib's inflate, for the saved pages earlier versions kept with zlib (ArticleImport/KeptPage.swift).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // libxml2's HTML parser, for importing saved web pages (ArticleImport/HTML).
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // Zstandard, for the database inside a snapshot (Snapshot/) and the pages kept with articles (KeptPage.swift).
        .systemLibrary(
            name: "CZstd",
            path: "Sources/CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]
        ),
        .target(
            name: "Sync",
            dependencies: [
                "Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: fuzzed
        ),
        // The team hub's store on PostgreSQL (`newsdb serve --store postgresql://…`), its schema in hub-migrations/.
        .target(
            name: "Hub",
            dependencies: [
                "Store",
                "Sync",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // ConnectionPoolError, which the pool's failures are, to tell a person the database is unreachable.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        // The browser reader (`newsdb web`): its server, JSON API and the page's files from web/, embedded.
        .target(
            name: "Reader",
            dependencies: [
                "Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Ink", package: "Ink"),
            ],
            exclude: ["openapi.json"],
            plugins: ["EmbedWebAssets"]
        ),
        .executableTarget(
            name: "newsdb",
            dependencies: [
                "Store",
                "Sync",
                "Hub",
                "Reader",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: staticRuntime,
            linkerSettings: staticRuntime.isEmpty
                ? [] : [.unsafeFlags(["-static-stdlib"] + startupLinking, releaseOnLinux)]
        ),
        // libFuzzer harness for the change-file reader and the article parser (scripts/fuzz.sh).
        .executableTarget(
            name: "newsdb-fuzz",
            dependencies: ["Store", "Sync", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tools/fuzz",
            swiftSettings: fuzzed + (fuzzing ? [.define("FUZZING")] : []),
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer", "-use-ld=lld"])] : []
        ),
        // Turns migrations/*.sql (hub-migrations/*.sql for Hub) into Swift source at build time, so a copied binary
        // carries its schema.
        .executableTarget(name: "embed-migrations", path: "Tools/embed-migrations"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"]
        ),
        // Turns web/ and Sources/Reader/openapi.json into Swift source at build time, so a copied binary serves the reader.
        .executableTarget(name: "embed-web", path: "Tools/embed-web"),
        .plugin(
            name: "EmbedWebAssets",
            capability: .buildTool(),
            dependencies: ["embed-web"]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Hub", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "Store", "Hub", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["FuzzRegressions"]
        ),
        .testTarget(
            name: "ReaderTests",
            dependencies: [
                "Reader", "Store", "Sync", "TestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "newsdbTests",
            dependencies: [
                "newsdb", "Store", "Hub", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                // For `newsdb web`'s end-to-end test, as a browser talks to it.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Hostile"]
        ),
    ]
)
