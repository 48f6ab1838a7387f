// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "newsdb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "newsdb", targets: ["newsdb"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Sync", targets: ["Sync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
            ],
            plugins: ["EmbedMigrations"]
        ),
        .target(name: "Sync", dependencies: ["Store", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "newsdb",
            dependencies: [
                "Store",
                "Sync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Turns migrations/*.sql into Swift source at build time, so a copied binary carries its schema.
        .executableTarget(name: "embed-migrations", path: "Tools/embed-migrations"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: ["Sync", "Store", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "newsdbTests",
            dependencies: ["newsdb", "Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
