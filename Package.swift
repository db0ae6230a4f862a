// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "teamchat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "teamchat", targets: ["teamchat"]),
        .library(name: "TeamChatCore", targets: ["TeamChatCore"]),
        .library(name: "TeamChatTekton", targets: ["TeamChatTekton"]),
        .library(name: "TeamChatOpenAI", targets: ["TeamChatOpenAI"]),
        .library(name: "TeamChatGateway", targets: ["TeamChatGateway"]),
        .library(name: "TeamChatRedis", targets: ["TeamChatRedis"]),
        .library(name: "TeamChatBus", targets: ["TeamChatBus"]),
        .library(name: "TeamChatFleet", targets: ["TeamChatFleet"]),
        .library(name: "TeamChatTestSupport", targets: ["TeamChatTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "TeamChatCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "TeamChatTekton",
            dependencies: [
                "TeamChatCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatRedis",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "TeamChatBus",
            dependencies: [
                "TeamChatCore",
                "TeamChatRedis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatOpenAI",
            dependencies: [
                "TeamChatCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "TeamChatGateway",
            dependencies: [
                "TeamChatCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The browser page (`GET /`): plain files, embedded in the binary, so nothing is fetched from elsewhere.
            resources: [.embedInCode("Page")]
        ),
        .target(
            name: "TeamChatTestSupport",
            dependencies: [
                "TeamChatCore",
                "TeamChatRedis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatFleet",
            dependencies: [
                "TeamChatCore",
                "TeamChatTekton",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // libedit, loaded at the prompt's first use (dlopen): its header comes from libedit-dev.
        .target(name: "CLibEdit", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CMalloc"),
        .executableTarget(
            name: "teamchat",
            dependencies: [
                "TeamChatCore",
                "TeamChatTekton",
                "TeamChatOpenAI",
                "TeamChatGateway",
                "TeamChatFleet",
                "TeamChatBus",
                "TeamChatRedis",
                "CLibEdit",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatCoreTests",
            dependencies: [
                "TeamChatCore",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatRedisTests",
            dependencies: [
                "TeamChatRedis",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatBusTests",
            dependencies: [
                "TeamChatBus",
                "TeamChatCore",
                "TeamChatRedis",
                "TeamChatTekton",
                "TeamChatFleet",
                "TeamChatTestSupport",
            ]
        ),
        .testTarget(
            name: "TeamChatTektonTests",
            dependencies: [
                "TeamChatCore",
                "TeamChatTekton",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatOpenAITests",
            dependencies: [
                "TeamChatCore",
                "TeamChatOpenAI",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatIntegrationTests",
            dependencies: [
                "TeamChatCore",
                "TeamChatTekton",
                "TeamChatOpenAI",
                "TeamChatTestSupport",
                "TeamChatFleet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatGatewayTests",
            dependencies: [
                "TeamChatCore",
                "TeamChatTekton",
                "TeamChatGateway",
                "TeamChatFleet",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CTestTerminal", path: "Tests/CTestTerminal"),
        .testTarget(
            name: "TeamChatCLITests",
            // Depends on the executable so that `swift build --build-tests` builds the binary these tests run.
            dependencies: ["teamchat", "TeamChatFleet", "TeamChatCore", "TeamChatTestSupport", "CTestTerminal"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
