// swift-tools-version: 6.1
import PackageDescription

// Why each dependency: see README.md ("Dependencies") and DESIGN.md.
// Linux only (no `platforms:` claim): the code calls Glibc directly and the curses shim includes
// Debian's <ncursesw/curses.h>; macOS has neither (see README.md, "Requirements").
let package = Package(
    name: "flux-tui",
    products: [
        .executable(name: "flux-tui", targets: ["flux-tui"]),
        .library(name: "FluxAPI", targets: ["FluxAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: system libraries
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CImageCodecs", path: "Sources/CImageCodecs"),
        .systemLibrary(name: "CSystemZlib", path: "Sources/CSystemZlib"),

        // MARK: libraries
        // One lock-protected value for the modules below (FluxAPI and TerminalKit share no other module).
        .target(name: "Locking"),
        // One seeded generator (SplitMix64) for the simulator, the tests and the benchmarks.
        .target(name: "DeterministicRandom"),
        .target(
            name: "FluxAPI",
            dependencies: [
                "Locking",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "CSystemZlib",
            ],
            // The project's own copy of the public OpenAPI document: the registry builds today's
            // endpoints from it (see docs/design-notes.md, "Endpoints from OpenAPI").
            resources: [.copy("Resources/bfl-openapi.json")]
        ),
        .target(name: "ImageCodec", dependencies: ["CImageCodecs"]),
        .target(
            name: "FluxSimulator",
            dependencies: [
                "FluxAPI",
                "Locking",
                "DeterministicRandom",
                "ImageCodec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "TaskStore", dependencies: ["FluxAPI", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "TerminalKit", dependencies: ["Locking", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "CursesBackend", dependencies: ["TerminalKit", "Locking", "CNcursesw"]),
        // Images drawn with half-block cells (decode, scale, map to the terminal's colours).
        .target(name: "ImagePreview", dependencies: ["ImageCodec", "TerminalKit"]),
        // A batch as a grid of labelled cells (the app's `g` screen and `flux-tui sheet`).
        .target(name: "ContactSheets", dependencies: ["FluxAPI", "TaskStore", "ImageCodec"]),
        .target(name: "FluxApp", dependencies: ["FluxAPI", "TaskStore", "TerminalKit", "ImagePreview", "Locking", "ContactSheets",
                                                .product(name: "TOMLKit", package: "TOMLKit")]),

        // MARK: executables
        .executableTarget(
            name: "flux-tui",
            dependencies: [
                "Locking",
                "FluxAPI",
                "FluxSimulator",
                "FluxApp",
                "TaskStore",
                "TerminalKit",
                "CursesBackend",
                "ContactSheets",
                "ImageCodec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "terminalkit-demo", dependencies: ["TerminalKit", "CursesBackend"]),
        // Speed and memory figures (scripts/bench); a plain release-mode executable.
        .executableTarget(
            name: "flux-bench",
            dependencies: ["FluxAPI", "FluxSimulator", "FluxApp", "TaskStore", "TerminalKit", "CursesBackend", "ImageCodec", "ImagePreview",
                           "DeterministicRandom"],
            path: "Benchmarks/flux-bench"
        ),

        // MARK: tests
        .testTarget(name: "FluxAPITests", dependencies: ["FluxAPI", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ImageCodecTests", dependencies: ["ImageCodec"]),
        .testTarget(name: "FluxSimulatorTests", dependencies: ["FluxSimulator", "FluxAPI", "TestSupport"]),
        .testTarget(name: "FluxAppTests", dependencies: ["FluxApp", "FluxAPI", "TaskStore", "TerminalKit", "FluxSimulator", "TestSupport", "ImageCodec", "ImagePreview", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ContactSheetsTests", dependencies: ["ContactSheets", "TaskStore", "FluxAPI", "ImageCodec"]),
        .testTarget(name: "ImagePreviewTests", dependencies: ["ImagePreview", "ImageCodec", "TerminalKit"]),
        .testTarget(name: "TaskStoreTests", dependencies: ["TaskStore", "FluxAPI", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TerminalKitTests", dependencies: ["TerminalKit", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["flux-tui", "terminalkit-demo", "TestSupport", "FluxAPI", "FluxApp", "TaskStore", "ImageCodec", "ContactSheets"]),
        .target(
            name: "TestSupport",
            dependencies: [
                "DeterministicRandom",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
    ]
)
