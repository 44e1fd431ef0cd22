// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "MockRouter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mockrouter", targets: ["mockrouter"]),
        .library(name: "CassetteFormat", targets: ["CassetteFormat"]),
        .library(name: "MockServer", targets: ["MockServer"]),
        .library(name: "MockRouterTesting", targets: ["MockRouterTesting"]),
        // The scenario language and the dialect renderers on their own (tools, the fuzz targets in Fuzz/).
        .library(name: "Scenarios", targets: ["Scenarios"]),
        .library(name: "Dialects", targets: ["Dialects"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CassetteFormat", dependencies: ["CZlib"]),
        .target(
            name: "Playback",
            dependencies: [
                "CassetteFormat",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "Dialects",
            dependencies: [
                "CassetteFormat", "Playback",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "Scenarios",
            dependencies: [
                "CassetteFormat", "Playback", "Dialects",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(name: "Validation", dependencies: ["CassetteFormat"]),
        .target(name: "BundledDefaults", dependencies: ["CassetteFormat", "Playback", "Scenarios"]),
        .target(
            name: "MockServer",
            dependencies: [
                "CassetteFormat", "Playback", "Dialects", "Scenarios", "Validation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "RecordingProxy",
            dependencies: [
                "CassetteFormat", "Dialects", "MockServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "MockRouterTesting",
            dependencies: [
                "BundledDefaults", "CassetteFormat", "Playback", "Scenarios", "MockServer",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "mockrouter",
            dependencies: [
                "BundledDefaults", "CassetteFormat", "Playback", "Dialects", "Scenarios", "MockServer",
                "RecordingProxy", "Validation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "mockrouter-load",
            dependencies: [
                "Scenarios", "Dialects",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ], path: "benchmarks/LoadClient"),
        .testTarget(name: "CassetteFormatTests", dependencies: ["CassetteFormat"]),
        .testTarget(
            name: "MockRouterTestingTests",
            dependencies: [
                "MockRouterTesting", "BundledDefaults", "Dialects",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ScenarioTests", dependencies: ["CassetteFormat", "Playback", "Dialects", "Scenarios"],
            exclude: ["Golden"]),
        .testTarget(
            name: "MockServerTests",
            dependencies: [
                "CassetteFormat", "Playback", "Scenarios", "MockServer", "Validation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
    ]
)
