// swift-tools-version: 6.1
// libFuzzer targets for MockRouter's parsers and request resolution. Not part of the root
// package's build: build and run them with `scripts/fuzz` (see README.md in this folder).
import PackageDescription

let package = Package(
    name: "MockRouterFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "MockRouter", path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Each fuzz target is one file defining `LLVMFuzzerTestOneInput` and no `main`; build with
        // `-Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library` (scripts/fuzz does). FuzzerEntry
        // gives each the entry point SwiftPM links executables with, as libFuzzer's driver.
        .target(name: "FuzzerEntry"),
        .executableTarget(
            name: "FuzzJSON",
            dependencies: ["FuzzerEntry", .product(name: "CassetteFormat", package: "MockRouter")]),
        .executableTarget(
            name: "FuzzCassette",
            dependencies: [
                "FuzzerEntry", .product(name: "CassetteFormat", package: "MockRouter"),
                .product(name: "MockRouterTesting", package: "MockRouter"),
            ]),
        // `Scenarios` and `Playback` come re-exported by MockRouterTesting. `Dialects` is no product
        // of the root package: FuzzScenario imports it because MockServer's module depends
        // on it, which SwiftPM lets through today (every module of a build shares one module folder)
        // but does not promise. A `.library(name: "Dialects", targets: ["Dialects"])` product in the
        // root package would make that a declared dependency.
        .executableTarget(
            name: "FuzzScenario",
            dependencies: [
                "FuzzerEntry",
                .product(name: "MockRouterTesting", package: "MockRouter"),
                .product(name: "MockServer", package: "MockRouter"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "FuzzSSE",
            dependencies: ["FuzzerEntry", .product(name: "CassetteFormat", package: "MockRouter")]),
        .executableTarget(
            name: "FuzzResolution",
            dependencies: [
                "FuzzerEntry",
                .product(name: "MockServer", package: "MockRouter"),
                .product(name: "MockRouterTesting", package: "MockRouter"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
