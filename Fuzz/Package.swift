// swift-tools-version: 6.1
// Fuzz targets for the decoders that read untrusted bytes, built with libFuzzer (in the toolchain):
//   make fuzz          (each target for a minute; `make test` runs each for a few seconds)
// A package of its own, so that plain builds never compile the fuzzer entry point. It depends on the pure targets
// only (the model and the decoders): fuzzing builds no BoringSSL, no NIOPosix, no swift-log and no engine.
import PackageDescription

let package = Package(
    name: "TeamChatFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "teamchat", path: ".."),
        // ByteBuffer, which the Tekton and RESP decoders read from (the same version as teamchat's).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "teamchat-fuzz",
            dependencies: [
                .product(name: "TeamChatJSON", package: "teamchat"),
                .product(name: "TeamChatModel", package: "teamchat"),
                .product(name: "TeamChatRoster", package: "teamchat"),
                .product(name: "TeamChatTektonWire", package: "teamchat"),
                .product(name: "TeamChatOpenAICodec", package: "teamchat"),
                .product(name: "TeamChatRESP", package: "teamchat"),
                .product(name: "TeamChatBusWire", package: "teamchat"),
                .product(name: "TeamChatJudge", package: "teamchat"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ],
    swiftLanguageModes: [.v6]
)
