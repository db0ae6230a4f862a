// swift-tools-version: 6.1
// The benchmark suite, a package of its own so that plain builds and `make test` never pay for ordo-one/benchmark.
// Run: cd Benchmarks && swift package benchmark   (or `make benchmark` from the top).
import PackageDescription

let package = Package(
    name: "TeamChatBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "teamchat", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "TeamChatBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TeamChatModel", package: "teamchat"),
                .product(name: "TeamChatEngine", package: "teamchat"),
                .product(name: "TeamChatRoster", package: "teamchat"),
                .product(name: "TeamChatSession", package: "teamchat"),
                .product(name: "TeamChatBench", package: "teamchat"),
                .product(name: "TeamChatTektonWire", package: "teamchat"),
                .product(name: "TeamChatTekton", package: "teamchat"),
                .product(name: "TeamChatFleet", package: "teamchat"),
                .product(name: "TeamChatBus", package: "teamchat"),
                .product(name: "TeamChatOpenAI", package: "teamchat"),
                .product(name: "TeamChatTestSupport", package: "teamchat"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "TeamChatBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
