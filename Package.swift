// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "teamchat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "teamchat", targets: ["teamchat"]),
        .library(name: "TeamChatJSON", targets: ["TeamChatJSON"]),
        .library(name: "TeamChatModel", targets: ["TeamChatModel"]),
        .library(name: "TeamChatEngine", targets: ["TeamChatEngine"]),
        .library(name: "TeamChatRoster", targets: ["TeamChatRoster"]),
        .library(name: "TeamChatSession", targets: ["TeamChatSession"]),
        .library(name: "TeamChatBench", targets: ["TeamChatBench"]),
        .library(name: "TeamChatOpenAICodec", targets: ["TeamChatOpenAICodec"]),
        .library(name: "TeamChatRESP", targets: ["TeamChatRESP"]),
        .library(name: "TeamChatBusWire", targets: ["TeamChatBusWire"]),
        .library(name: "TeamChatTektonWire", targets: ["TeamChatTektonWire"]),
        .library(name: "TeamChatTekton", targets: ["TeamChatTekton"]),
        .library(name: "TeamChatOpenAI", targets: ["TeamChatOpenAI"]),
        .library(name: "TeamChatGateway", targets: ["TeamChatGateway"]),
        .library(name: "TeamChatRedis", targets: ["TeamChatRedis"]),
        .library(name: "TeamChatBus", targets: ["TeamChatBus"]),
        .library(name: "TeamChatFleet", targets: ["TeamChatFleet"]),
        .library(name: "TeamChatTestSupport", targets: ["TeamChatTestSupport"]),
        .library(name: "TeamChatLog", targets: ["TeamChatLog"]),
        .library(name: "TeamChatJudge", targets: ["TeamChatJudge"]),
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
        // The JSON reader and writer, and the text checks every decoder shares: no dependencies at all.
        .target(name: "TeamChatJSON"),
        // What a team says and how it is told: specialists and their addresses, requests, replies, chunks and
        // outcomes, round events and their codec, health records and breakers, the line framer, redaction. Values
        // and pure functions: no sockets, no threads, no files — what every codec and the fuzzer build on.
        .target(
            name: "TeamChatModel",
            dependencies: [
                "TeamChatJSON",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The transport-neutral engine: the transport seam, the round machine and its shell, the connection pool,
        // the health book. NIO only; no files.
        .target(
            name: "TeamChatEngine",
            dependencies: [
                "TeamChatModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The team as written down and as remembered: roster sources and files, named teams (teams.json) and prices,
        // the cache file and its store. Formats and their files only: no sockets, no tasks.
        .target(
            name: "TeamChatRoster",
            dependencies: [
                "TeamChatModel",
                "TeamChatJSON",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // One team at work: discovery and the session every front end uses (a Service), over the roster and cache.
        .target(
            name: "TeamChatSession",
            dependencies: [
                "TeamChatModel",
                "TeamChatRoster",
                "TeamChatEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The latency benchmark: runs, samples, reports and recordings (HdrHistogram).
        .target(
            name: "TeamChatBench",
            dependencies: [
                "TeamChatModel",
                "TeamChatEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The OpenAI wire's pure codecs (chat completion bodies, server-sent events): what the fuzzer reads, with
        // no TLS to build.
        .target(name: "TeamChatOpenAICodec", dependencies: ["TeamChatModel", "TeamChatJSON"]),
        // RESP3's pure codec, for the same reason.
        .target(name: "TeamChatRESP", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // The bus's messages and their authentication (HMAC-SHA256), pure: what crosses Redis from other machines.
        .target(name: "TeamChatBusWire", dependencies: ["TeamChatModel", "TeamChatJSON"]),
        // Tekton's wire (DESIGN §2): request and reply lines, encoded and decoded; pure, what the fuzzer reads.
        .target(
            name: "TeamChatTektonWire",
            dependencies: [
                "TeamChatModel",
                "TeamChatJSON",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Tekton's sockets: the connection and its handler, one exchange at a time, over the engine's pool.
        .target(
            name: "TeamChatTekton",
            dependencies: [
                "TeamChatTektonWire",
                "TeamChatModel",
                .product(name: "Logging", package: "swift-log"),
                "TeamChatEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatRedis",
            dependencies: [
                "TeamChatRESP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatBus",
            dependencies: [
                "TeamChatModel",
                "TeamChatBusWire",
                "TeamChatRESP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "TeamChatEngine",
                "TeamChatJSON",
                "TeamChatSession",
                "TeamChatRedis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatOpenAI",
            dependencies: [
                "TeamChatModel",
                .product(name: "Logging", package: "swift-log"),
                "TeamChatOpenAICodec",
                "TeamChatEngine",
                "TeamChatJSON",
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
                "TeamChatModel",
                "TeamChatJudge",
                "TeamChatOpenAICodec",
                "TeamChatLog",
                "TeamChatEngine",
                "TeamChatJSON",
                "TeamChatRoster",
                "TeamChatSession",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            // The browser page (`GET /`): plain files, embedded in the binary, so nothing is fetched from elsewhere.
            resources: [.embedInCode("Page")]
        ),
        // One answer from the team (DESIGN §10): the judge's and the council's prompts, ballots and count, and the
        // stages run over whichever way the round ran. Pure but for the ``Synthesis/Ask`` it is handed.
        .target(name: "TeamChatJudge", dependencies: ["TeamChatModel", "TeamChatJSON"]),
        // The system's SQLite (Debian's libsqlite3-dev, FTS5 included): no amalgamation to compile, nothing to ship.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "TeamChatLog",
            dependencies: [
                "TeamChatModel",
                "CSQLite",
                "TeamChatJSON",
                "TeamChatJudge",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatTestSupport",
            dependencies: [
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatRedis",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TeamChatFleet",
            dependencies: [
                "TeamChatTektonWire",
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatJSON",
                "TeamChatRoster",
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
                "TeamChatTektonWire",
                "TeamChatModel",
                "TeamChatLog",
                "TeamChatBusWire",
                "TeamChatBench",
                "TeamChatEngine",
                "TeamChatJSON",
                "TeamChatRoster",
                "TeamChatSession",
                "TeamChatTekton",
                "TeamChatOpenAI",
                "TeamChatOpenAICodec",
                "TeamChatGateway",
                "TeamChatJudge",
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
        .testTarget(name: "TeamChatJSONTests", dependencies: ["TeamChatJSON"]),
        .testTarget(name: "TeamChatModelTests", dependencies: ["TeamChatModel", "TeamChatJSON"]),
        .testTarget(
            name: "TeamChatEngineTests",
            dependencies: [
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "TeamChatRosterTests", dependencies: ["TeamChatModel", "TeamChatRoster"]),
        .testTarget(name: "TeamChatLogTests", dependencies: ["TeamChatModel", "TeamChatLog"]),
        .testTarget(
            name: "TeamChatJudgeTests",
            dependencies: [
                "TeamChatModel",
                "TeamChatJudge", "TeamChatEngine", "TeamChatTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "TeamChatBenchTests", dependencies: ["TeamChatBench", "TeamChatEngine"]),
        .testTarget(
            name: "TeamChatRedisTests",
            dependencies: [
                "TeamChatRESP",
                "TeamChatRedis",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatBusTests",
            dependencies: [
                "TeamChatModel",
                "TeamChatBus",
                "TeamChatBusWire",
                "TeamChatRESP",
                "TeamChatSession",
                "TeamChatRedis",
                "TeamChatTekton",
                "TeamChatFleet",
                "TeamChatTestSupport",
            ]
        ),
        .testTarget(
            name: "TeamChatTektonTests",
            dependencies: [
                "TeamChatTektonWire",
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatTekton",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatOpenAITests",
            dependencies: [
                "TeamChatModel",
                "TeamChatOpenAICodec",
                "TeamChatEngine",
                "TeamChatOpenAI",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatIntegrationTests",
            dependencies: [
                "TeamChatTektonWire",
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatTekton",
                "TeamChatOpenAI",
                "TeamChatTestSupport",
                "TeamChatFleet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TeamChatGatewayTests",
            dependencies: [
                "TeamChatModel",
                "TeamChatEngine",
                "TeamChatJSON",
                "TeamChatRoster",
                "TeamChatSession",
                "TeamChatTekton",
                "TeamChatOpenAI",
                "TeamChatGateway",
                "TeamChatLog",
                "TeamChatFleet",
                "TeamChatTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CTestTerminal", path: "Tests/CTestTerminal"),
        .testTarget(
            name: "TeamChatCLITests",
            // Depends on the executable so that `swift build --build-tests` builds the binary these tests run.
            dependencies: [
                "TeamChatModel",
                "teamchat", "TeamChatFleet", "TeamChatEngine", "TeamChatRoster", "TeamChatTestSupport", "CTestTerminal",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
