// swift-tools-version: 6.1
// nio-floor: the warm fan-out round of cfloor (../Floor/cfloor.c), written as the smallest SwiftNIO client: what
// SwiftNIO itself costs per exchange on this machine, before any of teamchat's code. A package of its own, built by
// `make bench-floor` only.
import PackageDescription

let package = Package(
    name: "NIOFloor",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3")
    ],
    targets: [
        .executableTarget(
            name: "nio-floor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
